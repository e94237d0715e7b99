"""Pages that show or hand out data: a dataset, a submission, downloads, a compiled standard.

Each is short: it finds the thing (its own area's or not found), calls the read path, renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.audit.services import may_read_trail
from lgrshare.catalogue.models import Kind
from lgrshare.catalogue.services import dataset_get_for_user
from lgrshare.datasets import compile as compiling
from lgrshare.datasets.bundle import Export, check_format, export
from lgrshare.datasets.downloads import dataset_download, submission_download
from lgrshare.datasets.read import dataset_rows
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.retention import RetentionAction
from lgrshare.domain.standards.display import column_titles, rows_text
from lgrshare.domain.standards.model import Standard, StandardNotFound
from lgrshare.domain.validation import Report, officers
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services
from lgrshare.submissions.forms import CaveatForm, WithdrawForm
from lgrshare.submissions.models import Submission

PAGE_ROWS = 50
PREVIEW_ROWS = 20


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def _table(request: HttpRequest, frame: Any, standard: Standard | None) -> dict[str, Any]:
    """One page of ``frame`` as people read it (``rows_text``: a proportion as a percentage,
    numbers without float noise), the one formatter of every page that shows rows; downloads
    and the API keep the cells as submitted."""
    pages = max(1, -(-frame.height // PAGE_ROWS))
    page = min(_page_number(request.GET.get("page")), pages)
    start = (page - 1) * PAGE_ROWS
    return {
        "columns": frame.columns,
        "headings": column_titles(standard, frame.columns),
        "rows": rows_text(standard, frame.columns, frame.slice(start, PAGE_ROWS).rows()),
        "total_rows": frame.height,
        "page": page,
        "pages": pages,
        "first_row": start + 1,
        "last_row": min(start + PAGE_ROWS, frame.height),
    }


def _attachment(made: Export) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    return response


@require_safe
def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    user = person(request)
    found = dataset_get_for_user(slug=slug, user=user)
    area = found.area.county_id if found.area_id else None  # type: ignore[union-attr]
    context: dict[str, object] = {
        "dataset": found,
        "perms_for": access.perms_for(
            dataset={"read-trail": may_read_trail(viewer=user, area=area)}
        ),
    }
    if found.kind == Kind.REGISTER:  # nothing to show but the entry
        decision = access.check(user=user, action=access.Action.VIEW_DATA, dataset=found)
    else:
        decision = access.view(user=user, dataset=found)
    context["data_reason"] = decision.reason
    if decision.allowed and found.kind != Kind.REGISTER:
        rows = dataset_rows(user=user, dataset=found, decision=decision)
        standard = services.agreed_standard(found) if found.kind == Kind.SUBMISSION else None
        context.update(
            _table(request, rows.frame, standard), versions=rows.versions, caveats=rows.caveats
        )
    return render(request, "catalogue/dataset.html", context)


@require_safe
def dataset_export(request: HttpRequest, slug: str, fmt: str = "csv") -> HttpResponse:
    user = person(request)
    found = dataset_get_for_user(slug=slug, user=user)
    if found.kind == Kind.SUBMISSION and fmt == "csv" and request.path.endswith("data.csv"):
        # The old address of shared data: it now downloads with its context.
        return redirect("dataset-export", slug=slug, fmt="zip")
    return _attachment(dataset_download(user=user, dataset=found, fmt=fmt))


def _detail(
    request: HttpRequest,
    submission: Submission,
    caveat_form: CaveatForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> HttpResponse:
    user = person(request)
    # One policy decision (recorded as a view when allowed) covers the report and the preview.
    deleted = submission.state == Submission.State.DELETED
    decision = access.view(
        user=user,
        dataset=access.Deleted(submission.dataset) if deleted else submission.dataset,
        submission=submission.pk,
    )
    own = user.council_id == submission.dataset.publisher_id
    report = Report.from_json(
        services.full_report(submission) if own else services.visible_report(submission, decision)
    )
    context: dict[str, Any] = {
        "submission": submission,
        "dataset": submission.dataset,
        "report": report,
        "kinds": officers.kinds(report),
        "page": _report_page(request, report),
        "counts": sorted(report.stats.get("counts", {}).items()),
        "unexplained": services.unexplained_codes(submission),
        "standard_title": _standard_title(submission.standard_name, submission.standard_version),
        "caveat_form": caveat_form or CaveatForm(codes=list(report.stats.get("counts", {}))),
        "withdraw_form": withdraw_form or WithdrawForm(),
    }
    context["data_reason"] = decision.reason
    area = submission.dataset.area
    # Every form and link of the page, as the policy answers for this person.
    context["perms_for"] = access.perms_for(
        submission=services.permissions(user, submission)
        | {
            "see-report": services.can_see_report(user, submission, decision),
            "delete-early": area is not None
            and access.may_retention(
                user=user,
                action=RetentionAction.DELETE_EARLY,
                area=area.county_id,
                council=submission.dataset.publisher_id,
            ),
        }
    )
    if decision.allowed and submission.state == Submission.State.ACCEPTED:
        frame = dataset_rows(
            user=user, dataset=submission.dataset, decision=decision, submission=submission
        ).frame
        # Cells as people read them (a proportion as a percentage); downloads keep them as sent.
        standard = services.agreed_standard(submission.dataset)
        rows = rows_text(standard, frame.columns, frame.head(PREVIEW_ROWS).rows())
        context.update(
            columns=frame.columns,
            headings=column_titles(standard, frame.columns),
            rows=rows,
            total_rows=frame.height,
        )
    invalid = any(form is not None and form.errors for form in (caveat_form, withdraw_form))
    status = 400 if invalid else 200
    return render(request, "submissions/detail.html", context, status=status)


def _standard_title(name: str, version: str) -> str:
    """The title of the standard ``name`` at ``version`` for people; its name if it is no longer
    held."""
    try:
        return standard_get(name=name, version=version).title or name
    except StandardNotFound:
        return name


def _report_page(request: HttpRequest, report: Report) -> officers.Page:
    """The page of findings the query asks for (``kind``, ``page``); a bad value is page 1 of
    every kind."""
    kind = request.GET.get("kind") or None
    if kind not in {item.code for item in officers.kinds(report)}:
        kind = None
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) < 7 else 1
    return officers.page(report, number=number, kind=kind)


@require_safe
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, services.submission_get_for_user(pk=pk, user=person(request)))


_SUBMISSION_ACTIONS = {
    "caveat": access.Action.ADD_CAVEAT,
    "accept": access.Action.ACCEPT_SUBMISSION,
    "withdraw": access.Action.WITHDRAW_SUBMISSION,
}


@require_POST
def submission_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    # The policy first, whatever was sent: someone who may not act on this submission is
    # refused (403) before an unknown action or a form is answered (400).
    services.submission_require(
        user=user, submission=submission, action=_SUBMISSION_ACTIONS.get(action)
    )
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
def submission_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    return _attachment(submission_download(user=user, submission=submission, fmt=fmt))


@require_safe
def compiled(request: HttpRequest, pk: int, standard: str) -> HttpResponse:
    user = person(request)
    agreement = agreement_get_for_user(pk=pk, user=user)
    result = compiling.compile_standard(user=user, agreement=agreement, standard_name=standard)
    context = {
        "agreement": agreement,
        "compiled": result,
        "area": agreement.area,
        **_table(request, result.frame, result.standard),
    }
    return render(request, "datasets/compiled.html", context)


@require_safe
def compiled_export(request: HttpRequest, pk: int, standard: str, fmt: str) -> HttpResponse:
    user = person(request)
    check_format(fmt)
    agreement = agreement_get_for_user(pk=pk, user=user)
    result = compiling.compile_standard(user=user, agreement=agreement, standard_name=standard)
    return _attachment(export(compiling.compiled_bundle(result), fmt=fmt))
