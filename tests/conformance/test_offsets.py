"""Times and datetimes with a UTC offset compare as instants, as in frictionless-py:
``15:00:00Z`` and ``15:00:00+03:00`` are different instants, ``12:00:00Z`` and
``15:00:00+03:00`` the same, in ``unique``, ``primaryKey``, ``minimum`` and ``maximum``."""

from __future__ import annotations

from pathlib import Path

from tests.conformance.reference import Verdict, side_by_side


def _field(kind: str, **constraints: object) -> dict[str, object]:
    return {"fields": [{"name": "t", "type": kind, "constraints": constraints}]}


def test_unique_times_are_instants(tmp_path: Path) -> None:
    content = "t\n15:00:00Z\n15:00:00+03:00\n12:00:00Z\n15:00:00+03\n15:00:00.5Z\n"

    got, expected = side_by_side(tmp_path, _field("time", unique=True), content)

    assert got == expected
    assert got.findings == {("unique-error", 4), ("unique-error", 5)}


def test_a_primary_key_of_datetimes_is_instants(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "d", "type": "datetime"}], "primaryKey": ["d"]}
    content = (
        "d\n2024-01-01T15:00:00Z\n2024-01-01T15:00:00+03:00\n2024-01-01T12:00:00Z\n"
        "2024-01-01T15:00:00.123456789Z\n2024-01-01T15:00:00+0300\n"
    )

    got, expected = side_by_side(tmp_path, schema, content)

    assert got == expected
    assert got.findings == {("primary-key", 4), ("primary-key", 6)}


def test_time_bounds_compare_instants(tmp_path: Path) -> None:
    schema = _field("time", maximum="14:00:00Z", minimum="10:00:00+01:00")
    content = "t\n15:00:00Z\n15:00:00+03:00\n09:30:00Z\n09:30:00+01:00\n"

    got, expected = side_by_side(tmp_path, schema, content)

    assert got == expected
    assert got.findings == {("constraint-error", 2), ("constraint-error", 5)}


def test_datetime_bounds_compare_instants(tmp_path: Path) -> None:
    schema = _field("datetime", maximum="2024-01-01T14:00:00Z")
    content = "t\n2024-01-01T15:00:00Z\n2024-01-01T15:00:00+03:00\n2024-01-01T14:00:00.5Z\n"

    got, expected = side_by_side(tmp_path, schema, content)

    assert got == expected
    assert got.findings == {("constraint-error", 2), ("constraint-error", 4)}


def test_values_without_an_offset_compare_among_themselves(tmp_path: Path) -> None:
    content = "t\n2024-01-01T15:00:00\n2024-01-01 15:00:00\n2024-01-01T15:00:01\n"

    got, expected = side_by_side(tmp_path, _field("datetime", unique=True), content)

    assert got == expected
    assert got.findings == {("unique-error", 3)}


def _offsetless_is_utc(verdict: Verdict) -> Verdict:
    """lgrshare reads a time without an offset as UTC, so ``15:00:00`` repeats ``15:00:00Z``;
    frictionless-py holds a value without an offset and one with never equal (and stops with a
    TypeError when it compares them with a bound). A column mixing the two is one clock read
    two ways: the repeat is reported rather than passed."""
    return Verdict(False, verdict.findings | {("unique-error", 3)})


def test_a_value_without_an_offset_is_read_as_utc(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path,
        _field("time", unique=True),
        "t\n15:00:00Z\n15:00:00\n",
        differences=_offsetless_is_utc,
    )

    assert got == expected
