"""Where encrypted blobs live: a small interface, and the local filesystem behind it.

Only ciphertext ever reaches storage, named by the blob's id (a UUID). A write is atomic: the
container is written to a temporary file in the same directory (``<id>.<random>.tmp``),
fsynced, renamed to ``<id>``, and the directory fsynced, so a blob name always holds a whole
container. Whatever a crash leaves behind is a ``*.tmp`` file or a whole file without a row,
which ``lgrshare vault check --repair`` removes (see ``vault.services`` for how writes are tied
to the database transaction).

A write in progress is told from a crash's leftover by a lock, not by its age: the writer holds
an exclusive ``flock`` on the file from its creation, through the rename, until the row that
owns it is committed or rolled back (``write_locked`` hands the lock to the caller). The kernel
drops the lock when the writer's process dies, however it dies, so ``being_written`` is true
exactly while a live process may still commit the file.

The directory is flat: a UUID per file and at most a few hundred thousand files over a hub's
life is well within what ext4 and XFS list quickly. S3-compatible storage would implement the
same ``Storage`` protocol (``write_atomic`` as a single PUT).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar, cast

from lgrshare.vault.errors import BlobMissing
from lgrshare.vault.keys import vault_dir

T = TypeVar("T")
TEMPORARY_SUFFIX = ".tmp"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class Storage(Protocol):
    """What the vault needs from a place that keeps blobs."""

    def write_atomic(self, blob_id: str, write: Callable[[BinaryIO], T]) -> T:
        """Call ``write`` with a fresh file, then make it the blob ``blob_id``; return what
        ``write`` returned. On any failure nothing is left under ``blob_id``."""
        ...

    def write_locked(self, blob_id: str, write: Callable[[BinaryIO], T]) -> tuple[T, Held]:
        """As ``write_atomic``, but the blob stays marked as being written until the returned
        ``Held`` is released (when the row that owns it is committed or rolled back)."""
        ...

    def open(self, blob_id: str) -> BinaryIO:
        """Return the blob for reading; raises ``BlobMissing`` when there is none."""
        ...

    def exists(self, blob_id: str) -> bool:
        """Return whether the blob is stored."""
        ...

    def delete(self, name: str) -> bool:
        """Remove the blob or temporary file ``name``; return whether it was there."""
        ...

    def list_ids(self) -> Iterator[str]:
        """Yield the id of every stored blob (in no particular order)."""
        ...

    def list_temporary(self) -> Iterator[str]:
        """Yield the name of every temporary file a write left behind or is writing now."""
        ...

    def modified_at(self, name: str) -> datetime | None:
        """Return when a blob or temporary file was last written (UTC), None if it is gone."""
        ...

    def being_written(self, name: str) -> bool:
        """Return whether a live writer still holds the file ``name`` (a temporary file, or a
        blob whose row is not committed yet)."""
        ...


class Held:
    """A finished write's lock, kept until ``release`` (or until its process dies)."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    def release(self) -> None:
        """Drop the lock; idempotent."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _is_blob_id(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


class LocalStorage:
    """Blobs as files ``<root>/<id>`` (mode 0600) in a directory made with mode 0700."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        # Names come from our own UUIDs and listings; refuse anything that could leave root.
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / name

    def _ensure_root(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def write_atomic(self, blob_id: str, write: Callable[[BinaryIO], T]) -> T:
        """Write the blob (``write_locked``) and release its lock at once; return what
        ``write`` returned."""
        result, held = self.write_locked(blob_id, write)
        held.release()
        return result

    def write_locked(self, blob_id: str, write: Callable[[BinaryIO], T]) -> tuple[T, Held]:
        """Write through a temporary file, fsync it, rename it to ``blob_id`` and fsync the
        directory; return what ``write`` returned and the file's lock, still held. Raises
        ``FileExistsError`` if the blob exists, and whatever ``write`` or the filesystem raises
        (the temporary file is then removed and the lock dropped)."""
        if not _is_blob_id(blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        self._ensure_root()
        final = self._path(blob_id)
        temporary = self._path(f"{blob_id}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
        fd = os.open(temporary, _CREATE, 0o600)
        # Held on the open file, so it follows the file through the rename (module docstring).
        fcntl.flock(fd, fcntl.LOCK_EX)
        renamed = False
        try:
            # Unbuffered: the container is written in whole chunks already. The descriptor
            # stays open after the write, as it carries the lock.
            with os.fdopen(fd, "wb", buffering=0, closefd=False) as handle:
                result = write(cast(BinaryIO, handle))
                os.fsync(handle.fileno())
            if os.path.lexists(final):
                raise FileExistsError(f"blob {blob_id} already exists")
            os.rename(temporary, final)
            renamed = True
            _fsync_directory(self.root)
        except BaseException:
            temporary.unlink(missing_ok=True)
            if renamed:
                final.unlink(missing_ok=True)
            os.close(fd)
            raise
        return result, Held(fd)

    def open(self, blob_id: str) -> BinaryIO:
        """Return the blob's file for reading; raises ``BlobMissing`` when it is not there."""
        try:
            return self._path(blob_id).open("rb")
        except FileNotFoundError:
            raise BlobMissing(f"the file of blob {blob_id} is missing from the vault") from None

    def exists(self, blob_id: str) -> bool:
        """Return whether the blob's file is there."""
        return self._path(blob_id).is_file()

    def delete(self, name: str) -> bool:
        """Remove a blob or temporary file and fsync the directory; return whether it was
        there."""
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            return False
        _fsync_directory(self.root)
        return True

    def _names(self) -> Iterator[str]:
        try:
            with os.scandir(self.root) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False):
                        yield entry.name
        except FileNotFoundError:
            return

    def list_ids(self) -> Iterator[str]:
        """Yield the id of every blob file."""
        return (name for name in self._names() if _is_blob_id(name))

    def list_temporary(self) -> Iterator[str]:
        """Yield the name of every temporary file."""
        return (name for name in self._names() if name.endswith(TEMPORARY_SUFFIX))

    def being_written(self, name: str) -> bool:
        """Return whether a live writer holds the lock of the file ``name`` (a temporary file,
        or a blob whose row is not committed yet)."""
        try:
            fd = os.open(self._path(name), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def modified_at(self, name: str) -> datetime | None:
        """Return the file's modification time in UTC, or None when it is gone."""
        try:
            return datetime.fromtimestamp(self._path(name).stat().st_mtime, tz=UTC)
        except FileNotFoundError:
            return None


def _fsync_directory(directory: Path) -> None:
    # Makes a rename or unlink durable: without it a power cut can undo a committed blob's name.
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_storage() -> Storage:
    """Return the configured storage: the local directory ``LGRSHARE_VAULT_DIR``."""
    return LocalStorage(vault_dir())
