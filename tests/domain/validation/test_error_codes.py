"""Every error code, with its position: row (header = 1), field, column and cell."""

from __future__ import annotations

from collections.abc import Callable

from validation_helpers import GOOD_ROW, HEADER, SCHEMA, found

from lgrshare.domain.standards.model import load_standard, parse_standard
from lgrshare.domain.validation import Report
from lgrshare.domain.validation.header import match_header

Check = Callable[..., Report]


def test_a_good_file_is_valid_and_profiled(check: Check) -> None:
    report = check(f'{HEADER}\n{GOOD_ROW}\nL002,E07000217,"1,000",0,,2024-6,No,b\n')

    assert report.valid, report.errors
    assert report.stats["rows"] == 2
    amount = next(profile for profile in report.profile if profile.name == "amount")
    assert (amount.min, amount.max, amount.filled, amount.distinct) == (12.5, 1000, 2, 2)


def test_type_errors_name_the_cell(check: Check) -> None:
    report = check(f"{HEADER}\n{GOOD_ROW}\nL002,E07000209,12.5O,three,2024-02-30,2024-13,Y,a\n")

    assert found(report) == {
        ("type-error", 3, "amount"),
        ("type-error", 3, "count"),
        ("type-error", 3, "when"),
        ("type-error", 3, "period"),
        ("type-error", 3, "flag"),
    }
    amount = next(e for e in report.errors if e.field == "amount")
    assert (amount.field_number, amount.cell, amount.constraint) == (3, "12.5O", None)


def test_constraint_errors_name_the_constraint(check: Check) -> None:
    report = check(
        f"{HEADER}\n{GOOD_ROW}\n"
        "X002,E07000209,1000.01,-1,2024-05-01,2024-05,Yes,c\n"
        "L003,E07000209,-5,[x],2024-05-01,2024-05,Yes,bb\n"
    )

    got = {(e.row, e.field, e.constraint, e.cell) for e in report.errors}
    assert {e.code for e in report.errors} == {"constraint-error"}
    assert got == {
        (3, "id", "pattern", "X002"),
        (3, "amount", "maximum", "1000.01"),
        (3, "count", "minimum", "-1"),
        (3, "kind", "enum", "c"),
        (4, "amount", "minimum", "-5"),
        (4, "count", "required", "[x]"),
        (4, "kind", "maxLength", "bb"),
        (4, "kind", "enum", "bb"),
    }


def test_bounds_hold_for_not_a_number_and_infinity(check: Check) -> None:
    # NaN breaks every bound, as in frictionless-py, even where every other value is within
    # bounds (the checks skip a bound no value of a batch can break).
    within = check(f"{HEADER}\n{GOOD_ROW}\nL002,E07000209,NaN,3,,,,\nL003,E07000209,nan,3,,,,\n")
    beyond = check(f"{HEADER}\n{GOOD_ROW}\nL002,E07000209,inf,3,,,,\nL003,E07000209,-inf,3,,,,\n")

    assert {(e.row, e.constraint, e.cell) for e in within.errors} == {
        (3, "minimum", "NaN"),
        (3, "maximum", "NaN"),
        (4, "minimum", "nan"),
        (4, "maximum", "nan"),
    }
    assert [(e.row, e.constraint, e.cell) for e in beyond.errors] == [
        (3, "maximum", "inf"),
        (4, "minimum", "-inf"),
    ]


def test_a_type_error_stops_the_constraint_checks_of_its_cell(check: Check) -> None:
    report = check(f"{HEADER}\nL001,E07000209,£-5,3,,,,\n")

    assert [(e.code, e.field) for e in report.errors] == [("type-error", "amount")]


def test_code_list_error_for_a_code_not_in_the_ons_list(check: Check) -> None:
    report = check(f"{HEADER}\n{GOOD_ROW}\nL002,E07999999,1,1,,,,\n")

    assert found(report) == {("code-list-error", 3, "lad")}
    assert report.errors[0].cell == "E07999999"


def test_unique_error_on_each_repeat_after_the_first(check: Check) -> None:
    rows = [GOOD_ROW, GOOD_ROW.replace("L001", "L002"), GOOD_ROW, GOOD_ROW]
    report = check(HEADER + "\n" + "\n".join(rows) + "\n")

    assert found(report) == {("unique-error", 4, "id"), ("unique-error", 5, "id")}
    assert "row 2" in report.errors[0].message


