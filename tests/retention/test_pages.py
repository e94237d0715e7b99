"""The retention pages: what a DPO sees, the certificate as page, PDF and JSON, and states."""

from __future__ import annotations

import json
import re
import zlib
from datetime import timedelta

from django.urls import reverse

from lgrshare.accounts.services import token_create
from lgrshare.agreements import services as agreements
from lgrshare.agreements.build import build_document
from lgrshare.agreements.models import AgreementVersion
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.retention.services import retention_run
from tests.conftest import KENT, SURREY, _make
from tests.retention.conftest import DELETE_BY, noon


def _pdf_streams(pdf: bytes) -> bytes:
    """The PDF's content streams, inflated: its text as drawn. Each stream is cut by its
    ``/Length`` (compressed bytes may end in a line break of their own)."""
    texts = []
    for found in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", pdf):
        start = found.end()
        texts.append(zlib.decompress(pdf[start : start + int(found[1])]))
    return b"\n".join(texts)


def _expire(agreement):
    # Time passes: the delete-by date arrives (the terms stay as signed).
    AgreementVersion.objects.filter(agreement=agreement).update(
        delete_by=DELETE_BY - timedelta(days=41)
    )


def test_an_agreement_past_its_date_says_expired_everywhere_and_offers_no_submission(
    client, cast, shared
):
    agreement, _, _ = shared
    _expire(agreement)
    client.force_login(cast["guildford_lead"])
    page = client.get(reverse("agreement", args=[agreement.pk])).content.decode()
    assert "Expired: data due for deletion" in page
    assert "Submit data under this agreement" not in page
    register = client.get(reverse("agreements", args=[SURREY])).content.decode()
    assert "Expired: data due for deletion (1)" in register
    _, token = token_create(user=cast["guildford_lead"], name="t")
    api = client.get(
        f"/api/v1/agreements/{agreement.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert (api["status"], api["status_label"]) == ("expired", "Expired: data due for deletion")
    pdf = client.get(reverse("agreement-pdf", args=[agreement.pk]))
    assert pdf.status_code == 200
    # The PDF's header says what the page says.
    version = agreement.current()
    assert build_document(version, agreements.screening(agreement, version)).state == "expired"


def test_a_dpo_sees_due_deleted_and_awaited_on_the_dashboard_and_the_certificate(
    client, cast, shared
):
    agreement, _, _ = shared
    client.force_login(cast["surrey_dpo"])
    before = client.get(reverse("retention", args=[SURREY])).content.decode()
    assert "Data with a deletion date (1)" in before
    retention_run(now=noon(DELETE_BY), run_by="cli:cron")
    certificate = DeletionCertificate.objects.get()
    _expire(agreement)
    board = client.get(reverse("retention", args=[SURREY])).content.decode()
    assert certificate.reference in board
    assert "Attestations awaited (2)" in board
    page = client.get(reverse("certificate", args=[certificate.pk])).content.decode()
    assert certificate.body_sha256 in page
    assert "by the retention run (lgrshare retention run, as cron)" in page
    listing = client.get(reverse("dataset", args=[certificate.dataset.slug])).content.decode()
    assert ">Deleted</strong>" in listing
    assert "Under agreement" not in listing
    assert certificate.body["destroyed"][0]["ciphertext_sha256"] in page
    document = json.loads(client.get(reverse("certificate-json", args=[certificate.pk])).content)
    assert document["certificate_sha256"] == certificate.body_sha256
    assert {a["confirmed_at"] for a in document["attestations"]} == {None}
    pdf = client.get(reverse("certificate-pdf", args=[certificate.pk]))
    assert pdf.content.startswith(b"%PDF")
    # Dates as people write them, not ISO timestamps.
    text = _pdf_streams(pdf.content)
    assert f"{DELETE_BY:%-d %B %Y}".encode() in text
    assert b"Deleted at" in text
    assert certificate.body["issued_at"][:10].encode() not in text
    retention_page = client.get(reverse("agreement-retention", args=[agreement.pk]))
    assert "Awaited" in retention_page.content.decode()


def test_an_analyst_and_an_outsider_cannot_see_the_dashboard_or_a_certificate(client, cast, shared):
    retention_run(now=noon(DELETE_BY), run_by="cron")
    certificate = DeletionCertificate.objects.get()
    client.force_login(cast["surrey_analyst"])
    assert client.get(reverse("retention", args=[SURREY])).status_code == 403
    assert client.get(reverse("certificate", args=[certificate.pk])).status_code == 403
    client.force_login(_make("kent", ["dpo"], KENT))
    assert client.get(reverse("certificate", args=[certificate.pk])).status_code == 404
    assert client.get(reverse("retention", args=[SURREY])).status_code == 404


def test_an_attestation_form_needs_a_statement_and_the_declaration(client, cast, shared):
    retention_run(now=noon(DELETE_BY), run_by="cron")
    attestation = Attestation.objects.get(council_id=SURREY)
    client.force_login(cast["surrey_dpo"])
    url = reverse("attestation", args=[attestation.pk])
    empty = client.post(url, {"statement": ""})
    assert empty.status_code == 400
    assert "Say how and where your council" in empty.content.decode()
    done = client.post(url, {"statement": "Deleted from the team drive", "declaration": "on"})
    assert done.status_code == 302
    attestation.refresh_from_db()
    assert attestation.confirmed_by == cast["surrey_dpo"]
