"""The Retire step's pages as an IG officer or DPO walks them: a deleted dataset links straight
to its certificate, an agreement whose data is deleted offers no new terms, only the council
whose copies they were confirms them gone, dates carry their year, and the dashboard lists
every retention date to come."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import AgreementVersion
from lgrshare.audit.models import AuditEntry
from lgrshare.domain.errors import PermissionDenied
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.retention.services import retention_run
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.retention.conftest import DELETE_BY, make_agreement, noon, share


def _deleted(shared):
    retention_run(now=noon(DELETE_BY), run_by="cli:cron")
    return DeletionCertificate.objects.get()


def _links(html: str, text: str) -> list[str]:
    return re.findall(rf'href="([^"]+)"[^>]*>[^<]*{text}', html, flags=re.IGNORECASE)


def test_a_deleted_datasets_page_says_so_once_and_links_to_its_certificate(client, cast, shared):
    certificate = _deleted(shared)
    _, dataset, submission = shared
    client.force_login(cast["surrey_dpo"])
    for url in (
        reverse("dataset", args=[dataset.slug]),
        reverse("submission", args=[submission.pk]),
    ):
        html = client.get(url).content.decode()
        assert html.lower().count("see its deletion certificate") == 1, url
        assert _links(html, "see its deletion certificate") == [
            reverse("certificate", args=[certificate.pk])
        ], url
    # An analyst, who may not open certificates, is told which one without a dead link.
    client.force_login(cast["surrey_analyst"])
    html = client.get(reverse("dataset", args=[dataset.slug])).content.decode()
    assert certificate.reference in html
    assert reverse("certificate", args=[certificate.pk]) not in html


def test_an_agreement_whose_data_is_deleted_offers_no_change_of_terms_and_refuses_one(
    client, cast, shared
):
    agreement, _, _ = shared
    client.force_login(cast["guildford_lead"])
    before = client.get(reverse("agreement", args=[agreement.pk]))
    assert before.context["perms_for"]["agreement"]["vary"]
    _deleted(shared)
    after = client.get(reverse("agreement", args=[agreement.pk]))
    assert not after.context["perms_for"]["agreement"]["vary"]
    assert "Change the terms" not in after.content.decode()
    version = agreement.current()
    with pytest.raises(PermissionDenied) as refused:
        agreements.agreement_update(
            user=cast["guildford_lead"],
            agreement=agreement,
            parties={GUILDFORD: True, SURREY: False, WOKING: False},
            terms=version.terms,
        )
    assert refused.value.code == "agreement-expired"
    assert agreement.versions.count() == 1
    refusal = AuditEntry.objects.filter(action="access-refused").order_by("-seq").first()
    assert (refusal.reason, refusal.target_id) == ("agreement-expired", agreement.reference)


def test_only_the_council_whose_copies_they_were_is_offered_or_allowed_to_confirm(
    client, cast, shared
):
    agreement, _, _ = shared
    certificate = _deleted(shared)
    woking = Attestation.objects.get(council_id=WOKING)
    confirm = reverse("attestation", args=[woking.pk])
    for page in (
        reverse("agreement-retention", args=[agreement.pk]),
        reverse("certificate", args=[certificate.pk]),
    ):
        client.force_login(cast["surrey_dpo"])
        html = client.get(page).content.decode()
        assert f'href="{confirm}"' not in html, page
        assert "Confirm the deletion<span" in html  # its own council's, still awaited
        client.force_login(cast["woking_dpo"])
        assert f'href="{confirm}"' in client.get(page).content.decode(), page
    # A forged POST by Surrey's DPO for Woking is refused, recorded, and changes nothing.
    client.force_login(cast["surrey_dpo"])
    audited = AuditEntry.objects.filter(action="access-refused").count()
    assert client.post(confirm, {}).status_code == 403  # refused before the form is read
    audited += 1
    forged = client.post(confirm, {"statement": "Woking deleted it", "declaration": "on"})
    assert forged.status_code == 403
    assert 'data-error-code="not-your-council"' in forged.content.decode()
    refusals = AuditEntry.objects.filter(action="access-refused")
    assert refusals.count() == audited + 1
    assert refusals.order_by("-seq").first().reason == "not-your-council"
    woking.refresh_from_db()
    assert woking.confirmed_at is None


def test_retention_dates_are_written_with_their_year(client, cast, shared):
    agreement, _, _ = shared
    version = agreement.current()
    AgreementVersion.objects.filter(pk=version.pk).update(
        delete_by=None, retention_event="The end of the appraisal"
    )
    agreement.retention_event_on = date(2026, 12, 6)
    agreement.save(update_fields=["retention_event_on"])
    client.force_login(cast["surrey_dpo"])
    html = client.get(reverse("agreement-retention", args=[agreement.pk])).content.decode()
    assert "recorded as 6 December 2026" in html
    assert "06 December" not in html


def test_the_dashboard_lists_every_retention_date_soonest_first_marking_those_due_soon(
    client, cast, shared
):
    later, _, _ = shared  # due in 40 days
    sooner = make_agreement(cast, delete_by=date.today() + timedelta(days=10))
    share(cast, sooner)
    client.force_login(cast["surrey_dpo"])
    page = client.get(reverse("retention", args=[SURREY]))
    html = page.content.decode()
    assert "Data with a deletion date (2)" in html
    assert html.index(sooner.reference) < html.index(later.reference)
    assert [d.agreement for d in page.context["board"].upcoming if d.soon] == [sooner]
    marked = re.findall(r'<li data-testid="due-soon">.*?</li>', html, flags=re.S)
    assert len(marked) == 1
    assert sooner.reference in marked[0]
    assert "Due within 30 days" in marked[0]
