"""The report as data: JSON round trip, the profile, caveats."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from validation_helpers import GOOD_ROW, HEADER

from lgrshare.domain.validation import CAVEAT_KINDS, Caveat, CaveatInvalid, Report, csv_fast

Check = Callable[..., Report]


def test_report_json_round_trips(check: Check) -> None:
    caveat = Caveat(kind="estimated", text="Amounts for March are estimates.", field="amount")
    report = check(f"{HEADER}\n{GOOD_ROW}\nL002,bad,x,1,,,,\n", caveats=[caveat])

    data = json.loads(json.dumps(report.to_json()))

    assert set(data) == {"valid", "stats", "errors", "profile", "caveats", "standard", "file"}
    assert data["standard"] == {"name": "test-lines", "version": "1.0.0"}
    assert [error["code"] for error in data["errors"]] == ["code-list-error", "type-error"]
    assert {"code", "row", "field", "cell", "message", "constraint"} <= set(data["errors"][0])
    assert Report.from_json(data) == report


def test_stats_count_errors_by_code(check: Check) -> None:
    report = check(f"{HEADER}\n{GOOD_ROW}\nL002,E07999999,x,1,,,,\n")

    assert report.stats["counts"] == {"code-list-error": 1, "type-error": 1}
    assert report.stats["error_count"] == 2
    assert report.stats["bytes"] > 0
    assert report.stats["fields"] == 8


def test_profile_fills_distinct_min_max_and_most_common(check: Check) -> None:
    rows = [GOOD_ROW.replace("L001", f"L{i:03d}").replace(",a", ",b" if i % 3 else ",a")
            for i in range(9)] + ["L100,,,1,,,,"]  # fmt: skip
    report = check(HEADER + "\n" + "\n".join(rows) + "\n")

    kind = next(profile for profile in report.profile if profile.name == "kind")
    amount = next(profile for profile in report.profile if profile.name == "amount")
    assert (kind.filled, kind.filled_percent, kind.distinct) == (9, 90.0, 2)
    assert kind.most_common == (("b", 6), ("a", 3))
    assert kind.most_common_exact
    assert kind.distinct_exact
    assert (amount.min, amount.max) == (12.5, 12.5)
    assert (kind.min, kind.max, kind.min_length, kind.max_length) == (None, None, 1, 1)


def test_distinct_values_past_the_exact_limit_are_estimated_within_two_percent(
    check: Check, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 200,000 different ids in blocks of about 6,000 rows: the sample of hashes halves many
    # times, while the read-ahead thread sketches batches ahead of the level in force.
    monkeypatch.setattr(csv_fast, "BLOCK_BYTES", 64 * 1024)
    rows = [f"L{i:06d},,,{i % 7},,,," for i in range(200_000)]

    report = check(HEADER + "\n" + "\n".join(rows) + "\n")

    ids = next(profile for profile in report.profile if profile.name == "id")
    counts = next(profile for profile in report.profile if profile.name == "count")
    assert not ids.distinct_exact
    assert abs(ids.distinct - 200_000) <= 4_000
    assert (counts.distinct, counts.distinct_exact) == (7, True)


def test_a_sampled_profile_counts_a_value_recurring_at_a_fixed_interval_fairly(
    check: Check,
) -> None:
    # 200,000 rows in one batch, so most common values are counted from a sample; 7 is the
    # count on every 1,000th row (200 rows), every other count is different.
    rows = [f"L{i:06d},,,{7 if i % 1000 == 0 else 10_000 + i},,,," for i in range(200_000)]

    report = check(HEADER + "\n" + "\n".join(rows) + "\n")

    counts = next(profile for profile in report.profile if profile.name == "count")
    assert not counts.most_common_exact
    (value, estimate), *_ = counts.most_common
    assert value == "7"
    assert 100 <= estimate <= 400


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [("guess", "x", None), ("estimated", " ", None), ("estimated", "x" * 2001, None),
     ("known-error", "x", "")],
)  # fmt: skip
def test_caveats_check_their_inputs(kind: str, text: str, field: str | None) -> None:
    with pytest.raises(CaveatInvalid) as raised:
        Caveat(kind=kind, text=text, field=field)

    assert raised.value.code == "caveat-invalid"


def test_caveat_kinds() -> None:
    assert list(CAVEAT_KINDS) == [
        "incomplete", "estimated", "provisional", "definition-differs", "known-error"
    ]  # fmt: skip


def test_a_caveat_on_a_field_the_standard_lacks_is_refused(check: Check) -> None:
    with pytest.raises(CaveatInvalid):
        check(f"{HEADER}\n", caveats=[Caveat(kind="incomplete", text="x", field="nope")])
