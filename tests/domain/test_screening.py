"""DPIA screening and lawful-basis checks: rules as data, one engine."""

from __future__ import annotations

import pytest

from lgrshare.domain.rules import RulesInvalid
from lgrshare.domain.screening import (
    PersonalData,
    ScreeningFacts,
    ScreeningInputError,
    conditions,
    lawful_bases,
    screen,
    screening_rules,
)
from lgrshare.domain.screening.engine import evaluate, parse_ruleset
from lgrshare.domain.standards.model import PERSONAL_DATA_CLASSES

PERSONAL = ScreeningFacts(personal_data="personal", lawful_basis="e")


def test_matching_social_care_records_of_vulnerable_adults_across_councils_requires_a_dpia():
    result = screen(
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
    assert result.outcome == "required"
    assert {
        "ico-data-matching",
        "wp248-matching-datasets",
        "wp248-vulnerable-data-subjects",
        "wp248-sensitive-data",
        "two-or-more-criteria",
    } <= set(result.reason_codes)
    assert all(reason.reference for reason in result.reasons)
    assert result.flags == ()
    assert result.needs_appropriate_policy_document is False


def test_the_same_matching_at_scale_is_also_an_article_35_3_case():
    result = screen(
        ScreeningFacts(
            personal_data="special-category", vulnerable_people=True, data_matching=True,
            data_subjects=25_000,
        )
    )  # fmt: skip
    assert result.outcome == "required"
    assert {"art35-large-scale-sensitive", "wp248-large-scale"} <= set(result.reason_codes)


def test_aggregate_finance_data_needs_no_dpia():
    result = screen(ScreeningFacts(personal_data="aggregate"))
    assert result.outcome == "not-required"
    assert result.reason_codes == ("aggregate-data-only",)
    assert result.lawful_basis_notes == ()
    assert result.flags == ()


def test_data_with_no_personal_data_needs_no_dpia():
    result = screen(ScreeningFacts())
    assert (result.outcome, result.reason_codes) == ("not-required", ("no-personal-data",))


def test_two_of_the_nine_criteria_make_a_dpia_required():
    # Record-level data about 20,000 staff: employees (criterion 7) and large scale (criterion 5).
    result = screen(ScreeningFacts(personal_data="personal", employees=True, data_subjects=20_000))
    assert result.outcome == "required"
    assert result.reason_codes == (
        "wp248-large-scale",
        "wp248-vulnerable-data-subjects",
        "two-or-more-criteria",
    )


def test_one_of_the_nine_criteria_makes_a_dpia_likely():
    result = screen(ScreeningFacts(personal_data="personal", employees=True))
    assert result.outcome == "likely"
    assert result.reason_codes == ("wp248-vulnerable-data-subjects", "one-criterion")


def test_personal_data_without_high_risk_indicators_needs_no_dpia():
    result = screen(PERSONAL)
    assert result.outcome == "not-required"
    assert result.reason_codes == ("personal-data-no-high-risk-indicators",)


def test_a_case_on_the_ico_list_requires_a_dpia_on_its_own():
    result = screen(ScreeningFacts(personal_data="personal", risk_of_physical_harm=True))
    assert result.outcome == "required"
    assert result.reason_codes == ("ico-risk-of-physical-harm",)


def test_innovative_technology_is_on_the_ico_list_only_with_another_criterion():
    alone = screen(ScreeningFacts(personal_data="personal", new_technology=True))
    assert alone.outcome == "likely"
    assert "ico-innovative-technology" not in alone.reason_codes
    combined = screen(ScreeningFacts(personal_data="personal", new_technology=True, children=True))
    assert combined.outcome == "required"
    assert "ico-innovative-technology" in combined.reason_codes


def test_profiling_with_automated_decisions_is_an_article_35_3_case():
    result = screen(
        ScreeningFacts(
            personal_data="personal", evaluation_or_scoring=True, automated_decisions=True
        )
    )
    assert "art35-automated-evaluation" in result.reason_codes
    assert result.outcome == "required"


def test_lawful_basis_notes_explain_why_legitimate_interests_is_not_for_councils():
    notes = {basis.code: basis for basis in screen(PERSONAL).lawful_basis_notes}
    assert notes["e"].use_by_councils == "normal"
    assert notes["c"].use_by_councils == "normal"
    assert notes["f"].use_by_councils == "not-available"
    assert "Article 6(1)" in notes["f"].reference
    assert "Recital 47" in notes["f"].reference
    assert "public authorit" in notes["f"].note
    assert notes["ea"].use_by_councils == "not-available"


@pytest.mark.parametrize("basis", ["f", "ea"])
def test_choosing_a_basis_councils_cannot_use_is_flagged(basis):
    result = screen(ScreeningFacts(personal_data="personal", lawful_basis=basis))
    assert "lawful-basis-not-available" in result.flag_codes


def test_personal_data_without_a_lawful_basis_is_flagged_but_aggregate_data_is_not():
    assert "lawful-basis-missing" in screen(ScreeningFacts(personal_data="personal")).flag_codes
    assert screen(ScreeningFacts(personal_data="aggregate")).flag_codes == ()


def test_special_category_data_without_an_article_9_condition_is_flagged():
    result = screen(
        ScreeningFacts(personal_data="personal", special_category=True, lawful_basis="e")
    )
    assert result.flag_codes == ("article-9-condition-missing",)


def test_an_article_9_condition_needs_a_schedule_1_condition_in_its_part():
    def flags(article_9: str, schedule_1: tuple[str, ...]) -> tuple[str, ...]:
        facts = ScreeningFacts(
            personal_data="special-category",
            lawful_basis="e",
            article_9_condition=article_9,
            schedule_1_conditions=schedule_1,
        )
        return tuple(code for code in screen(facts).flag_codes if code.startswith("schedule-1"))

    assert flags("h", ("para-2",)) == ()
    assert flags("h", ("para-6",)) == ("schedule-1-condition-missing",)  # Part 2, not Part 1
    assert flags("g", ("para-18",)) == ()
    assert flags("g", ()) == ("schedule-1-condition-missing",)
    assert flags("a", ()) == ()


def test_criminal_offence_data_needs_a_schedule_1_condition():
    def flags(schedule_1: tuple[str, ...]) -> tuple[str, ...]:
        facts = ScreeningFacts(
            personal_data="personal",
            criminal_offence_data=True,
            lawful_basis="e",
            schedule_1_conditions=schedule_1,
        )
        return screen(facts).flag_codes

    assert "criminal-offence-condition-missing" in flags(())
    assert "criminal-offence-condition-missing" not in flags(("para-36",))
    assert "criminal-offence-condition-missing" not in flags(("para-2",))


@pytest.mark.parametrize(
    ("article_9", "schedule_1", "needed"),
    [
        ("h", ("para-2",), False),
        ("g", ("para-6",), True),
        ("g", ("para-18",), True),
        ("b", ("para-1",), True),
        ("b", (), True),  # paragraph 1 is the only way to meet point (b), and it needs one
        ("j", ("para-4",), False),
    ],
)
def test_the_appropriate_policy_document_follows_the_condition(article_9, schedule_1, needed):
    facts = ScreeningFacts(
        personal_data="special-category",
        lawful_basis="e",
        article_9_condition=article_9,
        schedule_1_conditions=schedule_1,
    )
    result = screen(facts)
    assert result.needs_appropriate_policy_document is needed
    assert ("appropriate-policy-document-needed" in result.flag_codes) is needed


def test_contractor_access_to_personal_data_is_flagged():
    facts = ScreeningFacts(personal_data="personal", lawful_basis="e", contractor_access=True)
    assert screen(facts).flag_codes == ("contractor-agreement-needed",)


@pytest.mark.parametrize(
    "facts",
    [
        ScreeningFacts(personal_data="secret"),
        ScreeningFacts(personal_data="personal", lawful_basis="g"),
        ScreeningFacts(personal_data="personal", article_9_condition="k"),
        ScreeningFacts(personal_data="personal", schedule_1_conditions=("para-99",)),
        ScreeningFacts(personal_data="personal", data_subjects=-1),
    ],
)
def test_facts_outside_the_catalogue_are_refused(facts):
    with pytest.raises(ScreeningInputError) as caught:
        screen(facts)
    assert caught.value.code == "screening-input-invalid"


def test_personal_data_classes_are_the_standards_classes():
    assert tuple(kind.value for kind in PersonalData) == PERSONAL_DATA_CLASSES


def test_every_rule_has_a_unique_code_a_title_and_a_reference():
    rules = [
        rule for ruleset in screening_rules() for group in ruleset.groups for rule in group.rules
    ]
    codes = [rule.code for rule in rules]
    assert len(codes) == len(set(codes))
    assert all(rule.title and rule.reference for rule in rules)


def test_the_dpia_rules_hold_the_three_article_35_3_cases_ten_ico_cases_and_nine_criteria():
    dpia, _ = screening_rules()
    sizes = {group.name: len(group.rules) for group in dpia.groups}
    assert sizes["article-35-3"] == 3
    assert sizes["ico-high-risk"] == 10
    assert sizes["wp248-criteria"] == 9


def test_the_catalogue_marks_every_part_2_condition_as_needing_a_policy_document():
    catalogue = conditions()
    part_2 = [c for c in catalogue.schedule_1 if c.part == "2"]
    assert part_2
    assert all(c.appropriate_policy_document for c in part_2)  # paragraph 5(1)
    part_1 = {c.code: c.appropriate_policy_document for c in catalogue.schedule_1 if c.part == "1"}
    assert part_1 == {"para-1": True, "para-2": False, "para-3": False, "para-4": False}
    assert [c.code for c in catalogue.article_9] == list("abcdefghij")
    assert [basis.code for basis in lawful_bases()] == ["a", "b", "c", "d", "e", "ea", "f"]


def test_a_new_rule_needs_no_new_code():
    ruleset = parse_ruleset(
        {
            "name": "local",
            "derived_facts": [{"name": "many", "when": {"fact": "people", "gte": 100}}],
            "groups": [
                {
                    "name": "local",
                    "count_as": "hits",
                    "rules": [
                        {
                            "code": "many-children",
                            "title": "Many children",
                            "reference": "Local policy",
                            "outcome": "required",
                            "when": {
                                "all": [{"fact": "many", "is": True}, {"fact": "kids", "is": True}]
                            },
                        },
                        {
                            "code": "not-flagged",
                            "title": "Has a tag",
                            "reference": "Local policy",
                            "when": {"not": {"fact": "tags", "contains": "ok"}},
                        },
                    ],
                }
            ],
        },
        known_facts={"people", "kids", "tags"},
    )
    found = evaluate((ruleset,), {"people": 150, "kids": True, "tags": ("ok",)})
    assert [match.rule.code for match in found.matches] == ["many-children"]
    assert found.facts["hits"] == 1
    assert evaluate((ruleset,), {"people": None, "kids": True, "tags": ()}).facts["many"] is False


@pytest.mark.parametrize(
    "condition",
    [
        {"fact": "typo", "is": True},
        {"fact": "people", "is": True, "in": [1]},
        {"fact": "people", "gte": "ten"},
        {"fact": "people", "in": 3},
        {"every": []},
        {},
    ],
)
def test_a_malformed_rule_fails_when_it_is_loaded(condition):
    data = {
        "name": "bad",
        "groups": [
            {
                "name": "g",
                "rules": [{"code": "x", "title": "X", "reference": "R", "when": condition}],
            }
        ],
    }
    with pytest.raises(RulesInvalid):
        parse_ruleset(data, known_facts={"people"})


def test_true_is_not_the_number_one():
    ruleset = parse_ruleset(
        {
            "name": "strict",
            "groups": [
                {
                    "name": "g",
                    "rules": [
                        {
                            "code": "x",
                            "title": "X",
                            "reference": "R",
                            "when": {"fact": "n", "is": True},
                        }
                    ],
                }
            ],
        },
        known_facts={"n"},
    )
    assert evaluate((ruleset,), {"n": 1}).matches == ()
    assert len(evaluate((ruleset,), {"n": True}).matches) == 1
