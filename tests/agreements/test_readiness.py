"""Nothing goes live unreviewed: review, approval and signature are refused while any blocking
problem stands, and every problem is named at once."""

import json
from datetime import date, timedelta

import pytest

from lgrshare.agreements import services
from lgrshare.agreements.models import Agreement, AgreementVersion, Party, State
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.agreement_terms import TermsInvalid
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.screening import AgreementNotReady
from lgrshare.standards import drafts
from tests.conftest import GUILDFORD, SURREY, _make
from tests.experts import experts_reviewed

# The issue's scenario: children's social care records matched with homelessness cases, special
# category data about children, under Article 9(2)(g) but with no Schedule 1 condition.
CHILDREN = {
    "purposes": "To plan children's social care and housing support in the new councils: how "
    "many families in temporary accommodation each successor council will support.",
    "data_items": [{"item": "Children's social care cases: child's age band, need code, LSOA"}],
    "legal_power": "Children Act 1989 s.17; Housing Act 1996 Part 7",
    "personal_data": "special-category",
    "children_or_vulnerable": True,
    "data_matching": True,
    "lawful_basis": "e",
    "article_9_condition": "g",
    "delete_by": date.today() + timedelta(days=200),
}


@pytest.fixture
def cast(db):
    return {
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "surrey_dpo": _make("sdpo", ["dpo"], SURREY),
        "surrey_sign": _make("ssign", ["senior-signatory"], SURREY),
        "guildford_dpo": _make("gdpo", ["dpo"], GUILDFORD),
        "guildford_sign": _make("gsign", ["senior-signatory"], GUILDFORD),
    }


def _draft(cast, terms, title="Children's services and housing, west Surrey"):
    agreement = services.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title=title,
        parties={SURREY: True, GUILDFORD: True},
        terms=dict(terms),
    )
    # Its item in words was drafted as a standard: the data lead confirms its fields.
    drafts.proposals_confirm(user=cast["guildford_lead"], data_items=agreement.current().data_items)
    return agreement


def _codes(caught):
    return [problem.code for problem in caught.value.problems]


def _refusals(agreement):
    """What each refusal recorded: the step attempted and every problem's code."""
    found = []
    for entry in AuditEntry.objects.filter(
        action="change-refused", reason="agreement-not-ready", target_id=agreement.reference
    ).order_by("seq"):
        detail = json.loads(entry.detail)
        found.append({"attempted": detail["attempted"], "problems": detail["problems"]})
    return found


def _dpia_done(cast, agreement, **extra):
    services.dpia_record(
        user=cast["surrey_dpo"],
        agreement=agreement,
        status="complete",
        outcome="Pseudonymised before matching; only age bands and LSOA leave the county.",
        residual_risk=extra.pop("residual_risk", "medium"),
        **extra,
    )


def test_the_issues_scenario_cannot_be_sent_for_review_and_every_problem_is_named(cast):
    draft = _draft(cast, CHILDREN)
    assert services.screening(draft).outcome == "required"
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    assert caught.value.code == "agreement-not-ready"
    assert _codes(caught) == [
        "dpia-not-completed",
        "schedule-1-condition-missing",
        "appropriate-policy-document-missing",
    ]
    assert "Part 2 of Schedule 1" in caught.value.problems[1].message
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert _refusals(draft) == [
        {
            "attempted": "agreement-sent-for-review",
            "problems": "dpia-not-completed,schedule-1-condition-missing,"
            "appropriate-policy-document-missing",
        }
    ]


def test_the_issues_scenario_already_in_review_cannot_be_approved_nor_signed(cast):
    # As it stood before these rules: sent for review, both DPOs approved, the DPIA not started.
    draft = _draft(cast, CHILDREN)
    Agreement.objects.filter(pk=draft.pk).update(state=State.IN_REVIEW)
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=True)
    assert "dpia-not-completed" in _codes(caught)
    assert draft.current().parties.get(council_id=SURREY).dpo_decision == Party.Decision.PENDING

    draft.current().parties.update(dpo_decision=Party.Decision.APPROVED)
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_sign(user=cast["guildford_sign"], agreement=draft)
    assert "schedule-1-condition-missing" in _codes(caught)
    assert not draft.current().parties.filter(signed_at__isnull=False).exists()
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW
    assert [r["attempted"] for r in _refusals(draft)] == ["agreement-approved", "agreement-signed"]


def test_a_dpo_may_always_return_an_agreement_that_is_not_ready(cast):
    draft = _draft(cast, CHILDREN)
    Agreement.objects.filter(pk=draft.pk).update(state=State.IN_REVIEW)
    services.agreement_dpo_review(
        user=cast["surrey_dpo"], agreement=draft, approve=False, comments="No DPIA yet"
    )
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_with_a_completed_dpia_schedule_1_condition_and_policy_document_it_goes_live(cast):
    draft = _draft(cast, CHILDREN | {"schedule_1_conditions": ["para-18"]})
    _dpia_done(
        cast,
        draft,
        appropriate_policy_document="Each council's appropriate policy document, published "
        "on its website, covers safeguarding of children.",
    )
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    for who in ("surrey", "guildford"):
        services.agreement_dpo_review(user=cast[f"{who}_dpo"], agreement=draft, approve=True)
        services.agreement_sign(user=cast[f"{who}_sign"], agreement=draft)
    draft.refresh_from_db()
    assert draft.state == State.ACTIVE
    assert _refusals(draft) == []


