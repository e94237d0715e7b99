"""Submission pages: submit under an agreement, the report and caveats, accept, download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.retention import RetentionAction
from lgrshare.domain.standards.display import rows_text
from lgrshare.domain.standards.templates import template_bytes, template_filename
from lgrshare.domain.validation import Report
from lgrshare.submissions import exports, services
from lgrshare.submissions.forms import CaveatForm, SubmitForm, WithdrawForm
from lgrshare.submissions.models import Submission

PREVIEW_ROWS = 20
TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = agreement_get_for_user(pk=pk, user=user)
    mine = agreement.datasets.filter(publisher_id=user.council_id)
    standards = [(d.standard_name, d.title) for d in mine]
    form = SubmitForm(request.POST or None, request.FILES or None, standards=standards)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = services.dataset_for(
                agreement=agreement,
                standard=form.cleaned_data["standard"],
                council=user.council_id or "",
            )
            created = services.submission_create(
                user=user,
                dataset=dataset,
                source=upload,
                file_name=upload.name or "",
                size=upload.size or 0,
                period=form.cleaned_data["period"],
                drop_unagreed=form.cleaned_data["drop_unagreed"],
            )
        except InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("submission", pk=created.pk)
    shares = [(d, services.agreed_standard(d)) for d in mine]
    context = {
        "agreement": agreement,
        "area": agreement.area,
        "form": form,
        "mine": mine,
        "shares": shares,
    }
    return render(request, "submissions/submit.html", context, status=400 if form.errors else 200)


def _detail(
    request: HttpRequest,
    submission: Submission,
    caveat_form: CaveatForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> HttpResponse:
    user = person(request)
    # One policy decision (recorded as a view when allowed) covers the report and the preview.
    decision = access.view(
        user=user,
        dataset=submission.dataset,
        deleted=submission.state == Submission.State.DELETED,
        submission=submission.pk,
    )
    own = user.council_id == submission.dataset.publisher_id
    report = Report.from_json(
        services.full_report(submission) if own else services.visible_report(submission, decision)
    )
    context: dict[str, Any] = {
        "can_see_report": services.can_see_report(user, submission, decision),
        "submission": submission,
        "dataset": submission.dataset,
        "report": report,
        "by_code": [(code, errors[:5]) for code, errors in report.errors_by_code().items()],
        "counts": sorted(report.stats.get("counts", {}).items()),
        "unexplained": services.unexplained_codes(submission),
        "caveat_form": caveat_form or CaveatForm(codes=list(report.stats.get("counts", {}))),
        "perms_for": access.perms_for(submission=services.permissions(user, submission)),
        "withdraw_form": withdraw_form or WithdrawForm(),
    }
    context["data_reason"] = decision.reason
    area = submission.dataset.area
    context["can_delete_early"] = area is not None and access.may_retention(
        user=user,
        action=RetentionAction.DELETE_EARLY,
        area=area.county_id,
        council=submission.dataset.publisher_id,
    )
    if decision.allowed and submission.state == Submission.State.ACCEPTED:
        frame = services.submission_frame(submission, decision=decision)
        # Cells as people read them (a proportion as a percentage); downloads keep them as sent.
        rows = rows_text(
            services.agreed_standard(submission.dataset),
            frame.columns,
            frame.head(PREVIEW_ROWS).rows(),
        )
        context.update(columns=frame.columns, rows=rows, total_rows=frame.height)
    invalid = any(form is not None and form.errors for form in (caveat_form, withdraw_form))
    status = 400 if invalid else 200
    return render(request, "submissions/detail.html", context, status=status)


@require_safe
def agreed_template(request: HttpRequest, pk: int, standard: str, fmt: str) -> HttpResponse:
    """The template of what the user's council shares of ``standard`` under the agreement:
    only the agreed fields."""
    user = person(request)
    dataset = services.dataset_for(
        agreement=agreement_get_for_user(pk=pk, user=user),
        standard=standard,
        council=user.council_id or "",
    )
    agreed = services.agreed_standard(dataset)
    response = HttpResponse(template_bytes(agreed, fmt=fmt), content_type=TEMPLATE_TYPES[fmt])  # type: ignore[arg-type]
    name = f"{dataset.agreement.reference}-{template_filename(agreed, fmt=fmt)}"  # type: ignore[arg-type, union-attr]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, services.submission_get_for_user(pk=pk, user=person(request)))


@require_POST
def submission_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    if action == "caveat":
        form = CaveatForm(
            request.POST, codes=list(submission.report.get("stats", {}).get("counts", {}))
        )
        if not form.is_valid():
            return _detail(request, submission, form)
        try:
            services.submission_add_caveat(user=user, submission=submission, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
            return _detail(request, submission, form)
    elif action == "accept":
        try:
            services.submission_accept(user=user, submission=submission)
        except InvalidInput as exc:
            messages.error(request, exc.message)
            return redirect("submission", pk=submission.pk)
        messages.success(
            request, f"{submission.reference} is accepted and can be used under the agreement."
        )
    elif action == "withdraw":
        confirmed = WithdrawForm(request.POST)
        if not confirmed.is_valid():
            return _detail(request, submission, withdraw_form=confirmed)
        services.submission_withdraw(user=user, submission=submission)
        messages.success(request, f"{submission.reference} is withdrawn and its file destroyed.")
    else:
        raise InvalidInput(f"Unknown action {action!r}", code="unknown-action")
    return redirect("submission", pk=submission.pk)


@require_safe
def submission_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    content, kind, name = exports.submission_download(user=user, submission=submission, fmt=fmt)
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def submission_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    report = services.require_report(user, submission)
    response = HttpResponse(services.report_json(report), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{submission.reference}-report.json"'
    return response
