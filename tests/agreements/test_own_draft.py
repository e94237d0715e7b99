"""Separation of duties: a DPO who drafted an agreement (or its current version) does not give
their council's DPO review of it. The page offers them no review form and says why; a forged
post is refused (``own-draft``) and audited; another DPO of the council reviews it, and the
other party's DPO reviews as before."""

import pytest

from lgrshare.agreements import services
from lgrshare.agreements.models import Party
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from tests.agreements.test_agreements import TERMS
from tests.conftest import GUILDFORD, SURREY, _make
from tests.experts import experts_reviewed


def _decision(agreement, council):
    return Party.objects.get(version=agreement.current(), council_id=council).dpo_decision


@pytest.fixture
def drafted_by_dpo(cast):
    agreement = services.agreement_create(
        user=cast["guildford_dpo"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties={SURREY: True, GUILDFORD: False},
        terms=dict(TERMS),
    )
    services.agreement_send_for_review(user=cast["guildford_dpo"], agreement=agreement)
    experts_reviewed(agreement)
    return agreement


def test_the_drafting_dpo_gets_no_review_form_and_is_told_who_reviews(
    drafted_by_dpo, cast, signed_in
):
    page = signed_in(cast["guildford_dpo"]).get(f"/agreements/{drafted_by_dpo.pk}/")
    text = page.content.decode()
    assert "Send decision" not in text
    assert 'data-code="own-draft"' in text
    assert "another DPO of Guildford must" in text
    # The other party's DPO still has the form.
    other = signed_in(cast["surrey_dpo"]).get(f"/agreements/{drafted_by_dpo.pk}/")
    assert "Send decision" in other.content.decode()


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_a_forged_review_by_the_drafting_dpo_is_refused_and_audited(
    drafted_by_dpo, cast, signed_in, decision
):
    refused = signed_in(cast["guildford_dpo"]).post(
        f"/agreements/{drafted_by_dpo.pk}/review", {"decision": decision, "comments": "Fine"}
    )
    assert refused.status_code == 403
    assert b"own-draft" in refused.content
    assert b"another DPO of your council must review it" in refused.content
    audited = AuditEntry.objects.filter(
        action="access-refused", target_id=drafted_by_dpo.reference
    ).latest("seq")
    assert audited.reason == "own-draft"
    assert _decision(drafted_by_dpo, GUILDFORD) == Party.Decision.PENDING
    drafted_by_dpo.refresh_from_db()
    assert drafted_by_dpo.state == "in-review"


def test_another_dpo_of_the_council_reviews_and_the_agreement_goes_live(drafted_by_dpo, cast):
    colleague = _make("gdpo2", ["dpo"], GUILDFORD)
    services.agreement_dpo_review(user=colleague, agreement=drafted_by_dpo, approve=True)
    services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=drafted_by_dpo, approve=True)
    for who in ("surrey", "guildford"):
        services.agreement_sign(user=cast[f"{who}_sign"], agreement=drafted_by_dpo)
    drafted_by_dpo.refresh_from_db()
    assert drafted_by_dpo.state == "active"


def test_a_dpo_who_drafted_a_new_version_does_not_review_it(draft, cast, signed_in):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    version = services.agreement_update(
        user=cast["guildford_dpo"],
        agreement=draft,
        parties={SURREY: True, GUILDFORD: False},
        terms=dict(TERMS, purposes=TERMS["purposes"] + " And to plan re-letting."),
    )
    assert version.number == 2
    experts_reviewed(draft)
    refused = signed_in(cast["guildford_dpo"]).post(
        f"/agreements/{draft.pk}/review", {"decision": "approve"}
    )
    assert refused.status_code == 403
    assert b"own-draft" in refused.content
    assert _decision(draft, GUILDFORD) == Party.Decision.PENDING
