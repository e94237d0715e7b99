"""``EncryptingWriter``: a file object that encrypts what is written to it, for a validator that
already streams its input (encrypt while reading, with no second pass over the file).

It produces exactly the layout ``encrypt_stream`` does (see ``container``).
"""

from __future__ import annotations

import hashlib
import io
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

from lgrshare.domain.crypto.container import (
    DEFAULT_CHUNK_SIZE,
    TAG_BYTES,
    EncryptResult,
    new_cipher,
    write_all,
)
from lgrshare.domain.crypto.errors import EncryptionAborted

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class EncryptingWriter(io.RawIOBase):
    """A write-only file object that encrypts what is written to it into ``dst``.

    ``close()`` seals the final chunk and makes ``result`` available; ``dst`` is not closed.
    Only an explicit ``close()`` (or leaving a ``with`` block without an exception) completes
    the container: ``abort()``, an exception in the ``with`` block, a failed write to ``dst``
    and garbage collection all leave it without a final chunk, so it reads as truncated rather
    than as a valid shorter file. A wrapper (``io.TextIOWrapper``, ``io.BufferedWriter``)
    closes what it wraps when it is closed or collected, so on failure call ``abort()`` on
    this writer before dropping the wrapper.

    Memory: up to one chunk is held back, since a full chunk is sealed only once more data
    shows it is not the last. ``write`` raises ``EncryptionAborted`` after a failed write.
    """

    def __init__(
        self,
        dst: BinaryIO,
        *,
        data_key: bytes,
        file_id: str,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        super().__init__()
        self._pending = bytearray()
        self._started = self._failed = False
        self._result: EncryptResult | None = None
        self._index = self._plaintext_bytes = self._ciphertext_bytes = 0
        self._digest = hashlib.sha256()
        self._dst = dst
        self._chunk_size = chunk_size
        self._chunks = new_cipher(data_key, file_id, chunk_size)
        self._sealed = bytearray(chunk_size + TAG_BYTES)

    def writable(self) -> bool:
        """Return True: this is a write-only stream."""
        return True

    def write(self, b: ReadableBuffer, /) -> int:
        """Encrypt ``b`` (sealing and writing every chunk known not to be the last); return
        ``len(b)``. Raises ``ValueError`` once closed, and the destination's ``OSError``."""
        if self.closed:
            raise ValueError("write to a closed EncryptingWriter")
        if self._failed:
            raise EncryptionAborted("an earlier write failed; the container must be discarded")
        data = memoryview(b).cast("B")
        size, position = len(data), 0
        if not size:
            return 0
        self._digest.update(data)
        self._plaintext_bytes += size
        pending = self._pending
        if pending:
            position = min(self._chunk_size - len(pending), size)
            pending += data[:position]
            if len(pending) == self._chunk_size and position < size:
                self._seal(pending, final=False)
                pending.clear()
        if not pending:
            while size - position > self._chunk_size:
                self._seal(data[position : position + self._chunk_size], final=False)
                position += self._chunk_size
            pending += data[position:]
        return size

    def close(self) -> None:
        """Seal the final chunk (an empty one if nothing was written) and close; ``dst`` stays
        open. Does nothing when already closed or aborted. Raises the destination's
        ``OSError`` (the container is then incomplete and ``result`` raises)."""
        if self.closed:
            return
        try:
            if not self._failed:
                self._seal(self._pending, final=True)
                self._pending.clear()
                self._result = EncryptResult(
                    plaintext_bytes=self._plaintext_bytes,
                    ciphertext_bytes=self._ciphertext_bytes,
                    plaintext_sha256=self._digest.hexdigest(),
                    chunks=self._index,
                )
        finally:
            super().close()

    def abort(self) -> None:
        """Close without sealing the final chunk: what was written will not verify."""
        self._failed = True
        self._pending.clear()
        super().close()

    @property
    def result(self) -> EncryptResult:
        """Return the ``EncryptResult`` of a completed container; raises ``EncryptionAborted``
        if it was aborted or failed, ``ValueError`` if it is still open."""
        if self._result is not None:
            return self._result
        if self._failed:
            raise EncryptionAborted("the container was not completed and must be discarded")
        raise ValueError("the EncryptingWriter is still open: close() it first")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def __del__(self) -> None:
        # io.IOBase.__del__ would close(), sealing a half-written file as complete.
        if not self.closed:
            self.abort()

    def _seal(self, plaintext: bytes | bytearray | memoryview, *, final: bool) -> None:
        if self._failed:
            raise EncryptionAborted("an earlier write failed; the container must be discarded")
        try:
            if not self._started:
                write_all(self._dst, memoryview(self._chunks.header))
                self._ciphertext_bytes += len(self._chunks.header)
                self._started = True
            sealed = memoryview(self._sealed)[: len(plaintext) + TAG_BYTES]
            self._chunks.aead.encrypt_into(
                self._chunks.nonce(self._index),
                plaintext,
                self._chunks.aad(self._index, final=final),
                sealed,
            )
            write_all(self._dst, sealed)
        except BaseException:
            self._failed = True
            raise
        self._index += 1
        self._ciphertext_bytes += len(sealed)
