"""Agreement terms as a typed value: a stable round trip, and every problem at once, in the
order of the form's fields."""

from datetime import date

import pytest

from lgrshare.domain.agreement_terms import Terms, TermsInvalid, plan_flows, terms_problems
from lgrshare.domain.errors import InvalidInput

SURREY, GUILDFORD, WOKING = "E10000030", "E07000209", "E07000217"
AREA = [SURREY, GUILDFORD, WOKING]
FIELDS = {"contracts-register": ["contract_reference", "title", "end_date", "supplier_name"]}
GOOD = {
    "purposes": "To cost the transfer of county contracts.",
    "data_items": [{"standard": "contracts-register",
                    "fields": ["contract_reference", "end_date"]}],
    "flows": [
        {"standard": "contracts-register", "provider": SURREY, "recipient": WOKING,
         "fields": ["contract_reference"]},
        {"standard": "contracts-register", "provider": SURREY, "recipient": GUILDFORD,
         "fields": ["contract_reference", "end_date"]},
    ],
    "legal_power": "Local Government Act 1972 s.111",
    "personal_data": "personal",
    "lawful_basis": "e",
    "schedule_1_conditions": ["6", "18", "6"],
    "permitted_roles": {"view-data": ["data-lead", "analyst"], "download": ["analyst"]},
    "delete_by": "2027-06-30",
}  # fmt: skip
PARTIES = {SURREY: True, GUILDFORD: False, WOKING: False}


def test_terms_round_trip_in_one_stable_order_whatever_order_they_came_in():
    terms = Terms.from_dict(GOOD)
    assert terms.retention.delete_by == date(2027, 6, 30)
    shuffled = GOOD | {
        "flows": list(reversed(GOOD["flows"])),
        "schedule_1_conditions": ["18", "6"],
        "permitted_roles": {"download": ["analyst"], "view-data": ["analyst", "data-lead"]},
    }
    assert Terms.from_dict(shuffled) == terms
    written = terms.to_dict()
    assert repr(Terms.from_dict(shuffled).to_dict()) == repr(written)
    assert [f["recipient"] for f in written["flows"]] == [GUILDFORD, WOKING]
    assert written["schedule_1_conditions"] == ["18", "6"]
    assert Terms.from_dict(written) == terms
    with pytest.raises(AttributeError):
        terms.purposes = "changed"  # type: ignore[misc]


def test_good_terms_have_no_problems():
    terms = Terms.from_dict(GOOD)
    assert terms_problems(terms, parties=PARTIES, area_councils=AREA, standard_fields=FIELDS) == []


def test_every_problem_is_listed_at_once_in_the_forms_field_order():
    bad = GOOD | {
        "purposes": " ",
        "legal_power": "",
        "lawful_basis": "f",  # legitimate interests: not for a public task
        "personal_data": "special-category",
        "delete_by": None,
        "data_items": [{"standard": "contracts-register",
                        "fields": ["contract_reference", "UPRN"]}],
        "flows": [{"standard": "contracts-register", "provider": GUILDFORD, "recipient": SURREY,
                   "fields": ["contract_reference"]}],
    }  # fmt: skip
    problems = terms_problems(
        Terms.from_dict(bad), parties=PARTIES, area_councils=AREA, standard_fields=FIELDS
    )
    assert [(p.code, p.field) for p in problems] == [
        ("purposes-required", "purposes"),
        ("unknown-field", "standard_fields"),
        ("flow-parties-invalid", "flows"),
        ("legal-power-required", "legal_power"),
        ("lawful-basis-required", "lawful_basis"),
        ("article-9-condition-required", "article_9_condition"),
        ("retention-required", "retention_event"),
    ]
    assert all(p.message and "-" not in p.message.split()[0] for p in problems)
    refused = TermsInvalid(problems)
    assert refused.code == "purposes-required"
    assert "7 problems" in refused.message


def test_each_recipient_has_its_own_fields_within_those_agreed():
    per_recipient = GOOD | {
        "flows": [
            {"standard": "contracts-register", "provider": SURREY, "recipient": GUILDFORD,
             "fields": ["end_date"]},
            {"standard": "contracts-register", "provider": SURREY, "recipient": WOKING,
             "fields": ["title"]},
            {"standard": "contracts-register", "provider": SURREY, "recipient": WOKING,
             "fields": ["contract_reference"]},
        ]
    }  # fmt: skip
    problems = terms_problems(
        Terms.from_dict(per_recipient), parties=PARTIES, area_councils=AREA, standard_fields=FIELDS
    )
    assert [p.code for p in problems] == ["flow-fields-invalid", "flow-repeated"]
    assert "title" in problems[0].message


def test_malformed_terms_are_refused_with_a_code():
    with pytest.raises(InvalidInput) as caught:
        Terms.from_dict(GOOD | {"delete_by": "next Tuesday"})
    assert caught.value.code == "terms-malformed"


def test_a_council_that_is_its_own_only_recipient_gets_no_flow_and_the_terms_say_so():
    items = Terms.from_dict(GOOD).data_items
    alone = plan_flows({SURREY: True, GUILDFORD: False}, items, FIELDS, recipients=[SURREY])
    assert alone == ()
    terms = Terms.from_dict(GOOD | {"flows": []})
    problems = terms_problems(
        terms, parties={SURREY: True, GUILDFORD: False}, area_councils=AREA,
        standard_fields=FIELDS,
    )  # fmt: skip
    assert [(p.code, p.field) for p in problems] == [("no-other-recipient", "recipients")]
    assert "contracts-register" not in problems[0].message  # words, not the standard's name


def test_a_recipients_field_the_standard_lacks_is_unknown_not_dropped():
    items = Terms.from_dict(GOOD).data_items
    flows = plan_flows(
        PARTIES, items, FIELDS, fields_for={WOKING: ["end_date", "favourite_colour"]}
    )
    assert [f.fields for f in flows if f.recipient == WOKING] == [("end_date", "favourite_colour")]
    terms = Terms.from_dict(GOOD | {"flows": [f.to_dict() for f in flows]})
    problems = terms_problems(terms, parties=PARTIES, area_councils=AREA, standard_fields=FIELDS)
    assert [(p.code, p.field) for p in problems] == [("unknown-field", f"fields_for_{WOKING}")]
    assert "favourite_colour" in problems[0].message
