"""KEK files: one line of standard base64 (44 characters, 32 random bytes), mode 0600.

Base64 rather than raw bytes, because secret stores, container orchestrators and editors move
text: a trailing newline or spaces around the line are ignored, where one stray byte in a raw
file would silently make a different (and refused) length.

Loading refuses a file that its group or others have any permission on (as ssh does for private
keys). Mount a Kubernetes secret with ``defaultMode: 0400``. The check is made on the opened
file (``fstat``), so it cannot be raced; symlinks are followed, as secret mounts use them.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from lgrshare.domain.crypto.errors import (
    KekFileExists,
    KekFileInsecure,
    KekFileInvalid,
    KekFileMissing,
)
from lgrshare.domain.crypto.keys import KEK_BYTES, Kek

KEK_FILE_MODE = 0o600
_MAX_FILE_BYTES = 4096
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def load_kek(path: str | os.PathLike[str]) -> Kek:
    """Return the KEK held in the file at ``path``.

    Raises ``KekFileMissing`` when it does not exist or cannot be opened, ``KekFileInsecure``
    when group or others have any permission on it, ``KekFileInvalid`` when it is not a regular
    file holding one base64 line of exactly 32 bytes. Messages never include the file's content.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise KekFileMissing(f"the key-encryption key file {path} does not exist") from None
    except OSError as error:
        raise KekFileMissing(
            f"the key-encryption key file {path} cannot be opened: {error.strerror}"
        ) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise KekFileInvalid(f"the key-encryption key file {path} is not a regular file")
        mode = stat.S_IMODE(status.st_mode)
        if mode & 0o077:
            raise KekFileInsecure(
                f"the key-encryption key file {path} has mode {mode:04o}: its group or others "
                f"can use it; make it private with `chmod 600 {path}`"
            )
        content = _read_limited(fd)
    finally:
        os.close(fd)
    return Kek(_decode(content, path))


def _read_limited(fd: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while size <= _MAX_FILE_BYTES:
        part = os.read(fd, _MAX_FILE_BYTES + 1 - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _decode(content: bytes, path: str | os.PathLike[str]) -> bytes:
    where = f"the key-encryption key file {path}"
    if len(content) > _MAX_FILE_BYTES:
        raise KekFileInvalid(f"{where} is too long to be a key")
    text = content.strip()
    if not text:
        raise KekFileInvalid(f"{where} is empty")
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KekFileInvalid(f"{where} is not one line of base64") from None
    if len(key) != KEK_BYTES:
        raise KekFileInvalid(f"{where} holds {len(key)} bytes, not {KEK_BYTES}")
    return key


def create_kek_file(path: str | os.PathLike[str]) -> Kek:
    """Create a new random KEK file at ``path`` (mode 0600, missing parents 0700); return it.

    The file appears whole or not at all: the key is written and fsynced to a private temporary
    file beside it, which is then hard-linked into place (``link`` never replaces an existing
    file, unlike ``rename``). Where the filesystem has no hard links the file is created with
    ``O_CREAT | O_EXCL`` directly. Raises ``KekFileExists`` if ``path`` exists, and
    ``OSError`` when the directory cannot be written.
    """
    target = Path(path)
    if os.path.lexists(target):
        raise KekFileExists(f"the key-encryption key file {target} already exists")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEK_BYTES)
    content = base64.b64encode(key) + b"\n"
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        _write_new(temporary, content)
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise KekFileExists(f"the key-encryption key file {target} already exists") from None
        except OSError:
            _write_new(target, content)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(target.parent)
    return Kek(key)


def _write_new(path: Path, content: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, KEK_FILE_MODE)
    except FileExistsError:
        raise KekFileExists(f"the key-encryption key file {path} already exists") from None
    try:
        os.fchmod(fd, KEK_FILE_MODE)  # the umask can only have removed bits; be exact
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_or_create_kek(path: str | os.PathLike[str]) -> Kek:
    """Return the KEK at ``path``, creating the file first when nothing is there (the embedded
    default's first run). Safe when several processes start at once: the losers of the
    creation race load the winner's file.

    Raises as ``load_kek`` (a path that exists but cannot be opened is never replaced), and
    ``OSError`` when the file cannot be created.
    """
    try:
        return load_kek(path)
    except KekFileMissing:
        if os.path.lexists(path):
            # Another process created it after our read failed: read it again (a path that
            # exists but cannot be opened still raises).
            return load_kek(path)
    try:
        return create_kek_file(path)
    except KekFileExists:
        return load_kek(path)
