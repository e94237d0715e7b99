"""The readiness rules: every blocking problem, from the facts alone (no database)."""

from datetime import date

from lgrshare.domain.screening import (
    DpiaDecision,
    ReadinessFacts,
    ScreeningFacts,
    StandardLevel,
    readiness,
    screen,
)
from lgrshare.domain.screening.readiness import readiness_rules

WORKFORCE = StandardLevel(
    "workforce-summary", "Workforce summary", "aggregate", "OFFICIAL-SENSITIVE"
)
CONTRACTS = StandardLevel("contracts-register", "Contracts register", "none", "OFFICIAL-SENSITIVE")
TODAY = date(2026, 12, 5)


def _codes(**facts):
    screening = facts.pop("screening", screen(ScreeningFacts()))
    return [p.code for p in readiness(ReadinessFacts(screening=screening, today=TODAY, **facts))]


def test_the_shipped_rules_load_and_every_rule_has_a_message_and_reference():
    rules, _, groups = readiness_rules()
    assert len(groups) == 12
    assert all(rule.title and rule.reference for group in rules.groups for rule in group.rules)


def test_a_standard_whose_proposed_fields_nobody_confirmed_stops_the_agreement():
    proposed = StandardLevel("surrey-empty-homes", "Empty homes", "none", "OFFICIAL", True)
    problems = readiness(
        ReadinessFacts(
            screening=screen(ScreeningFacts()),
            today=TODAY,
            personal_data="none",
            standards=(CONTRACTS, proposed),
            classification="OFFICIAL-SENSITIVE",
        )
    )
    assert [p.code for p in problems] == ["standard-not-confirmed"]
    assert "names the standard 'Empty homes' at a version proposed" in problems[0].message
    assert (
        _codes(personal_data="none", standards=(CONTRACTS,), classification="OFFICIAL-SENSITIVE")
        == []
    )


def test_an_agreement_at_its_standards_levels_with_no_personal_data_is_ready():
    assert (
        _codes(
            personal_data="aggregate", classification="OFFICIAL-SENSITIVE", standards=(WORKFORCE,)
        )
        == []
    )


def test_each_standard_above_the_agreement_is_named_in_one_problem():
    facts = ReadinessFacts(
        screening=screen(ScreeningFacts()),
        personal_data="none",
        classification="OFFICIAL",
        standards=(WORKFORCE, CONTRACTS),
    )
    problems = readiness(facts)
    assert [p.code for p in problems] == [
        "classification-below-standard",
        "personal-data-below-standard",
    ]
    assert "the standards 'Workforce summary' and 'Contracts register'" in problems[0].message
    assert "the standard 'Workforce summary'" in problems[1].message


def test_a_dpia_likely_but_not_required_does_not_block():
    screening = screen(ScreeningFacts(personal_data="personal", lawful_basis="e", large_scale=True))
    assert screening.outcome == "likely"
    assert _codes(screening=screening, personal_data="personal", classification="OFFICIAL") == []


def test_a_completed_dpia_needs_a_dpo_an_outcome_and_a_residual_risk():
    screening = screen(
        ScreeningFacts(
            personal_data="special-category",
            special_category=True,
            vulnerable_people=True,
            data_matching=True,
            lawful_basis="e",
            article_9_condition="h",
            schedule_1_conditions=("para-2",),
        )
    )
    assert screening.outcome == "required"
    base = {
        "screening": screening,
        "personal_data": "special-category",
        "classification": "OFFICIAL-SENSITIVE",
    }
    done = DpiaDecision(
        status="complete", outcome="Risks reduced", residual_risk="low", decided_by_dpo=True
    )
    assert _codes(**base, dpia=done) == []
    for partial in (
        DpiaDecision(
            status="in-progress", outcome="Risks reduced", residual_risk="low", decided_by_dpo=True
        ),
        DpiaDecision(status="complete", outcome=" ", residual_risk="low", decided_by_dpo=True),
        DpiaDecision(status="complete", outcome="Risks reduced", decided_by_dpo=True),
        DpiaDecision(status="complete", outcome="Risks reduced", residual_risk="low"),
        None,
    ):
        assert _codes(**base, dpia=partial) == ["dpia-not-completed"]


def test_the_delete_by_date_blocks_only_once_it_has_passed():
    level = {"personal_data": "none", "classification": "OFFICIAL"}
    assert _codes(**level, delete_by=TODAY) == []
    assert _codes(**level, delete_by=date(2026, 12, 4)) == ["delete-by-date-passed"]


def test_an_agreement_that_names_no_data_is_not_ready():
    level = {"personal_data": "none", "classification": "OFFICIAL"}
    assert _codes(**level, data_items=1) == []
    assert _codes(**level, data_items=0) == ["no-data-items"]
