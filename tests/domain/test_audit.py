"""The hash-chained audit trail (lgrshare.domain.audit): building it and catching tampering."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lgrshare.domain.audit import (
    EVENT_NAMES,
    GENESIS_HASH,
    RETIRED_EVENT_NAMES,
    AuditActionUnknown,
    AuditError,
    AuditEvent,
    AuditRecord,
    ChainHead,
    canonical,
    chain_event,
    chain_next,
    record_hash,
    verify_chain,
)

START = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
ACTIONS = [
    "upload",
    "validate",
    "submission-accepted",
    "view",
    "download",
    "export",
    "access-refused",
]


def build(count: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for n in range(count):
        records.append(
            chain_next(
                records[-1] if records else None,
                at=START + timedelta(minutes=n, microseconds=n),
                actor=["alice", "bob", "charlie"][n % 3],
                action=ACTIONS[n % len(ACTIONS)],
                target_type="dataset",
                target_id=f"ds-{n % 4}",
                reason="agreement-active" if n % 7 else "not-a-party",
                detail={"rows": n * 10, "caveats": bool(n % 2), "note": None, "file": f"f{n}.csv"},
            )
        )
    return records


def rehash(record: AuditRecord, **changes) -> AuditRecord:
    """A forger's edit: change fields and recompute this row's hash (not the next row's)."""
    draft = dataclasses.replace(record, **changes)
    return dataclasses.replace(draft, hash=record_hash(draft))


CHAIN = build(12)


# Building the chain --------------------------------------------------------------------------


def test_the_first_record_follows_the_genesis_hash():
    first = CHAIN[0]
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert GENESIS_HASH == "0" * 64
    assert first.hash == hashlib.sha256((GENESIS_HASH + canonical(first)).encode()).hexdigest()


def test_each_record_holds_the_hash_of_the_one_before():
    for before, after in itertools.pairwise(CHAIN):
        assert after.seq == before.seq + 1
        assert after.prev_hash == before.hash
        assert after.hash == record_hash(after)


def test_the_canonical_form_is_sorted_compact_json_with_utc_microseconds():
    record = chain_next(
        None,
        at=datetime(2025, 4, 1, 10, 30, 0, 5, tzinfo=timezone(timedelta(hours=1))),
        actor="alice",
        action="download",
        target_type="dataset",
        target_id="ds-1",
        reason="agreement-active",
        detail={"zip": True, "bytes": 120, "as": "csv", "note": None},
    )
    assert record.at == datetime(2025, 4, 1, 9, 30, 0, 5, tzinfo=UTC)
    assert record.at.tzinfo is UTC
    assert canonical(record) == (
        '{"action":"download","actor":"alice","at":"2025-04-01T09:30:00.000005Z",'
        '"detail":{"as":"csv","bytes":120,"note":null,"zip":true},"prev_hash":"'
        + GENESIS_HASH
        + '","reason":"agreement-active","seq":1,"target_id":"ds-1","target_type":"dataset",'
        '"v":1}'
    )


def test_an_event_chains_like_its_fields():
    event = AuditEvent(
        name="view", actor="bob", target_type="dataset", target_id="ds-2", reason="party"
    )
    assert chain_event(CHAIN[-1], event, at=START) == chain_next(
        CHAIN[-1],
        at=START,
        actor="bob",
        action="view",
        target_type="dataset",
        target_id="ds-2",
        reason="party",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.actor = "mallory"  # type: ignore[misc]


def test_records_and_their_detail_are_immutable():
    source = {"rows": 1}
    record = chain_next(
        None, at=START, actor="a", action="upload", target_type="t", target_id="1", reason="",
        detail=source,
    )  # fmt: skip
    source["rows"] = 2
    assert record.detail == {"rows": 1}
    with pytest.raises(TypeError):
        record.detail["rows"] = 3  # type: ignore[index]
    assert verify_chain([record]).intact


def test_the_event_vocabulary_covers_every_touch_of_data():
    for name in ["upload", "validate", "view", "download", "export", "access-refused", "delete",
                 "submission-accepted", "submission-withdrawn", "caveat-added"]:  # fmt: skip
        assert name in EVENT_NAMES


def test_the_event_vocabulary_names_every_governance_decision():
    for name in ["agreement-drafted", "agreement-edited", "agreement-sent-for-review",
                 "agreement-returned", "agreement-approved", "agreement-signed",
                 "agreement-activated", "agreement-suspended", "agreement-terminated",
                 "dpia-recorded", "contractor-agreement-recorded", "terms-accepted",
                 "request-raised", "request-opened", "request-answered", "request-commented",
                 "request-joined", "request-fulfilled", "request-closed", "person-added",
                 "role-granted", "role-removed"]:  # fmt: skip
        assert name in EVENT_NAMES
        assert name not in RETIRED_EVENT_NAMES


@pytest.mark.parametrize("retired", sorted(RETIRED_EVENT_NAMES))
def test_a_retired_coarse_verb_cannot_be_recorded_any_more(retired):
    with pytest.raises(AuditActionUnknown, match="retired"):
        chain_next(
            None, at=START, actor="a", action=retired, target_type="t", target_id="1", reason=""
        )


@pytest.mark.parametrize("retired", sorted(RETIRED_EVENT_NAMES))
def test_rows_recorded_with_a_retired_verb_still_verify_and_have_a_label(retired):
    # Rows written before the vocabulary grew: the chain is hashed, never the vocabulary.
    old = [rehash(CHAIN[0], action=retired)]
    old.append(rehash(dataclasses.replace(CHAIN[1], prev_hash=old[0].hash), action=retired))
    assert verify_chain(old).intact
    assert EVENT_NAMES[retired]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"at": datetime(2025, 4, 1, 9, 30)}, AuditError),
        ({"action": "peek"}, AuditActionUnknown),
        ({"actor": ""}, AuditError),
        ({"target_id": ""}, AuditError),
        ({"detail": {"ratio": 0.5}}, AuditError),
        ({"detail": {"nested": {"a": 1}}}, AuditError),
        ({"detail": {"list": [1]}}, AuditError),
        ({"detail": {1: "non-string key"}}, AuditError),
    ],
)
def test_chain_next_refuses_records_that_cannot_be_canonical(changes, error):
    fields = {
        "at": START,
        "actor": "alice",
        "action": "view",
        "target_type": "dataset",
        "target_id": "ds-1",
        "reason": "party",
        **changes,
    }
    with pytest.raises(error) as caught:
        chain_next(None, **fields)
    assert caught.value.code in ("audit-record-invalid", "audit-action-unknown")


