"""Screening attachments for personal data: a file's content decides, never its name (issue 12).

Every value here is synthetic. NHS numbers are made in the 999 range NHS England keeps for
testing, with their check digit computed below; National Insurance numbers use prefixes that
are valid in form but the people are invented; postcodes are of council offices.
"""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest

from lgrshare.domain.screening.personal_data import (
    nhs_number_valid,
    ni_number_valid,
    parse_date,
    personal_data_rules,
    postcode_valid,
    screen_file,
)
from tests.domain.validation.validation_helpers import workbook

TODAY = date(2026, 12, 5)


def nhs_number(stem: str) -> str:
    """Return the 10-digit NHS number for a 9-digit ``stem``, its check digit computed (the
    modulus 11 rule of the NHS Data Dictionary), or the next stem up whose check is not 10."""
    while True:
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return stem + str(check)
        stem = str(int(stem) + 1)


def test_the_check_digit_rule_accepts_computed_numbers_and_refuses_a_wrong_digit():
    number = nhs_number("999000001")
    wrong = number[:9] + str((int(number[9]) + 1) % 10)
    assert nhs_number_valid(number)
    assert nhs_number_valid(f"{number[:3]} {number[3:6]} {number[6:]}")
    assert not nhs_number_valid(wrong)
    assert not nhs_number_valid("0000000000")  # passes the arithmetic, is no one's number
    assert not nhs_number_valid(number[:9])


def test_national_insurance_numbers_follow_hmrcs_prefix_rules():
    assert ni_number_valid("AB 12 34 56 C")
    assert ni_number_valid("jg103759a")
    assert not ni_number_valid("QQ123456C")  # HMRC's example prefix is never issued
    assert not ni_number_valid("GB123456A")  # an unallocated prefix
    assert not ni_number_valid("AB123456E")  # the suffix is A to D


def test_full_postcodes_are_recognised_but_not_outward_codes_alone():
    assert postcode_valid("GU2 4BB")
    assert postcode_valid("gu214ll")
    assert not postcode_valid("GU2")
    assert not postcode_valid("E07000209")


def people_csv(*, header: bool = True) -> bytes:
    rows = [
        ("Ada", "Example", "12/03/1984", nhs_number("999000001"), "1 Millmead", "GU2 4BB"),
        ("Ben", "Sample", "1971-07-30", nhs_number("999000002"), "2 Gloucester Sq", "GU21 6YL"),
        ("Cai", "Test", "02/11/2003", nhs_number("999000003"), "3 High Street", "KT1 2DN"),
    ]
    lines = [",".join(r) for r in rows]
    if header:
        lines.insert(0, "forename,surname,date_of_birth,nhs_number,address,postcode")
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_of_people_is_found_with_what_and_where():
    screening = screen_file(content=people_csv(), today=TODAY)
    assert screening.looks_personal
    assert set(screening.kinds) == {"name", "date-of-birth", "nhs-number", "address", "postcode"}
    nhs = next(f for f in screening.findings if f.kind == "nhs-number")
    assert (nhs.column, nhs.label, nhs.count, nhs.evidence) == (
        4,
        "nhs_number",
        3,
        "label-and-values",
    )
    assert "NHS numbers, column 4 (“nhs_number”), 3 values" in screening.reasons()


def test_the_reasons_never_repeat_the_personal_data():
    reasons = " ".join(screen_file(content=people_csv(), today=TODAY).reasons())
    for value in ("Ada", "Example", "12/03/1984", nhs_number("999000001"), "GU2 4BB", "Millmead"):
        assert value not in reasons


def test_the_same_rows_without_labels_are_still_found_from_their_values():
    screening = screen_file(content=people_csv(header=False), today=TODAY)
    assert screening.looks_personal
    assert {"nhs-number", "postcode", "date-of-birth"} <= set(screening.kinds)


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_other_separators_are_read_as_tables(delimiter):
    content = people_csv().decode().replace(",", delimiter).encode()
    assert screen_file(content=content, today=TODAY).looks_personal


def test_nhs_numbers_in_running_text_are_found():
    note = f"Please check these:\n{nhs_number('999000004')}\n{nhs_number('999000005')}\n"
    screening = screen_file(content=note.encode(), today=TODAY)
    assert screening.looks_personal
    assert screening.findings[0].kind == "nhs-number"
    assert screening.findings[0].line == 2


def test_a_column_of_ten_digit_references_is_not_mistaken_for_nhs_numbers():
    # One reference in about eleven passes the check digit by chance.
    rng = random.Random(12)
    refs = [str(rng.randrange(10**9, 10**10)) for _ in range(200)]
    assert any(nhs_number_valid(r) for r in refs)
    content = ("uprn,band\n" + "".join(f"{r},D\n" for r in refs)).encode()
    assert not screen_file(content=content, today=TODAY).looks_personal


def test_a_date_of_birth_next_to_its_label_in_text_is_enough():
    screening = screen_file(content=b"Referral note\nDOB: 12/03/1984\nSeen at home.\n", today=TODAY)
    assert screening.looks_personal
    assert screening.kinds == ("date-of-birth",)


