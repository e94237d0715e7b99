"""Hash-chained, append-only audit records, and verification of the chain.

Each record holds ``prev_hash``, the hash of the record before it (64 zeros for the first), and
``hash = sha256(prev_hash + canonical(record))`` where ``canonical`` is the record without its
hash, plus the format version ``"v": 1``, as JSON: keys sorted, no whitespace, every non-ASCII
character escaped (so NUL, line breaks, lone surrogates and any Unicode serialise to the same
ASCII bytes everywhere), and the time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (microseconds,
as PostgreSQL stores them). Store rows so they read back exactly (``to_json`` gives an ASCII
form: PostgreSQL ``text`` and ``jsonb`` refuse NUL, which ``detail`` may hold). ``seq`` counts
from 1 with no gaps, so the database must take it from ``chain_next`` (not from an
auto-increment, which skips values).

What the chain detects on its own (``verify_chain`` names the first bad row):

- a field edited in place: that row's hash no longer matches (``record-altered``);
- a row deleted from the middle: a gap in ``seq`` (``record-missing``);
- rows out of order: a row comes before one numbered lower (``record-reordered``);
- a row edited and re-hashed, or a forged row inserted: the next row's ``prev_hash`` no longer
  matches, or two rows share a number (``chain-broken``), or renumbered rows fail their hash.

What it cannot detect on its own: the hash is unkeyed, so whoever can write the table can
delete the last rows, append forged rows at the end, or rewrite every row from some point on
consistently. Record the head (``ChainVerdict.head``, or the last record's ``seq`` and ``hash``)
somewhere the database's writers cannot change, such as the DPO's mailbox or a write-once log,
and pass it back as ``expected_head`` (the exact head) or ``anchor`` (a head recorded earlier;
newer rows may follow it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from lgrshare.domain.errors import LgrShareError

DetailValue = str | int | bool | None
GENESIS_HASH = "0" * 64
FORMAT_VERSION = 1

# The actions a service may record: code -> what happened, for people. Rules as data: a new
# kind of event is a new line here. One event per service call, named for what it did.
EVENT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        # Data
        "upload": "A file was uploaded",
        "validate": "A file was checked against its standard",
        "view": "Data was viewed",
        "metadata-viewed": "A dataset's description was viewed",
        "download": "Data was downloaded",
        "export": "Data was exported",
        "dataset-compiled": "Councils' accepted submissions of a standard were compiled into one "
        "dataset",
        "delete": "Data was deleted (its key destroyed)",
        "rotate-kek": "The key-encryption key was rotated",
        "vault-repaired": "`vault check --repair` deleted leftover files or marked lost blobs",
        # Catalogue
        "holding-recorded": "A council recorded data it holds",
        "metrics-imported": "Published metrics were imported into the catalogue",
        "standard-drafted": "An area's own data standard was drafted (a new version)",
        "standard-agreed": "A version of an area's standard was agreed, and frozen",
        # Submissions
        "caveat-added": "A quality caveat was added to a submission",
        "submission-accepted": "A data lead accepted a submission",
        "submission-withdrawn": "A submission was withdrawn",
        # Agreements
        "agreement-drafted": "An agreement was drafted",
        "agreement-edited": "An agreement's terms or parties were changed",
        "agreement-sent-for-review": "An agreement was sent to the parties' DPOs for review",
        "agreement-returned": "A DPO returned an agreement with comments",
        "agreement-approved": "A DPO approved an agreement",
        "agreement-signed": "A senior signatory signed an agreement",
        "agreement-activated": "An agreement became active: every party signed",
        "agreement-suspended": "An agreement was suspended",
        "agreement-terminated": "An agreement was terminated",
        "agreement-version-frozen": "A version's text was fixed at its first signature",
        "agreement-revised": "A new version of an agreement was made because a record its "
        "signed text names changed",
        "dpia-recorded": "A DPO recorded the DPIA decision",
        "dpia-document-added": "A DPIA document was stored (encrypted) with its agreement",
        "dpia-document-downloaded": "A DPIA document was downloaded",
        "dpia-document-download-refused": "Downloading a DPIA document was refused",
        "contractor-agreement-recorded": "A contractor agreement was recorded",
        "legal-review-recorded": "A legal adviser recorded their review of an agreement",
        "it-security-review-recorded": "IT security recorded its review of an agreement's security",
        "legal-review-asked": "A DPO asked their council's legal adviser to review an agreement",
        "terms-accepted": "A person accepted an agreement's terms",
        # Retention and deletion
        "retention-event-recorded": "A DPO recorded the event an agreement keeps data until",
        "retention-deleted": "Data due for deletion was deleted and a deletion certificate issued",
        "submission-deleted-early": "A provider's DPO had its own submission deleted early",
        "deletion-attested": "A council confirmed it deleted its local copies of the data",
        "agreement-closed": "An agreement closed: its data deleted and every attestation in",
        # Requests and their forum
        "request-raised": "A data request was drafted",
        "request-edited": "A draft data request was changed",
        "request-opened": "A data request was opened to the holders",
        "request-answered": "A holder council answered a data request",
        "request-commented": "A comment was added to a data request",
        "request-joined": "A person joined a data request",
        "request-fulfilled": "A data request was marked fulfilled",
        "request-closed": "A data request was closed",
        "attachment-added": "A file was attached to a request's thread (stored encrypted)",
        "attachment-downloaded": "An attachment of a request's thread was downloaded",
        "attachment-refused": "A file was refused as an attachment to a request's thread",
        "attachment-download-refused": "Downloading an attachment was refused",
        # People and contractors
        "person-added": "A person was added",
        "person-confirmed": "A person's account was confirmed by their council",
        "person-deactivated": "A person's account was deactivated",
        "role-granted": "A role was granted",
        "role-confirmed": "A role grant was confirmed by the council",
        "role-removed": "A role was removed",
        "contractor-added": "A contractor organisation was added",
        "contractor-agreement-signed-off": "A DPO signed off a contractor agreement",
        # Evidence: unitary options
        "option-saved": "A unitary option was saved (a new option or a new version)",
        "evidence-pack-exported": "An evidence pack of unitary options was exported",
        # Sign-in and credentials
        "signed-in": "A person signed in",
        "sign-in-failed": "A sign-in failed (wrong username or password)",
        "sign-in-throttled": "Sign-in attempts were paused after too many failures",
        "signed-out": "A person signed out",
        "password-changed": "A person's password was changed (their API tokens ended)",
        "two-factor-set-up": "A person set up two-factor sign-in",
        "two-factor-removed": "A person turned two-factor sign-in off",
        "two-factor-failed": "A wrong two-factor code was given",
        "recovery-codes-renewed": "A person made new two-factor recovery codes",
        "recovery-code-used": "A person signed in with a recovery code",
        "token-created": "An API token was created",
        "token-revoked": "An API token was revoked",
        "audit-trail-read": "A person read an audit trail",
        # Refusals: the reason is the refusal's code; every refusal's name ends in "-refused"
        "access-refused": "An action or access was refused",
        "change-refused": "A change was refused as not valid in its state or form",
        # Notifications
        "notification-sent": "People were notified (in the service and by email)",
        "notifications-read": "A person marked notifications as read",
        # Retired: older rows carry these; nothing records them any more (RETIRED_EVENT_NAMES).
        "accept": "A data lead accepted a submission",
        "withdraw": "A submission was withdrawn",
        "approve": "An agreement or DPIA was approved",
        "sign": "An agreement was signed off",
        "grant": "Access or a role was granted",
        "revoke": "Access or a role was revoked, or an agreement returned, suspended or ended",
    }
)
# Coarse verbs replaced by specific events. Older rows keep them (the chain must still verify,
# and their labels still show), but a new record may not use them: ``revoke`` once stood for a
# DPO's return, a suspension and a termination alike.
RETIRED_EVENT_NAMES = frozenset({"accept", "withdraw", "approve", "sign", "grant", "revoke"})
PROBLEMS = (
    "record-altered",
    "record-missing",
    "record-reordered",
    "chain-broken",
    # The chain has records but the head anchor kept outside the database is gone: without it
    # a truncated tail or a consistent rewrite cannot be told apart from the truth.
    "anchor-missing",
)


class AuditError(LgrShareError):
    """A record cannot be made or serialised: a naive time, a float or nested value in
    ``detail``, a field of the wrong type. A programming error, never user input."""

    code = "audit-record-invalid"
    title = "The audit record is not valid"
    status = 500


class AuditActionUnknown(AuditError):
    """``chain_next`` was given an action that is not in ``EVENT_NAMES``, or a retired one."""

    code = "audit-action-unknown"
    title = "The audit action is not known"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """Something to record, before it has a place in the chain: one per service call.

    ``name`` is a code from ``EVENT_NAMES``; ``reason`` is the policy decision's reason code
    (empty when no policy decision applies); ``detail`` holds flat facts (str, int, bool, None).
    """

    name: str
    actor: str
    target_type: str
    target_id: str
    reason: str
    detail: Mapping[str, DetailValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    """One row of the trail. ``at`` is an aware UTC time; ``hash`` covers every other field."""

    seq: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    reason: str
    detail: Mapping[str, DetailValue]
    prev_hash: str
    hash: str

    def __post_init__(self) -> None:
        # Loaded rows may be damaged: keep anything that is not a mapping for canonical() to
        # refuse, rather than failing here where verification cannot name the row.
        if isinstance(self.detail, Mapping):
            object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))

    @property
    def head(self) -> ChainHead:
        """Return this record as a chain head (its ``seq`` and ``hash``), to store as an anchor."""
        return ChainHead(seq=self.seq, hash=self.hash)

    def to_json(self) -> str:
        """Return the record, hash included, as canonical ASCII JSON (for storage or export).
        Raises ``AuditError`` as ``canonical``."""
        return _dumps({**_body(self), "hash": self.hash})

    @classmethod
    def from_json(cls, text: str) -> AuditRecord:
        """Return the record ``to_json`` wrote. Raises ``AuditError`` for anything else."""
        try:
            data = json.loads(text)
            if data["v"] != FORMAT_VERSION:
                raise ValueError(f"format version {data['v']} is not {FORMAT_VERSION}")
            return cls(
                seq=data["seq"],
                at=datetime.fromisoformat(data["at"]),
                actor=data["actor"],
                action=data["action"],
                target_type=data["target_type"],
                target_id=data["target_id"],
                reason=data["reason"],
                detail=data["detail"],
                prev_hash=data["prev_hash"],
                hash=data["hash"],
            )
        except (ValueError, TypeError, KeyError) as error:
            raise AuditError(f"not an audit record: {error}") from None


@dataclass(frozen=True, slots=True)
class ChainHead:
    """A point in the chain: a record's ``seq`` and ``hash`` (seq 0 is the empty chain)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """The result of ``verify_chain``.

    ``checked`` counts the records that verified before the first problem (all of them when
    ``intact``). ``problem`` is a code from ``PROBLEMS`` and ``first_bad_seq`` the first row
    that is altered, missing, out of place or unlinked; both None when intact. ``head`` is the
    last verified point (None when nothing verified and no ``after`` was given).
    """

    intact: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
    message: str
    head: ChainHead | None

    def as_dict(self) -> dict[str, Any]:
        """Return the verdict as a JSON object (``head`` as ``{"seq", "hash"}`` or None)."""
        head = None if self.head is None else {"seq": self.head.seq, "hash": self.head.hash}
        return {
            "intact": self.intact,
            "checked": self.checked,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
            "message": self.message,
            "head": head,
        }


def _timestamp(at: object) -> str:
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise AuditError("an audit time must be an aware datetime")
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _body(record: AuditRecord) -> dict[str, object]:
    if not isinstance(record.seq, int) or isinstance(record.seq, bool) or record.seq < 1:
        raise AuditError("seq must be a positive integer")
    texts = ("actor", "action", "target_type", "target_id", "reason", "prev_hash")
    for name in texts:
        if not isinstance(getattr(record, name), str):
            raise AuditError(f"{name} must be a string")
    if not isinstance(record.detail, Mapping):
        raise AuditError("detail must be a mapping")
    for key, value in record.detail.items():
        if not isinstance(key, str):
            raise AuditError("detail keys must be strings")
        if value is not None and not isinstance(value, str | int):  # bool is an int
            raise AuditError(f"detail {key!r} must be a string, integer, boolean or null")
    return {
        "v": FORMAT_VERSION,
        "seq": record.seq,
        "at": _timestamp(record.at),
        **{name: getattr(record, name) for name in texts},
        "detail": dict(record.detail),
    }


def _dumps(body: Mapping[str, object]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical(record: AuditRecord) -> str:
    """Return the canonical ASCII JSON of ``record`` without its hash (see the module notes).
    Raises ``AuditError`` when a field has the wrong type or the time is naive."""
    return _dumps(_body(record))


def record_hash(record: AuditRecord) -> str:
    """Return ``sha256(prev_hash + canonical(record))`` as 64 hex digits: the hash ``record``
    should carry. Raises ``AuditError`` as ``canonical``."""
    payload = record.prev_hash + canonical(record)
    # canonical() is ASCII; a damaged prev_hash may not be, and must still hash.
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def chain_next(
    prev: AuditRecord | None,
    *,
    at: datetime,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    reason: str,
    detail: Mapping[str, DetailValue] | None = None,
) -> AuditRecord:
    """Return the record that follows ``prev`` (the first record when None), hashed.

    ``at`` must be aware (it is stored in UTC); ``action`` must be in ``EVENT_NAMES`` and not
    retired. Raises ``AuditActionUnknown`` for another action, ``AuditError`` for a naive time, an
    empty actor or target, or a detail value that is not str, int, bool or None.
    """
    if action not in EVENT_NAMES:
        raise AuditActionUnknown(f"{action!r} is not an audit action")
    if action in RETIRED_EVENT_NAMES:
        raise AuditActionUnknown(f"{action!r} is retired: record the specific event instead")
    if not (actor and target_type and target_id):
        raise AuditError("an audit record needs an actor, a target type and a target id")
    _timestamp(at)  # refuses a naive time
    draft = AuditRecord(
        seq=1 if prev is None else prev.seq + 1,
        at=at.astimezone(UTC),
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        detail=detail or {},
        prev_hash=GENESIS_HASH if prev is None else prev.hash,
        hash="",
    )
    return AuditRecord(**{**_fields(draft), "hash": record_hash(draft)})


def chain_event(prev: AuditRecord | None, event: AuditEvent, *, at: datetime) -> AuditRecord:
    """Return the record of ``event`` that follows ``prev``. Raises as ``chain_next``."""
    return chain_next(
        prev,
        at=at,
        actor=event.actor,
        action=event.name,
        target_type=event.target_type,
        target_id=event.target_id,
        reason=event.reason,
        detail=event.detail,
    )


def _fields(record: AuditRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in AuditRecord.__dataclass_fields__}


def _verdict(
    checked: int, seq: int | None, problem: str | None, message: str, head: ChainHead | None
) -> ChainVerdict:
    return ChainVerdict(problem is None, checked, seq, problem, message, head)


def _appears_later(records: Iterator[AuditRecord], seq: int) -> bool:
    # Consumes the rest of the stream, holding one record at a time.
    return any(getattr(record, "seq", None) == seq for record in records)


def verify_chain(
    records: Iterable[AuditRecord],
    *,
    expected_head: str | None = None,
    anchor: ChainHead | None = None,
    after: ChainHead | None = None,
) -> ChainVerdict:
    """Recompute the chain, in the order given (ascending ``seq``), in constant memory.

    ``expected_head``: the hash the last record must have (recorded elsewhere at the last
    append). ``anchor``: a head recorded elsewhere earlier; the row with its seq must have its
    hash, and rows may follow it. ``after``: verify a continuation, starting after a head
    already verified (``records`` then begins at ``after.seq + 1``).

    Returns a ``ChainVerdict`` naming the first problem; never raises for bad records.
    """
    stream = iter(records)
    start = after or ChainHead(seq=0, hash=GENESIS_HASH)
    prev, checked, last_good = start, 0, after
    # Where the expected head was seen: rows after it were added after it was recorded.
    head_at = start.seq if expected_head == start.hash else None
    for record in stream:
        expected = prev.seq + 1
        seq = getattr(record, "seq", None)
        if not isinstance(seq, int) or isinstance(seq, bool):
            message = f"row {expected} was altered: it has no number"
            return _verdict(checked, expected, "record-altered", message, last_good)
        if seq > expected:
            if _appears_later(stream, expected):
                message = f"row {expected} is out of order: row {seq} comes before it"
                return _verdict(checked, expected, "record-reordered", message, last_good)
            gap = f"row {expected} is" if seq == expected + 1 else f"rows {expected}-{seq - 1} are"
            return _verdict(checked, expected, "record-missing", f"{gap} missing", last_good)
        if seq == prev.seq:
            message = f"row {seq} appears twice: one copy is forged or duplicated"
            return _verdict(checked, seq, "chain-broken", message, last_good)
        if seq < prev.seq:
            message = f"row {seq} is out of order: it comes after row {prev.seq}"
            return _verdict(checked, seq, "record-reordered", message, last_good)
        try:
            intact = record_hash(record) == record.hash
        except AuditError:
            intact = False
        if not intact:
            message = f"row {seq} was altered: its content does not match its hash"
            return _verdict(checked, seq, "record-altered", message, last_good)
        if record.prev_hash != prev.hash:
            message = (
                f"row {seq} does not follow row {prev.seq}: row {prev.seq} was rewritten with "
                f"a new hash, or row {seq} was forged"
            )
            return _verdict(checked, seq, "chain-broken", message, last_good)
        if anchor is not None and seq == anchor.seq and record.hash != anchor.hash:
            message = f"row {seq} differs from its recorded hash: the chain up to it was rewritten"
            return _verdict(checked, seq, "record-altered", message, last_good)
        prev = last_good = record.head
        checked += 1
        if record.hash == expected_head:
            head_at = seq
    return _final_verdict(checked, prev, last_good, expected_head, head_at, anchor)


def _final_verdict(
    checked: int,
    prev: ChainHead,
    last_good: ChainHead | None,
    expected_head: str | None,
    head_at: int | None,
    anchor: ChainHead | None,
) -> ChainVerdict:
    end = prev.seq
    if anchor is not None and end < anchor.seq:
        message = (
            f"rows from {end + 1} on are missing: the chain ends at row {end}, but row "
            f"{anchor.seq} was recorded"
        )
        return _verdict(checked, end + 1, "record-missing", message, last_good)
    if expected_head is not None and prev.hash != expected_head:
        if head_at is not None:
            message = (
                f"rows {head_at + 1}-{end} follow the recorded head (row {head_at}): they were "
                "added after it was recorded, or forged"
            )
            return _verdict(checked, head_at + 1, "chain-broken", message, last_good)
        message = (
            f"rows from {end + 1} on are missing, or the chain was rewritten: it ends at row "
            f"{end} and the recorded head is not in it"
        )
        return _verdict(checked, end + 1, "record-missing", message, last_good)
    message = f"{checked} records verified: the chain is intact"
    return _verdict(checked, None, None, message, last_good)
