"""``open_decrypted``: a container's verified plaintext as a read-only binary file object, for
code that wants a file rather than an iterator (Polars, ``zipfile``, ``shutil.copyfileobj``)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from lgrshare.domain.crypto.container import iter_decrypt

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class _ChunkReader(io.RawIOBase):
    """A raw, non-seekable stream over an iterator of verified plaintext chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readall(self) -> bytes:
        """Return the rest of the plaintext (one join, not a loop of small reads)."""
        rest = [bytes(self._current), *self._chunks]
        self._current = memoryview(b"")
        return b"".join(rest)

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        if not self._current:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._current = memoryview(chunk)
        target = memoryview(buffer).cast("B")
        count = min(len(target), len(self._current))
        target[:count] = self._current[:count]
        self._current = self._current[count:]
        return count


def open_decrypted(src: BinaryIO, *, data_key: bytes, file_id: str) -> io.BufferedReader:
    """Check the header now and return a buffered, read-only, non-seekable file of the
    container's plaintext. ``src`` is not closed when it is.

    Reads release only verified chunks and raise ``IntegrityError`` (naming the chunk) where
    ``iter_decrypt`` would; whatever was read before then is incomplete and must be discarded.
    Raises ``IntegrityError`` (chunk None) here for a damaged header or another file's
    container, ``CryptoArgumentError`` for a bad key or file id. Memory: about one chunk.

    Polars reads a file object like this one through Python, slowly (bench/crypto.py): give
    ``pl.read_csv`` bytes (``b"".join(iter_decrypt(...))``) or a decrypted temporary file.
    """
    chunks = iter_decrypt(src, data_key=data_key, file_id=file_id)
    return io.BufferedReader(_ChunkReader(chunks))