# Verifying an intact chain -------------------------------------------------------------------


def test_an_intact_chain_verifies_and_reports_its_head():
    verdict = verify_chain(CHAIN)
    assert verdict.intact
    assert (verdict.checked, verdict.first_bad_seq, verdict.problem) == (12, None, None)
    assert verdict.head == ChainHead(seq=12, hash=CHAIN[-1].hash) == CHAIN[-1].head
    assert verify_chain(CHAIN, expected_head=CHAIN[-1].hash).intact
    assert verify_chain(CHAIN, anchor=CHAIN[5].head).intact


def test_an_empty_chain_is_intact():
    verdict = verify_chain([])
    assert (verdict.intact, verdict.checked, verdict.head) == (True, 0, None)


def test_a_chain_is_verified_from_a_one_shot_stream():
    def rows() -> Iterator[AuditRecord]:
        yield from build(300)

    assert verify_chain(rows()).checked == 300


def test_a_continuation_verifies_after_a_known_head():
    assert verify_chain(CHAIN[6:], after=CHAIN[5].head).intact
    verdict = verify_chain(CHAIN[6:], after=ChainHead(seq=6, hash="f" * 64))
    assert (verdict.problem, verdict.first_bad_seq) == ("chain-broken", 7)


def test_the_verdict_serialises():
    assert verify_chain(CHAIN[:1]).as_dict() == {
        "intact": True,
        "checked": 1,
        "first_bad_seq": None,
        "problem": None,
        "message": "1 records verified: the chain is intact",
        "head": {"seq": 1, "hash": CHAIN[0].hash},
    }


# Tampering -----------------------------------------------------------------------------------


def assert_verdict(records, problem, first_bad_seq, **options):
    verdict = verify_chain(records, **options)
    assert not verdict.intact
    assert (verdict.problem, verdict.first_bad_seq) == (problem, first_bad_seq), verdict.message
    assert str(first_bad_seq) in verdict.message
    return verdict


