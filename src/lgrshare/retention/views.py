"""Pages of retention: a certificate (page, PDF, JSON), an attestation, an early deletion, the
event data is kept until, and the area's retention dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.agreements.status import after_event, retention_due
from lgrshare.councils.models import User
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.policy.retention import RetentionAction
from lgrshare.retention import services
from lgrshare.retention.dashboard import retention_dashboard
from lgrshare.retention.forms import AttestationForm, EarlyDeletionForm, RetentionEventForm
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.retention.pdf import render_certificate_pdf
from lgrshare.submissions.services import submission_get_for_user


def _attestations(certificate: DeletionCertificate) -> list[Attestation]:
    return list(
        Attestation.objects.filter(agreement=certificate.agreement).select_related(
            "council", "agreement__area"
        )
    )


def _attestation_rows(user: User, attestations: Iterable[Attestation]) -> list[dict[str, Any]]:
    """Each council's confirmation with the policy's answer for it: only a DPO or data lead of
    that council is offered to confirm its copies are gone."""
    return [
        {
            "attestation": a,
            "perms": access.perms_for(
                attestation={
                    "attest": a.confirmed_at is None
                    and access.may_retention(
                        user=user,
                        action=RetentionAction.ATTEST,
                        area=a.agreement.area.county_id,
                        council=a.council_id,
                    )
                }
            )["attestation"],
        }
        for a in attestations
    ]


@require_safe
def certificate_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    certificate = services.certificate_get_for_user(pk=pk, user=user)
    context = {
        "certificate": certificate,
        "body": certificate.body,
        "attestations": _attestation_rows(user, _attestations(certificate)),
        "area": certificate.agreement.area,
    }
    return render(request, "retention/certificate.html", context)


@require_safe
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = services.certificate_get_for_user(pk=pk, user=person(request))
    content = render_certificate_pdf(certificate, _attestations(certificate))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.reference}.pdf"'
    return response


@require_safe
def certificate_json(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = services.certificate_get_for_user(pk=pk, user=person(request))
    document = {
        **certificate.body,
        "certificate_sha256": certificate.body_sha256,
        "attestations": [
            {
                "council": a.council_id,
                "name": a.council.official_name,
                "confirmed_by": a.confirmed_by_name or None,
                "confirmed_at": a.confirmed_at.isoformat() if a.confirmed_at else None,
                "statement": a.statement or None,
            }
            for a in _attestations(certificate)
        ],
    }
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{certificate.reference}.json"'
    return response


@require_http_methods(["GET", "POST"])
def attestation_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    attestation = services.attestation_get_for_user(pk=pk, user=user)
    if request.method == "POST":
        # The policy first: a confirmation for another council is refused (recorded) before
        # its form is read.
        access.require_retention(
            user=user,
            action=RetentionAction.ATTEST,
            area=attestation.agreement.area.county_id,
            target_type="agreement",
            target_id=attestation.agreement_id,
            council=attestation.council_id,
        )
    form = AttestationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.attestation_confirm(
            user=user,
            attestation=attestation,
            statement=form.cleaned_data["statement"],
            declared=form.cleaned_data["declaration"],
        )
        messages.success(
            request, f"Recorded: {attestation.council.official_name} deleted its copies."
        )
        return redirect("agreement-retention", pk=attestation.agreement_id)
    context = {
        "attestation": attestation,
        "agreement": attestation.agreement,
        "area": attestation.agreement.area,
        "form": form,
        "may_attest": access.may_retention(
            user=user,
            action=RetentionAction.ATTEST,
            area=attestation.agreement.area.county_id,
            council=attestation.council_id,
        ),
    }
    return render(
        request, "retention/attestation.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def agreement_retention(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = agreement_get_for_user(pk=pk, user=user)
    form = RetentionEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.retention_event_record(
            user=user, agreement=agreement, occurred_on=form.cleaned_data["occurred_on"]
        )
        messages.success(request, "Recorded: the data is now due on the date shown.")
        return redirect("agreement-retention", pk=agreement.pk)
    version = agreement.current()
    parties = frozenset(version.parties.values_list("council_id", flat=True))
    context = {
        "agreement": agreement,
        "version": version,
        "area": agreement.area,
        "due": retention_due(agreement, version),
        "after_event": after_event(version.retention_months_after_event, version.retention_event),
        "certificates": DeletionCertificate.objects.filter(agreement=agreement).select_related(
            "dataset"
        ),
        "attestations": _attestation_rows(
            user,
            Attestation.objects.filter(agreement=agreement).select_related(
                "council", "agreement__area"
            ),
        ),
        "form": form,
        "may_record_event": bool(version.retention_event)
        and not DeletionCertificate.objects.filter(agreement=agreement).exists()
        and access.may_retention(
            user=user,
            action=RetentionAction.RECORD_EVENT,
            area=agreement.area.county_id,
            parties=parties,
        ),
    }
    return render(request, "retention/agreement.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def delete_early(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    submission = submission_get_for_user(pk=pk, user=user)
    dataset = submission.dataset
    access.require_retention(
        user=user,
        action=RetentionAction.DELETE_EARLY,
        area=dataset.area.county_id,  # type: ignore[union-attr]
        target_type="submission",
        target_id=submission.pk,
        council=dataset.publisher_id,
    )
    form = EarlyDeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        certificate = services.submission_delete_early(
            user=user, submission=submission, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"Deleted. Certificate {certificate.reference} records it.")
        return redirect("certificate", pk=certificate.pk)
    context = {"submission": submission, "form": form, "dataset": submission.dataset}
    return render(
        request, "retention/delete_early.html", context, status=400 if form.errors else 200
    )


@require_safe
def dashboard(request: HttpRequest, county_gss: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    access.require_retention(
        user=user,
        action=RetentionAction.VIEW,
        area=area.county_id,
        target_type="area",
        target_id=area.county_id,
    )
    context = {
        "area": area,
        "board": retention_dashboard(area=area, today=timezone.localdate()),
    }
    return render(request, "retention/dashboard.html", context)
