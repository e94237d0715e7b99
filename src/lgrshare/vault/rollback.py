"""Delete a blob's file when the transaction that recorded it rolls back, and hold its lock
until that transaction ends.

Django has ``on_commit`` but no "on rollback". What it does on a rollback is drop the pending
commit hooks (``connection.run_on_commit``), and CPython frees a dropped hook at once. So the
guard is a commit hook with a finalizer: if the hook is freed without having run, *and* that
happens inside the connection's own ``rollback`` or ``savepoint_rollback``, the transaction
was undone and the file is deleted.

The second condition matters, as a hook is also dropped in two cases where the data may be
committed: after a commit, when an earlier hook raises and the rest are skipped; and when the
connection is closed because it died during COMMIT (the server may have committed). Deleting
then could lose a committed blob, so anything but a rollback we can see leaves the file.

If Django ever changes how rollbacks drop hooks, the guard stops deleting and degrades to what
it backs up: such a file is an orphan (already unreadable, as its data key lived only in the
rolled-back row) that ``lgrshare vault check --repair`` removes.

The write's lock (``storage.Held``) is released when the commit hook runs or is dropped, after
the deletion: until then ``vault check`` sees the file as being written, never as an orphan.
"""

from __future__ import annotations

import logging
import sys
import weakref
from types import FrameType
from typing import Any

from django.db import transaction

from lgrshare.vault.storage import Held, Storage

log = logging.getLogger(__name__)

_ROLLBACK_METHODS = frozenset({"rollback", "savepoint_rollback"})


class _Outcome:
    committed = False


def delete_on_rollback(
    *, storage: Storage, blob_id: str, held: Held | None = None, using: str | None = None
) -> None:
    """Arrange for ``blob_id`` to be deleted from ``storage`` if the current transaction (or
    the savepoint this is called in) rolls back, and for ``held`` (the write's lock) to be
    released when the transaction ends either way. Outside a transaction it only releases
    ``held``."""
    held = held or Held(None)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        held.release()
        return
    outcome = _Outcome()

    def committed() -> None:
        outcome.committed = True
        held.release()

    finalizer = weakref.finalize(committed, _discard, outcome, storage, blob_id, connection, held)
    # At interpreter exit the transaction is not committing any more, but nor is it a
    # rollback we saw: leave the file to repair rather than guess.
    finalizer.atexit = False
    connection.on_commit(committed, robust=True)


def _discard(
    outcome: _Outcome, storage: Storage, blob_id: str, connection: Any, held: Held
) -> None:
    try:
        if outcome.committed or not _inside_rollback(sys._getframe(1), connection):
            return
        storage.delete(blob_id)
    except OSError as error:  # a finalizer must not raise; repair will find the file
        log.warning("could not delete blob %s after a rollback: %s", blob_id, error)
    finally:
        held.release()


def _inside_rollback(frame: FrameType | None, connection: Any) -> bool:
    while frame is not None:
        if frame.f_code.co_name in _ROLLBACK_METHODS and frame.f_locals.get("self") is connection:
            return True
        frame = frame.f_back
    return False
