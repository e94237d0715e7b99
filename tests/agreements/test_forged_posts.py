"""Forged form posts: a council that is not a party posting another party's approval, signature
or acceptance of the terms is refused with the policy's reason and a 4xx, the refusal is
audited, and nothing changes."""

import pytest

from lgrshare.agreements import services
from lgrshare.agreements.models import Party, TermsAcceptance
from lgrshare.audit.models import AuditEntry
from tests.agreements.test_agreements import _sign_off
from tests.conftest import WOKING, _make
from tests.experts import experts_reviewed


@pytest.fixture
def woking(db):
    return {
        "dpo": _make("wdpo", ["dpo"], WOKING),
        "sign": _make("wsign", ["senior-signatory"], WOKING),
        "lead": _make("wlead", ["data-lead"], WOKING),
    }


def _decisions(agreement):
    return sorted(
        Party.objects.filter(version__agreement=agreement).values_list(
            "council_id", "dpo_decision", "signed_at"
        )
    )


def _refused_once(agreement, before):
    refusals = AuditEntry.objects.filter(action="access-refused", target_id=agreement.reference)
    assert refusals.count() == before + 1
    return refusals.order_by("-seq").first().reason


def _count(agreement):
    return AuditEntry.objects.filter(action="access-refused", target_id=agreement.reference).count()


def test_another_councils_dpo_cannot_post_an_approval(draft, cast, woking, signed_in):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    before, audited = _decisions(draft), _count(draft)
    response = signed_in(woking["dpo"]).post(
        f"/agreements/{draft.pk}/review", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert _refused_once(draft, audited) == "not-a-party"
    assert _decisions(draft) == before


def test_another_councils_signatory_cannot_post_a_signature(draft, cast, woking, signed_in):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    for who in ("surrey", "guildford"):
        services.agreement_dpo_review(user=cast[f"{who}_dpo"], agreement=draft, approve=True)
    before, audited = _decisions(draft), _count(draft)
    response = signed_in(woking["sign"]).post(
        f"/agreements/{draft.pk}/sign", {"confirm": "on", "version": "1"}
    )
    assert response.status_code == 403
    assert _refused_once(draft, audited) == "not-a-party"
    assert _decisions(draft) == before


def test_another_council_cannot_post_an_acceptance_of_the_terms(draft, cast, woking, signed_in):
    active = _sign_off(draft, cast)
    audited = _count(active)
    response = signed_in(woking["lead"]).post(
        f"/agreements/{active.pk}/accept", {"declaration": "on"}
    )
    assert response.status_code == 403
    assert _refused_once(active, audited) == "not-a-party"
    assert not TermsAcceptance.objects.filter(agreement=active).exists()


def test_an_outsider_posting_no_declaration_hears_the_policy_not_the_form(
    draft, cast, woking, signed_in
):
    active = _sign_off(draft, cast)
    audited = _count(active)
    response = signed_in(woking["lead"]).post(f"/agreements/{active.pk}/accept", {})
    assert response.status_code == 403
    assert _refused_once(active, audited) == "not-a-party"
