"""Submission pages: submit under an agreement, its template, the report (the submission's
page, its actions and downloads show data, so they are the read path's: ``datasets.views``)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.standards.templates import template_bytes, template_filename
from lgrshare.domain.validation import Report, officers
from lgrshare.submissions import services
from lgrshare.submissions.forms import SubmitForm

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
            # With its code, which the page carries (``data-error-code``), as the API's does.
            form.add_error("file", forms.ValidationError(exc.message, code=exc.code))
        else:
            return redirect("submission", pk=created.pk)
    shares = [(d, services.agreed_standard(d)) for d in mine]
    refusal = form.errors.as_data().get("file", []) if form.errors else []
    context = {
        "agreement": agreement,
        "area": agreement.area,
        "error_code": refusal[0].code if refusal else None,
        "form": form,
        "mine": mine,
        "shares": shares,
    }
    return render(request, "submissions/submit.html", context, status=400 if form.errors else 200)


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
def submission_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    report = services.require_report(user, submission)
    response = HttpResponse(services.report_json(report), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{submission.reference}-report.json"'
    return response


REPORT_TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
def submission_report_table(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report's findings as a CSV or XLSX table (row, column, value, problem), for fixing
    the file in a spreadsheet: the same policy as the JSON report."""
    user = person(request)
    submission = services.submission_get_for_user(pk=pk, user=user)
    report = Report.from_json(services.require_report(user, submission))
    content = officers.report_csv(report) if fmt == "csv" else officers.report_xlsx(report)
    response = HttpResponse(content, content_type=REPORT_TABLE_TYPES[fmt])
    name = f"{submission.reference}-errors.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