def test_a_code_of_the_wrong_shape_is_a_pattern_error_only(check: Check) -> None:
    fields = [
        {**spec, "constraints": {"pattern": "E0[6-9][0-9]{6}"}} if spec["name"] == "lad" else spec
        for spec in SCHEMA["schema"]["fields"]
    ]
    shaped = parse_standard(
        {**SCHEMA, "schema": {**SCHEMA["schema"], "fields": fields}}, default_name="shaped"
    )
    rows = [GOOD_ROW, GOOD_ROW.replace("L001,E07000209", "L002,W06000001"),
            GOOD_ROW.replace("L001,E07000209", "L003,E07999999")]  # fmt: skip
    report = check(HEADER + "\n" + "\n".join(rows) + "\n", against=shaped)

    assert {(e.code, e.row, e.constraint) for e in report.errors} == {
        ("constraint-error", 3, "pattern"),
        ("code-list-error", 4, None),
    }


def test_primary_key_error_on_a_repeated_composite_key(check: Check) -> None:
    keyed = parse_standard(
        {**SCHEMA, "schema": {**SCHEMA["schema"], "primaryKey": ["lad", "period"]}},
        default_name="keyed",
    )
    rows = [GOOD_ROW, GOOD_ROW.replace("L001", "L002").replace("2024-05,", "2024-06,"),
            GOOD_ROW.replace("L001", "L003")]  # fmt: skip
    report = check(HEADER + "\n" + "\n".join(rows) + "\n", against=keyed)

    assert found(report) == {("primary-key-error", 4, None)}


def test_label_errors_are_on_row_one_with_their_column(check: Check) -> None:
    header = "id,LAD,amount,count,,period,flag,kind,kind,extra"
    report = check(f"{header}\n{GOOD_ROW},a,z\n")

    labels = {(e.code, e.field_number) for e in report.errors if e.row == 1}
    assert labels == {
        ("incorrect-label", 2),
        ("blank-header", 5),
        ("duplicate-label", 9),
        ("extra-label", 10),
    }
    assert not [e for e in report.errors if e.row != 1]


def test_a_label_differing_only_in_case_spaces_or_separators_is_matched() -> None:
    standard = load_standard("land-and-property-assets")
    labels = tuple(spec.name for spec in standard.fields)
    # Moved to the end too, so that only the label can match them to their fields.
    rest = [name for name in labels if name not in ("OrganisationLabel", "AssetCode")]
    typed = (*rest, "Asset Code", "organisation-label")

    header = match_header(typed, standard)

    assert sorted((e.code, e.field, e.cell) for e in header.errors) == [
        ("incorrect-label", "AssetCode", "Asset Code"),
        ("incorrect-label", "OrganisationLabel", "organisation-label"),
    ]
    assert header.columns["AssetCode"] == len(rest)


def test_missing_label_for_a_field_with_no_column(check: Check) -> None:
    report = check("id,lad,amount,count\nL001,E07000209,1,2\n")

    assert {(e.code, e.field) for e in report.errors} == {
        ("missing-label", name) for name in ("when", "period", "flag", "kind")
    }


def test_columns_are_matched_by_label_in_any_order(check: Check) -> None:
    report = check("kind,flag,period,when,count,amount,lad,id\na,Yes,2024-05,,3,1,E07000209,L001\n")

    assert report.valid, report.errors


def test_extra_and_missing_cells_are_reported_per_cell_never_padded(check: Check) -> None:
    report = check(
        f"{HEADER}\n{GOOD_ROW},x,y\nL002,E07000209,1\n{GOOD_ROW.replace('L001', 'L003')}\n"
    )

    assert found(report) == {
        ("extra-cell", 2, None),
        ("missing-cell", 3, "when"),
        ("missing-cell", 3, "period"),
        ("missing-cell", 3, "flag"),
        ("missing-cell", 3, "kind"),
        ("missing-cell", 3, "count"),
    }
    extra = [(e.field_number, e.cell) for e in report.errors if e.code == "extra-cell"]
    assert extra == [(9, "x"), (10, "y")]
    assert report.stats["counts"] == {"extra-cell": 2, "missing-cell": 5}


def test_blank_rows_are_reported_once_and_alone(check: Check) -> None:
    report = check(f"{HEADER}\n{GOOD_ROW}\n\n,,,,,,,\n{GOOD_ROW.replace('L001', 'L002')}\n")

    assert found(report) == {("blank-row", 3, None), ("blank-row", 4, None)}


def test_every_error_is_counted_but_the_list_is_capped(check: Check) -> None:
    rows = "\n".join(f"L{i:03d},E07000209,bad,1,,,," for i in range(200))
    report = check(f"{HEADER}\n{rows}\n", max_errors=10)

    assert report.stats["error_count"] == 200
    assert report.stats["errors_capped"] is True
    assert [e.row for e in report.errors] == list(range(2, 12))
    assert not report.valid


def test_row_numbers_count_records_not_lines(check: Check) -> None:
    report = check(
        f'{HEADER}\nL001,E07000209,1,1,,,,"a"\nL002,E07000209,1,1,,,,"line one\nline two"\n'
        "L003,E07000209,x,1,,,,a\n"
    )

    assert ("type-error", 4, "amount") in found(report)
