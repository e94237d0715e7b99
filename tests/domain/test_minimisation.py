"""Minimisation warnings: a request should ask only for what its question needs (issue 4)."""

from __future__ import annotations

import pytest

from lgrshare.domain.screening import RequestFacts, minimisation_rules, minimisation_warnings
from lgrshare.domain.standards.model import GEOGRAPHY_LEVELS


def codes(request: RequestFacts) -> tuple[str, ...]:
    return tuple(warning.code for warning in minimisation_warnings(request))


def test_a_request_for_what_the_question_needs_has_no_warnings():
    request = RequestFacts(
        question="What is the total spend by service in each council?",
        fields=("gss_code", "council_name", "service", "spend"),
        geography_level="council",
        personal_data="none",
    )
    assert minimisation_warnings(request) == ()


def test_direct_identifiers_in_a_record_level_request_are_named():
    identifiers = (
        "client_name", "Date of Birth", "NHS Number", "ni_number", "email", "phone_number",
        "UPRN", "home_address", "first_name",
    )  # fmt: skip
    request = RequestFacts(
        question="Which adults receiving care are known to more than one council?",
        fields=(*identifiers, "care_package", "council_name"),
        personal_data="personal",
    )
    [warning] = minimisation_warnings(request)
    assert warning.code == "direct-identifiers"
    assert set(warning.fields) == set(identifiers)


def test_business_contacts_and_council_names_are_not_personal_identifiers():
    request = RequestFacts(
        question="Which contracts does each council hold?",
        fields=("council_name", "supplier_name", "supplier_email", "contact_phone", "uprn"),
        personal_data="none",
    )
    assert codes(request) == ()


def test_nhs_and_national_insurance_numbers_and_dates_of_birth_always_warn():
    request = RequestFacts(
        question="What is the total number of carers in each council?",
        fields=("carer_nhs_no", "nino", "client_dob", "count"),
        personal_data="aggregate",
    )
    [warning] = minimisation_warnings(request)
    assert warning.code == "direct-identifiers"
    assert warning.fields == ("client_dob", "carer_nhs_no", "nino")


def test_described_items_are_read_as_whole_words():
    request = RequestFacts(
        question="Which households are known to both councils?",
        described_items=("Client names and addresses", "Number of nights in temporary housing"),
        personal_data="personal",
    )
    [warning] = minimisation_warnings(request)
    assert warning.fields == ("Client names and addresses",)
    counts_only = RequestFacts(question="q", described_items=("Dates of birth",))
    assert codes(counts_only) == ("direct-identifiers",)


@pytest.mark.parametrize(
    ("question", "level", "warned"),
    [
        ("How many children are looked after by each district council?", "lsoa", True),
        ("How many children are looked after by each district council?", "council", False),
        ("How many children are looked after in each ward?", "lsoa", True),
        ("How many children are looked after in each LSOA?", "lsoa", False),
        ("How many children are looked after, council by council and ward by ward?", "ward", False),
        ("Where are the council's assets? List each address.", "point", False),
        ("How many children are looked after?", "lsoa", False),  # no geography in the question
        ("Progress towards targets by council", "ward", True),  # "towards" is not "ward"
        ("How many children are looked after by each district council?", "none", False),
        ("How many children are looked after by each district council?", None, False),
    ],
)
def test_a_geography_finer_than_the_question_implies_is_warned(question, level, warned):
    request = RequestFacts(question=question, geography_level=level)
    assert ("finer-geography" in codes(request)) is warned


@pytest.mark.parametrize(
    ("question", "personal_data", "warned"),
    [
        ("How many adults receive home care in each district?", "personal", True),
        ("What is the rate of delayed discharge per council?", "special-category", True),
        ("How many adults receive home care in each district?", "aggregate", False),
        ("How many adults are known to both councils' social care?", "personal", False),
        ("Which adults need a care review after vesting day?", "personal", False),
    ],
)
def test_record_level_data_for_a_question_about_numbers_is_warned(question, personal_data, warned):
    request = RequestFacts(question=question, personal_data=personal_data)
    assert ("records-where-counts-would-do" in codes(request)) is warned


def test_warnings_come_in_a_fixed_order():
    request = RequestFacts(
        question="How many adults receive care in each district?",
        fields=("nhs_number", "lsoa_code", "care_hours"),
        geography_level="lsoa",
        personal_data="personal",
    )
    assert codes(request) == (
        "direct-identifiers",
        "finer-geography",
        "records-where-counts-would-do",
    )


def test_geography_levels_run_coarse_to_fine_and_cover_the_standards_levels():
    rules = minimisation_rules()
    ranks = [
        rules.rank(level) for level in ("region", "county", "council", "ward", "lsoa", "point")
    ]
    assert ranks == sorted(ranks)
    for level in GEOGRAPHY_LEVELS:
        assert level == "none" or rules.rank(level) is not None