def test_a_national_insurance_number_in_a_letter_is_enough():
    screening = screen_file(content=b"Claimant reference AB 12 34 56 C was paid.\n", today=TODAY)
    assert screening.looks_personal


def test_a_data_specification_is_not_personal_data():
    spec = (
        "# Contracts register: what we need\n\n"
        "Send one row per contract. Fields:\n\n"
        "| name | type | description |\n"
        "|------|------|-------------|\n"
        "| contract_reference | string | Your reference |\n"
        "| supplier_name | string | The supplier's registered name |\n"
        "| end_date | date | Last day, as 2027-03-31 |\n\n"
        "Questions to the data team, Millmead House, Guildford GU2 4BB.\n"
        "National Insurance numbers are never needed (they look like QQ123456C).\n"
    )
    screening = screen_file(content=spec.encode(), today=TODAY)
    assert not screening.looks_personal, screening.reasons()


def test_a_header_only_template_with_personal_labels_is_not_data():
    template = b"forename,surname,date_of_birth,nhs_number\n"
    assert not screen_file(content=template, today=TODAY).looks_personal


def test_a_name_column_alone_does_not_refuse_a_table():
    content = b"name,type\ncontract_reference,string\nend_date,date\n"
    screening = screen_file(content=content, today=TODAY)
    assert screening.kinds == ("name",)
    assert not screening.looks_personal


def test_two_weaker_signs_together_refuse():
    content = b"name,address\nAda Example,1 Millmead\nBen Sample,2 High Street\n"
    screening = screen_file(content=content, today=TODAY)
    assert screening.kinds == ("name", "address")
    assert screening.looks_personal


def test_contract_dates_are_not_taken_for_dates_of_birth():
    content = (
        b"contract,start_date,end_date\nC-1,01/04/2024,31/03/2027\nC-2,01/06/2025,31/05/2026\n"
    )
    assert screen_file(content=content, today=TODAY).findings == ()


def test_a_column_of_old_dates_is_a_hint_that_needs_another_sign():
    dates = b"ref,when\nA,12/03/1984\nB,30/07/1971\nC,02/11/2003\n"
    hint = screen_file(content=dates, today=TODAY)
    assert hint.kinds == ("date-of-birth",)
    assert not hint.looks_personal
    with_postcodes = b"ref,when,where\nA,12/03/1984,GU2 4BB\nB,30/07/1971,GU21 6YL\n"
    assert screen_file(content=with_postcodes, today=TODAY).looks_personal


def test_utf16_and_windows_encoded_files_are_read():
    assert screen_file(content=people_csv().decode().encode("utf-16"), today=TODAY).looks_personal
    latin = "forename,surname,dob\nZoë,Ex£,12/03/1984\n".encode("cp1252")
    assert screen_file(content=latin, today=TODAY).looks_personal


def test_a_workbook_is_screened_on_every_sheet(tmp_path: Path):
    path = workbook(tmp_path / "spec.xlsx", [["field", "notes"], ["end_date", "a date"]])
    assert not screen_file(content=path.read_bytes(), today=TODAY).looks_personal
    people = [["Client name", "NHS Number"], ["Ada Example", nhs_number("999000006")]]
    path = workbook(tmp_path / "people.xlsx", people)
    screening = screen_file(content=path.read_bytes(), today=TODAY)
    assert screening.looks_personal
    assert {f.sheet for f in screening.findings} == {"Data"}


def test_binary_content_that_is_not_text_gives_no_findings():
    assert screen_file(content=b"%PDF-1.7\n\x00\x01\x02", today=TODAY).findings == ()


def test_every_kind_the_rules_name_has_words():
    rules = personal_data_rules()
    assert {r.kind for r in rules.labels} <= set(rules.kinds)
    assert rules.alone <= set(rules.kinds)


def test_nhs_numbers_far_down_a_long_file_are_still_found():
    padding = "".join(f"C-{n},Contract {n},2027-03-31\n" for n in range(30_000))
    tail = "".join(f"{nhs_number(f'99900{n:04d}')}\n" for n in range(20, 25))
    content = ("contract,title,end_date\n" + padding + tail).encode()
    screening = screen_file(content=content, today=TODAY)
    assert screening.looks_personal
    assert [f.line for f in screening.findings if f.kind == "nhs-number"] == [30_002]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1984", date(1984, 3, 12)),
        ("12-03-1984", date(1984, 3, 12)),
        ("1984-03-12 00:00:00", date(1984, 3, 12)),
        ("12 March 1984", date(1984, 3, 12)),
        ("12 Mar 1984", date(1984, 3, 12)),
        ("31/02/1984", None),
        ("1984", None),
    ],
)
def test_dates_are_read_day_first_in_the_usual_forms(text, expected):
    assert parse_date(text) == expected


def test_a_word_document_or_a_damaged_zip_gives_no_findings_rather_than_an_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert screen_file(content=buffer.getvalue(), today=TODAY).findings == ()
    assert screen_file(content=b"PK\x03\x04damaged", today=TODAY).findings == ()