@pytest.mark.parametrize(
    "changes",
    [
        {"actor": "mallory"},
        {"action": "view"},
        {"target_type": "agreement"},
        {"target_id": "ds-99"},
        {"reason": "agreement-active-honest"},
        {"detail": {"rows": 1}},
        {"at": START + timedelta(microseconds=1)},
        {"prev_hash": "1" * 64},
        {"hash": "0" * 64},
    ],
)
def test_an_edited_field_is_named_as_the_altered_row(changes):
    records = list(CHAIN)
    records[4] = dataclasses.replace(records[4], **changes)
    verdict = assert_verdict(records, "record-altered", 5)
    assert verdict.checked == 4
    assert verdict.head == CHAIN[3].head


def test_an_edited_and_rehashed_row_breaks_the_link_to_the_next():
    records = list(CHAIN)
    records[4] = rehash(records[4], actor="mallory")
    assert_verdict(records, "chain-broken", 6)


def test_a_deleted_middle_row_is_named_as_missing():
    assert_verdict(CHAIN[:5] + CHAIN[6:], "record-missing", 6)
    verdict = assert_verdict(CHAIN[:4] + CHAIN[7:], "record-missing", 5)
    assert "rows 5-7 are missing" in verdict.message


def test_a_deleted_first_row_is_named_as_missing():
    assert_verdict(CHAIN[1:], "record-missing", 1)


def test_a_deleted_last_row_needs_the_recorded_head_to_be_seen():
    # Without an anchor the shortened chain is self-consistent: the documented limit.
    assert verify_chain(CHAIN[:-1]).intact
    assert_verdict(CHAIN[:-1], "record-missing", 12, expected_head=CHAIN[-1].hash)
    assert_verdict(CHAIN[:-3], "record-missing", 10, anchor=CHAIN[-1].head)
    assert_verdict([], "record-missing", 1, expected_head=CHAIN[-1].hash)


def test_two_swapped_rows_are_named_as_reordered():
    records = list(CHAIN)
    records[3], records[4] = records[4], records[3]
    assert_verdict(records, "record-reordered", 4)
    records = list(CHAIN)
    records[2], records[8] = records[8], records[2]
    assert_verdict(records, "record-reordered", 3)


def test_a_row_moved_later_or_earlier_is_named_as_reordered():
    moved_later = CHAIN[:2] + CHAIN[3:6] + CHAIN[2:3] + CHAIN[6:]
    assert_verdict(moved_later, "record-reordered", 3)
    moved_earlier = CHAIN[:2] + CHAIN[9:10] + CHAIN[2:9] + CHAIN[10:]
    assert_verdict(moved_earlier, "record-reordered", 3)


def test_rows_swapped_under_their_numbers_fail_their_hashes():
    # Swapping the seq numbers too (so ORDER BY seq hides the move) alters both rows.
    records = list(CHAIN)
    records[3], records[4] = (
        dataclasses.replace(CHAIN[4], seq=4),
        dataclasses.replace(CHAIN[3], seq=5),
    )
    assert_verdict(records, "record-altered", 4)


def forged(after: AuditRecord, **changes) -> AuditRecord:
    fields = {
        "at": after.at,
        "actor": "mallory",
        "action": "delete",
        "target_type": "dataset",
        "target_id": "ds-1",
        "reason": "retention-due",
        **changes,
    }
    return chain_next(after, **fields)


def test_a_forged_row_inserted_under_an_existing_number_is_detected():
    records = [*CHAIN[:5], forged(CHAIN[4]), *CHAIN[5:]]
    assert_verdict(records, "chain-broken", 6)


def test_a_forged_row_inserted_with_later_rows_renumbered_is_detected():
    renumbered = [dataclasses.replace(r, seq=r.seq + 1) for r in CHAIN[5:]]
    assert_verdict([*CHAIN[:5], forged(CHAIN[4]), *renumbered], "record-altered", 7)


def test_a_forged_row_with_a_made_up_hash_is_detected():
    fake = dataclasses.replace(forged(CHAIN[4]), hash="ab" * 32)
    renumbered = [dataclasses.replace(r, seq=r.seq + 1) for r in CHAIN[5:]]
    assert_verdict([*CHAIN[:5], fake, *renumbered], "record-altered", 6)


