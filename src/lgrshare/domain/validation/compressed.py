"""Compressed tables: a gzip file (``.csv.gz``) or a ZIP archive holding one table.

Told from the first bytes, never from the name (a workbook is a ZIP too: one holding
``xl/workbook.xml`` is left to the XLSX reader). The table is unpacked into an anonymous in-
memory file (a ZIP must hold one file, named ``.csv``, ``.tsv`` or ``.xlsx``), at most
``MAX_UNPACKED_BYTES``: a file that unpacks to more (a decompression bomb: a few kilobytes can
unpack to terabytes) is refused with a ``compression-error`` as soon as the limit is passed, so
memory and time stay bounded whatever the archive says of itself. So is a damaged archive, and a
ZIP holding no table or several.
"""

from __future__ import annotations

import gzip
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from lgrshare.domain.validation.unreadable import Unreadable, compression_error

MAX_UNPACKED_BYTES = 1024**3
_CHUNK = 1024 * 1024
_GZIP = b"\x1f\x8b"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# The names of the files a ZIP may hold, as a table.
_TABLES = (".csv", ".tsv", ".xlsx")


@contextmanager
def unpacked(
    path: Path, handle: BinaryIO, size: int, *, limit: int | None = None
) -> Iterator[tuple[Path, BinaryIO, int, dict[str, object]]]:
    """Yield the table in the file at ``path`` (open as ``handle``, ``size`` bytes): unpacked
    if it is compressed, else the file itself; and what the report says of the compression.

    Raises ``Unreadable`` (``compression-error``) for a damaged archive, a ZIP that is not one
    table, or one that unpacks to more than ``limit`` bytes (``MAX_UNPACKED_BYTES``).
    """
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    handle.seek(0)
    head = handle.read(4)
    handle.seek(0)
    stream: IO[bytes]
    if head.startswith(_GZIP):
        stream, kind, inner = gzip.GzipFile(fileobj=handle, mode="rb"), "gzip", None  # type: ignore[assignment]
    elif head.startswith(_ZIP) and (member := _zip_member(handle)) is not None:
        archive = zipfile.ZipFile(handle)
        stream, kind, inner = archive.open(member), "zip", member.filename
    else:
        yield path, handle, size, {}
        return
    fd = os.memfd_create("unpacked", os.MFD_CLOEXEC)
    try:
        with open(os.dup(fd), "w+b", closefd=True) as out:
            written = _copy(stream, out, kind=kind, limit=limit)
            out.seek(0)
            info: dict[str, object] = {"compression": kind, "unpacked_bytes": written}
            if inner is not None:
                info["inner_path"] = inner
            yield Path(f"/proc/self/fd/{fd}"), out, written, info
    finally:
        os.close(fd)


def _copy(stream: IO[bytes], out: BinaryIO, *, kind: str, limit: int) -> int:
    written = 0
    try:
        with stream:
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise compression_error(
                        f"The {kind} file unpacks to more than {limit / 1024**3:,.0f} GB, the "
                        "most a table may hold: it may be a decompression bomb, so it was not "
                        "read further. Send the table uncompressed, or split it."
                    )
                out.write(chunk)
    except Unreadable:
        raise
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise compression_error(
            f"The {kind} file is damaged and cannot be unpacked ({exc}). Compress the table "
            "again, or send it uncompressed."
        ) from exc
    if written == 0:
        raise compression_error(f"The {kind} file unpacks to nothing: it holds no table.")
    return written


def _zip_member(handle: BinaryIO) -> zipfile.ZipInfo | None:
    """Return the one table in the ZIP ``handle``, or None when it is a workbook (for the XLSX
    reader, or damaged: the XLSX reader says so). Raises ``Unreadable`` for an archive not
    holding exactly one file."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # a damaged archive, said by the XLSX reader (most ZIPs sent are workbooks)
    finally:
        handle.seek(0)
    names = {member.filename for member in members}
    if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
        return None
    files = [
        member
        for member in members
        if not member.is_dir() and not member.filename.startswith("__MACOSX/")
    ]
    tables = [member for member in files if member.filename.lower().endswith(_TABLES)]
    if not tables:
        return None  # no table at all: the XLSX reader says what the archive is not
    if len(files) != 1:
        listed = ", ".join(member.filename for member in files[:5])
        raise compression_error(
            f"The ZIP file holds {len(files):,} files{f' ({listed})' if listed else ''}; it must "
            "hold exactly one table (a CSV file)."
        )
    if files[0].flag_bits & 0x1:
        raise compression_error("The ZIP file is password-protected, so it cannot be read.")
    return files[0]