def test_a_dpia_in_progress_or_without_its_outcome_is_not_completed(cast):
    draft = _draft(cast, CHILDREN | {"schedule_1_conditions": ["para-18"]})
    services.dpia_record(
        user=cast["surrey_dpo"],
        agreement=draft,
        status="complete",
        outcome="",
        residual_risk="low",
        appropriate_policy_document="Published by each council.",
    )
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    assert _codes(caught) == ["dpia-not-completed"]


def test_a_high_residual_risk_needs_a_note_of_the_ico_prior_consultation(cast):
    draft = _draft(cast, CHILDREN | {"schedule_1_conditions": ["para-18"]})
    apd = "Published by each council."
    _dpia_done(cast, draft, residual_risk="high", appropriate_policy_document=apd)
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    assert _codes(caught) == ["ico-prior-consultation-missing"]
    _dpia_done(
        cast,
        draft,
        residual_risk="high",
        appropriate_policy_document=apd,
        ico_consultation="ICO consulted on 3 November 2026; written advice accepted.",
    )
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)


def test_criminal_offence_data_without_a_schedule_1_condition_is_refused(cast):
    terms = CHILDREN | {
        "personal_data": "personal",
        "article_9_condition": "",
        "children_or_vulnerable": False,
        "data_matching": False,
        "criminal_offence_data": True,
        "classification": "OFFICIAL-SENSITIVE",
    }
    draft = _draft(cast, terms)
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    assert "criminal-offence-condition-missing" in _codes(caught)


def test_a_workforce_agreement_saved_as_official_with_no_personal_data_is_refused(cast):
    terms = {
        "purposes": "To size the workforce that transfers to each new council.",
        "data_items": [{"standard": "workforce-summary", "fields": []}],
        "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1",
        "personal_data": "none",
        "classification": "OFFICIAL",
        "delete_by": date.today() + timedelta(days=200),
    }
    # Refused when drafting, with both problems at once ...
    with pytest.raises(TermsInvalid) as refused:
        _draft(cast, terms, title="Workforce summary")
    assert _codes(refused) == ["personal-data-below-standard", "classification-below-standard"]
    assert not Agreement.objects.filter(title="Workforce summary").exists()
    # ... and a draft saved at the right levels that falls below them later (as when a
    # standard's metadata is raised) cannot go live either.
    draft = _draft(
        cast,
        terms | {"personal_data": "aggregate", "classification": "OFFICIAL-SENSITIVE"},
        title="Workforce summary",
    )
    AgreementVersion.objects.filter(pk=draft.current().pk).update(
        personal_data="none", classification="OFFICIAL"
    )
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    assert _codes(caught) == ["classification-below-standard", "personal-data-below-standard"]
    messages = [problem.message for problem in caught.value.problems]
    assert "'Workforce summary'" in messages[0]
    assert "OFFICIAL-SENSITIVE" in messages[0]
    assert "Aggregate figures derived from personal data" in messages[1]


def test_special_category_data_defaults_to_official_sensitive(cast):
    draft = _draft(cast, CHILDREN)
    assert draft.current().classification == "OFFICIAL-SENSITIVE"
    with pytest.raises(TermsInvalid) as refused:
        _draft(cast, CHILDREN | {"classification": "OFFICIAL"}, title="Marked down")
    assert _codes(refused) == ["special-category-not-official-sensitive"]
    assert refused.value.problems[0].field == "classification"


def test_a_delete_by_date_in_the_past_is_refused(cast):
    terms = {
        "purposes": "To cost the transfer of county contracts.",
        "data_items": [{"standard": "contracts-register", "fields": ["end_date"]}],
        "legal_power": "Local Government Act 1972 s.111",
        "personal_data": "none",
        "starts_on": date.today() - timedelta(days=60),
        "delete_by": date.today() - timedelta(days=1),
    }
    # Refused when drafting, so it never reaches review (where the readiness rule
    # delete-by-date-passed still catches a date that passed while the draft waited).
    with pytest.raises(InvalidInput) as caught:
        _draft(cast, terms, title="Contracts")
    assert caught.value.code == "delete-by-in-past"
    assert not Agreement.objects.filter(title="Contracts").exists()


def test_a_draft_saved_naming_no_data_cannot_go_for_review_approval_or_signature(cast):
    terms = {
        "purposes": "To cost the transfer of county contracts.",
        "data_items": [{"standard": "contracts-register", "fields": ["end_date"]}],
        "legal_power": "Local Government Act 1972 s.111",
        "personal_data": "none",
        "classification": "OFFICIAL-SENSITIVE",
        "delete_by": date.today() + timedelta(days=200),
    }
    with pytest.raises(TermsInvalid) as refused:  # refused when drafting ...
        _draft(cast, terms | {"data_items": []}, title="Nothing named")
    assert _codes(refused) == ["no-data-items"]
    # ... and a draft saved before the rule (its data items emptied) cannot go live either.
    draft = _draft(cast, terms, title="Nothing named")
    AgreementVersion.objects.filter(pk=draft.current().pk).update(data_items=[], flows=[])
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    assert _codes(caught) == ["no-data-items"]
    Agreement.objects.filter(pk=draft.pk).update(state=State.IN_REVIEW)
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=True)
    assert _codes(caught) == ["no-data-items"]
    draft.current().parties.update(dpo_decision=Party.Decision.APPROVED)
    with pytest.raises(AgreementNotReady) as caught:
        services.agreement_sign(user=cast["guildford_sign"], agreement=draft)
    assert _codes(caught) == ["no-data-items"]
