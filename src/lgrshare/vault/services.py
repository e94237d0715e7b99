"""Use cases of the vault: store a stream encrypted, read it back verified, destroy it.

How a write is tied to the database transaction, so that a failure or a kill at any point
leaves either the whole blob or nothing (once ``lgrshare vault check --repair`` has run):

1. The data key is made and wrapped first, so a missing or insecure KEK fails before any I/O.
2. The source is encrypted while it streams into a temporary file, which is fsynced and renamed
   to the blob's name (``Storage.write_locked``). A kill here leaves a ``*.tmp`` file. The
   file's lock is held from its creation until the transaction ends (step 4).
3. The row is inserted in the caller's transaction. A kill before the commit leaves a whole
   file with no row: an orphan, already unreadable because its data key was only in the row.
4. On a rollback the file is deleted at once (``vault.rollback``); if this process dies first,
   repair deletes it. On commit the file is already durable, so a committed row never points
   at a file that a crash can take away (renaming only after the commit would leave that
   window, and need repair to roll forward).

Repair must not mistake an upload in flight for an orphan: it leaves alone a file whose lock a
live process holds, whatever its age, and removes any other (``vault.integrity``). The whole
upload runs in the caller's transaction; on SQLite that holds the write lock while the file
encrypts, so call ``blob_store`` before any slow work that does not need the lock, or accept
that uploads are serialised.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from lgrshare.domain.crypto import (
    WrappedKey,
    decrypt_stream,
    encrypt_stream,
    iter_decrypt,
    new_data_key,
    unwrap_key,
    wrap_key,
)
from lgrshare.vault.errors import BlobDestroyed, BlobLost
from lgrshare.vault.keys import current_kek, keyring
from lgrshare.vault.models import Blob
from lgrshare.vault.rollback import delete_on_rollback
from lgrshare.vault.storage import Storage, default_storage


def blob_store(*, source: BinaryIO, storage: Storage | None = None) -> Blob:
    """Encrypt ``source`` (read to its end, not closed) into a new blob; return its row.

    Call it inside the transaction that records what the blob is for: if that transaction
    rolls back, the file is deleted. Raises the KEK's ``ConfigurationError`` (before anything
    is written), the source's or the filesystem's ``OSError``, and database errors; in each
    case no blob remains (at worst, after a crash or a connection lost during COMMIT, an
    orphan file that repair removes).
    """
    store = storage or default_storage()
    blob = Blob()
    data_key = new_data_key()
    blob.wrapped_key = wrap_key(data_key, current_kek()).to_str()
    result, held = store.write_locked(
        blob.file_id,
        lambda dst: encrypt_stream(source, dst, data_key=data_key, file_id=blob.file_id),
    )
    blob.plaintext_bytes = result.plaintext_bytes
    blob.ciphertext_bytes = result.ciphertext_bytes
    blob.plaintext_sha256 = result.plaintext_sha256
    with transaction.atomic():
        try:
            blob.save(force_insert=True)
        except BaseException:
            store.delete(blob.file_id)
            held.release()
            raise
        delete_on_rollback(storage=store, blob_id=blob.file_id, held=held)
    return blob


def _data_key(blob: Blob) -> bytes:
    if blob.destroyed_at is not None or not blob.wrapped_key:
        raise BlobDestroyed(f"blob {blob.id} was destroyed: its data can no longer be read")
    if blob.lost_at is not None:
        raise BlobLost(f"the file of blob {blob.id} was recorded lost on {blob.lost_at:%d %B %Y}")
    return unwrap_key(WrappedKey.from_str(blob.wrapped_key), keyring())


def blob_open(*, blob: Blob, storage: Storage | None = None) -> Iterator[bytes]:
    """Return an iterator of the blob's plaintext chunks, each released only once verified.

    The header is checked now. Raises ``BlobDestroyed``, ``BlobLost``, ``BlobMissing``, the
    key errors (``kek-unknown``, ``key-unwrap-failed``, ``wrapped-key-invalid``) and
    ``IntegrityError`` for a damaged header. The iterator raises ``IntegrityError`` at the
    first chunk that fails: what it yielded before is authentic but incomplete, so discard it
    (an HTTP response must be aborted). The file closes when the iterator ends or is dropped.
    """
    data_key = _data_key(blob)
    handle = (storage or default_storage()).open(blob.file_id)
    try:
        chunks = iter_decrypt(handle, data_key=data_key, file_id=blob.file_id)
    except BaseException:
        handle.close()
        raise
    return _closing(handle, chunks)


def _closing(handle: BinaryIO, chunks: Iterator[bytes]) -> Iterator[bytes]:
    with handle:
        yield from chunks


def blob_seal(*, blob: Blob, data: bytes, purpose: str) -> str:
    """Encrypt ``data`` derived from ``blob`` (its report, its profile) under the blob's own
    data key; return the sealed text to keep in the database (base64 of a container whose file
    id is ``<blob id>/<purpose>``). Destroying the blob destroys this too: nothing derived from
    a file outlives its key.

    Each container draws a random 96-bit base nonce, so the few containers sealed under one
    data key never share a nonce (far below the 2**32 random nonces a GCM key allows).
    Raises as ``blob_open`` for a destroyed or lost blob and for key errors.
    """
    data_key = _data_key(blob)
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, data_key=data_key, file_id=f"{blob.file_id}/{purpose}")
    return base64.b64encode(out.getvalue()).decode("ascii")


def blob_unseal(*, blob: Blob, sealed: str, purpose: str) -> bytes:
    """Return what ``blob_seal`` sealed, verified. Raises ``BlobDestroyed`` once the blob's key
    is destroyed, ``BlobLost`` and the key errors as ``blob_open``, and ``IntegrityError`` when
    the sealed text was altered or belongs to another blob or purpose."""
    data_key = _data_key(blob)
    out = io.BytesIO()
    decrypt_stream(
        io.BytesIO(base64.b64decode(sealed)),
        out,
        data_key=data_key,
        file_id=f"{blob.file_id}/{purpose}",
    )
    return out.getvalue()


def blob_read_bytes(*, blob: Blob, storage: Storage | None = None) -> bytes:
    """Return the blob's whole plaintext, verified: never a part. Raises as ``blob_open``."""
    return b"".join(blob_open(blob=blob, storage=storage))


@transaction.atomic
def blob_destroy(*, blob: Blob, storage: Storage | None = None) -> Blob:
    """Destroy the blob's data key and delete its file (crypto-shredding); return the row,
    which stays with ``destroyed_at`` set. Idempotent.

    The key goes in this transaction; the file is deleted after the commit. A rollback keeps
    both, and a crash after the commit leaves a file that no key opens, which repair removes.
    Database backups still hold the wrapped key until they expire.
    """
    locked = Blob.objects.select_for_update().get(pk=blob.pk)
    if locked.destroyed_at is None:
        locked.wrapped_key = ""
        locked.destroyed_at = timezone.now()
        locked.save(update_fields=["wrapped_key", "destroyed_at"])
        store = storage or default_storage()
        transaction.on_commit(lambda: store.delete(locked.file_id), robust=True)
    blob.wrapped_key, blob.destroyed_at = locked.wrapped_key, locked.destroyed_at
    return locked
