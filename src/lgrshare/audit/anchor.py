"""The head anchor: the latest committed record's ``seq`` and ``hash``, kept outside the
database in ``LGRSHARE_AUDIT_HEAD_FILE`` (default ``<LGRSHARE_HOME>/audit-head``).

The chain on its own cannot show that its last rows were deleted, or that every row from some
point on was rewritten and re-hashed consistently: whoever can write the table can do both.
The anchor is written after each commit, and ``lgrshare audit verify`` checks the chain against
it (``verify_chain(anchor=...)``): the anchored row must still exist with the same hash. That
catches a truncated tail (``record-missing``) and a rewrite reaching back past the anchor
(``record-altered``) by someone with access to the database but not to the application
server's files. Someone with both can rewrite both: for that, copy the head that ``lgrshare
audit verify`` prints to somewhere neither reaches (the DPO's mailbox, a write-once log) and
check against it with ``--anchor SEQ:HASH``.

Writes only move the anchor forward. Two processes committing at once can leave it one record
behind the newest, which is still true of the chain, so it is checked as an anchor (rows may
follow it), never as the exact head. After deliberately resetting the database, delete it.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.conf import settings

from lgrshare.config import env_str
from lgrshare.domain.audit import ChainHead
from lgrshare.domain.errors import LgrShareError

HEAD_FILE = "LGRSHARE_AUDIT_HEAD_FILE"


class AuditAnchorInvalid(LgrShareError):
    """The anchor file exists but does not hold a head: it was damaged or tampered with."""

    code = "audit-anchor-invalid"
    title = "The audit head anchor is not valid"
    status = 500


def anchor_path() -> Path:
    """Return the anchor file's path (``LGRSHARE_AUDIT_HEAD_FILE`` or ``<home>/audit-head``)."""
    configured = env_str(HEAD_FILE, "").strip()
    return Path(configured).expanduser() if configured else Path(settings.HOME) / "audit-head"


def parse_head(text: str) -> ChainHead:
    """Return the head written as ``SEQ:HASH``; raises ``AuditAnchorInvalid`` otherwise."""
    seq, _, digest = text.strip().partition(":")
    if not seq.isdigit() or int(seq) < 1 or len(digest) != 64:
        raise AuditAnchorInvalid(f"{text.strip()!r} is not a head written as SEQ:HASH")
    try:
        int(digest, 16)
    except ValueError:
        raise AuditAnchorInvalid(f"{digest!r} is not a SHA-256 in hex") from None
    return ChainHead(seq=int(seq), hash=digest.lower())


def anchor_read() -> ChainHead | None:
    """Return the recorded head, or None when none was recorded yet.

    Raises ``AuditAnchorInvalid`` when the file exists but does not hold a head.
    """
    path = anchor_path()
    try:
        content = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise AuditAnchorInvalid(f"the audit head anchor {path} cannot be read: {error}") from None
    try:
        data = json.loads(content)
        return parse_head(f"{data['seq']}:{data['hash']}")
    except (ValueError, TypeError, KeyError):
        raise AuditAnchorInvalid(f"the audit head anchor {path} does not hold a head") from None


def anchor_write(head: ChainHead) -> None:
    """Record ``head`` unless the recorded one is already as far along; atomically (temporary
    file, fsync, rename). Raises ``OSError`` when the file cannot be written and
    ``AuditAnchorInvalid`` when the present one is damaged (it is never overwritten then)."""
    current = anchor_read()
    if current is not None and current.seq >= head.seq:
        return
    path = anchor_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    content = json.dumps({"seq": head.seq, "hash": head.hash}) + "\n"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