def test_forged_rows_appended_at_the_end_need_the_recorded_head_to_be_seen():
    extended = [*CHAIN, forged(CHAIN[-1])]
    assert verify_chain(extended).intact  # the documented limit without an anchor
    verdict = assert_verdict(extended, "chain-broken", 13, expected_head=CHAIN[-1].hash)
    assert "follow the recorded head" in verdict.message


def test_a_consistently_rewritten_chain_is_caught_by_an_anchor():
    rewritten = CHAIN[:3]
    for record in CHAIN[3:]:
        rewritten.append(rehash(record, prev_hash=rewritten[-1].hash, actor=record.actor.upper()))
    assert verify_chain(rewritten).intact  # every link recomputed
    assert_verdict(rewritten, "record-altered", 8, anchor=CHAIN[7].head)
    # A bare hash cannot tell a rewritten chain from a shortened one; the message names both.
    verdict = assert_verdict(rewritten, "record-missing", 13, expected_head=CHAIN[-1].hash)
    assert "rewritten" in verdict.message


def test_damaged_rows_are_reported_not_raised():
    damaged = [
        dataclasses.replace(CHAIN[2], at=datetime(2025, 4, 1)),
        dataclasses.replace(CHAIN[2], detail={"ratio": 0.5}),
        dataclasses.replace(CHAIN[2], detail="not a mapping"),  # type: ignore[arg-type]
        dataclasses.replace(CHAIN[2], actor=None),  # type: ignore[arg-type]
        dataclasses.replace(CHAIN[2], prev_hash="\udcff"),
    ]
    for row in damaged:
        assert_verdict([*CHAIN[:2], row, *CHAIN[3:]], "record-altered", 3)
    unnumbered = dataclasses.replace(CHAIN[2], seq="3")  # type: ignore[arg-type]
    assert_verdict([*CHAIN[:2], unnumbered], "record-altered", 3)


# Hostile strings -----------------------------------------------------------------------------

HOSTILE = [
    "line\nbreak\r\nand\ttab",
    "nul\x00byte",
    "\u2028\u2029 separators",
    "\u202eright-to-left override",
    "\ud800 lone surrogate",
    "emoji 🏴 and accents é e\u0301",
    '"quotes", \\backslashes\\ and {"json": true}',
    "x" * 1_000_000,
    "",
]


def test_hostile_strings_canonicalise_verify_and_round_trip():
    records: list[AuditRecord] = []
    for n, text in enumerate(HOSTILE):
        records.append(
            chain_next(
                records[-1] if records else None,
                at=START,
                actor=f"alice{text[:50]}",
                action="upload",
                target_type="dataset",
                target_id=f"ds{text[:20]}",
                reason=text,
                detail={text: text, "n": n, f"key{text[:10]}": text[:10]},
            )
        )
    for record in records:
        form = canonical(record)
        assert form.isascii()
        assert "\n" not in form
        assert "\x00" not in form
        assert AuditRecord.from_json(record.to_json()) == record
    assert verify_chain(records).intact
    assert verify_chain([AuditRecord.from_json(r.to_json()) for r in records]).intact


@pytest.mark.parametrize(
    ("original", "edited"),
    [
        ("nul\x00byte", "nul\x00Byte"),
        ("e\u0301", "\u00e9"),  # the same text to a reader, another string to the chain
        ("x" * 1_000_000, "x" * 999_999),
        ("a\nb", "a\\nb"),
    ],
)
def test_a_change_inside_a_hostile_string_is_detected(original, edited):
    first = chain_next(
        None, at=START, actor="alice", action="upload", target_type="dataset",
        target_id="ds-1", reason="party", detail={"note": original},
    )  # fmt: skip
    altered = dataclasses.replace(first, detail={"note": edited})
    assert_verdict([altered], "record-altered", 1)


def test_values_of_different_types_hash_differently():
    def with_detail(value):
        return chain_next(
            None, at=START, actor="a", action="view", target_type="t", target_id="1",
            reason="", detail={"v": value},
        ).hash  # fmt: skip

    hashes = {with_detail(v) for v in (1, "1", True, None, "true", "null", 0, False)}
    assert len(hashes) == 8


def test_from_json_refuses_what_is_not_a_record():
    for text in ["", "[]", "{}", json.dumps({"v": 2}), '{"v":1,"seq":1}']:
        with pytest.raises(AuditError):
            AuditRecord.from_json(text)
