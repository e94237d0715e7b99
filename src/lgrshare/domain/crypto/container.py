"""The streaming container: a header, then AES-256-GCM chunks (format version 1).

Layout (integers big-endian)::

    header  magic b"LGRSHENC" (8) | version u8 (1) | chunk size u32 | base nonce (12)
            | file id length u16 | file id (UTF-8, 1..1024 bytes)
    chunk*  ciphertext (chunk size bytes; the last chunk may be shorter) | GCM tag (16)

Each chunk's associated data is ``header || chunk index u64 || final flag u8``. The whole header
is in every chunk's AAD, so the magic, version, chunk size, base nonce and file id are
authenticated by the first chunk that verifies. Every chunk but the last holds exactly
``chunk size`` plaintext bytes; the last holds 1..chunk size bytes, or 0 when the plaintext is
empty (an empty plaintext is one empty final chunk). A reader treats the last record in the
stream as final and every other as not, so each kind of tampering fails a tag:

- reordering, or splicing a chunk from another file: its index, header or key differs;
- dropping the final chunk, or cutting mid-chunk: the new last record was sealed as non-final
  (or is a stub shorter than a tag);
- appending after the final chunk: the real final chunk is no longer last, so it is checked as
  non-final and fails;
- a bit flip in the header fails its parse or every chunk; in a chunk or tag, that chunk;
- another file's key (or a destroyed one replaced by any other): chunk 0 fails.

A chunk's plaintext is released only after its tag verifies. Streaming means the chunks *before*
a failing one have already been released (they are authentic, but the stream is incomplete):
callers must treat an ``IntegrityError`` as "discard everything" (abort the HTTP response,
delete the temporary file). Memory is bounded by a few chunk-sized buffers.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lgrshare.domain.crypto.errors import CryptoArgumentError, IntegrityError

MAGIC = b"LGRSHENC"
VERSION = 1
DATA_KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
DEFAULT_CHUNK_SIZE = 1024 * 1024
MIN_CHUNK_SIZE = 1
# The header is read before anything is authenticated, so the chunk size it declares must be
# bounded: a tampered header can then cost at most a few buffers of this size.
MAX_CHUNK_SIZE = 16 * 1024 * 1024
MAX_FILE_ID_BYTES = 1024
_FIXED = struct.Struct(">8sBI12sH")  # magic, version, chunk size, base nonce, file id length
_POSITION = struct.Struct(">QB")  # chunk index, final flag


@dataclass(frozen=True, slots=True)
class EncryptResult:
    """What was written: plaintext and container sizes, the plaintext's SHA-256 (hex), and the
    number of chunks (at least 1)."""

    plaintext_bytes: int
    ciphertext_bytes: int
    plaintext_sha256: str
    chunks: int


@dataclass(frozen=True, slots=True)
class DecryptResult:
    """What was read and verified: plaintext and container sizes and the number of chunks."""

    plaintext_bytes: int
    ciphertext_bytes: int
    chunks: int


class ChunkCipher:
    """One container's cipher state: the AEAD, and each chunk's nonce and associated data."""

    def __init__(self, data_key: bytes, *, header: bytes, base_nonce: bytes) -> None:
        self.aead = AESGCM(data_key)
        self.header = header
        self._base = int.from_bytes(base_nonce, "big")

    def nonce(self, index: int) -> bytes:
        # base XOR index: XOR with a fixed value is a bijection, so distinct indices (< 2**64)
        # give distinct nonces under this file's key, with no counter-width limit on the number
        # of chunks. Keys are never shared between files, so uniqueness within a file is all
        # GCM needs; the random base is a second line of defence should a key ever be reused.
        return (self._base ^ index).to_bytes(NONCE_BYTES, "big")

    def aad(self, index: int, *, final: bool) -> bytes:
        return self.header + _POSITION.pack(index, final)


def _check_key(data_key: bytes) -> None:
    if not isinstance(data_key, bytes | bytearray) or len(data_key) != DATA_KEY_BYTES:
        raise CryptoArgumentError(f"a data key must be {DATA_KEY_BYTES} bytes")


def _file_id_bytes(file_id: str) -> bytes:
    raw = file_id.encode("utf-8") if isinstance(file_id, str) else b""
    if not 1 <= len(raw) <= MAX_FILE_ID_BYTES:
        raise CryptoArgumentError(f"a file id must be a string of 1 to {MAX_FILE_ID_BYTES} bytes")
    return raw


def new_cipher(data_key: bytes, file_id: str, chunk_size: int) -> ChunkCipher:
    """Return the cipher state of a new container, with a fresh random base nonce.

    Raises ``CryptoArgumentError`` for a bad key, file id or chunk size.
    """
    _check_key(data_key)
    raw_id = _file_id_bytes(file_id)
    if not isinstance(chunk_size, int) or not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise CryptoArgumentError(
            f"the chunk size must be {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE} bytes"
        )
    base_nonce = secrets.token_bytes(NONCE_BYTES)
    header = _FIXED.pack(MAGIC, VERSION, chunk_size, base_nonce, len(raw_id)) + raw_id
    return ChunkCipher(data_key, header=header, base_nonce=base_nonce)


def _fill(src: BinaryIO, buffer: bytearray) -> int:
    """Read into ``buffer`` until it is full or the source ends; return the bytes read."""
    view = memoryview(buffer)
    readinto = getattr(src, "readinto", None)
    filled = 0
    while filled < len(buffer):
        if readinto is not None:
            count = readinto(view[filled:])
        else:
            data = src.read(len(buffer) - filled)
            count = None if data is None else len(data)
            if count:
                view[filled : filled + count] = data
        if count is None:
            # A non-blocking stream says "nothing yet" with None; reading it as the end would
            # seal a truncated file as complete.
            raise CryptoArgumentError("non-blocking streams are not supported")
        if count == 0:
            break
        filled += count
    return filled


def _blocks(src: BinaryIO, size: int) -> Iterator[tuple[memoryview, bool]]:
    """Yield ``(block, is_last)``: ``size``-byte blocks of ``src``, the last 0..size bytes.

    Reads one block ahead to know which is last. A block's view is valid until the next one.
    """
    buffers = (bytearray(size), bytearray(size))
    current, filled = 0, _fill(src, buffers[0])
    while True:
        if filled < size:
            yield memoryview(buffers[current])[:filled], True
            return
        following = _fill(src, buffers[1 - current])
        yield memoryview(buffers[current]), following == 0
        if following == 0:
            return
        current, filled = 1 - current, following


def write_all(dst: BinaryIO, data: memoryview) -> None:
    """Write all of ``data`` to ``dst``, however many calls that takes."""
    # A raw stream may write less than asked; None (a file-like that returns nothing) is taken
    # as "all written", as a blocking destination is required.
    while data:
        written = dst.write(data)
        if written is None or written >= len(data):
            return
        data = data[written:]


def encrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    *,
    data_key: bytes,
    file_id: str,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EncryptResult:
    """Encrypt ``src`` to ``dst`` as a container, holding at most three chunks in memory.

    ``data_key`` must be a fresh key from ``new_data_key()`` used for this file only; ``file_id``
    is bound into every chunk and must be given again to read. Neither stream is closed.

    Returns an ``EncryptResult``. Raises ``CryptoArgumentError`` for a bad key, file id or
    chunk size, and lets the streams' ``OSError`` through (``dst`` is then incomplete, and will
    fail verification as truncated).
    """
    chunks = new_cipher(data_key, file_id, chunk_size)
    write_all(dst, memoryview(chunks.header))
    digest = hashlib.sha256()
    sealed = bytearray(chunk_size + TAG_BYTES)
    plaintext_bytes = ciphertext_bytes = 0
    count = 0
    for index, (block, last) in enumerate(_blocks(src, chunk_size)):
        digest.update(block)
        # encrypt_into needs a buffer of exactly the sealed size.
        out = memoryview(sealed)[: len(block) + TAG_BYTES]
        size = chunks.aead.encrypt_into(
            chunks.nonce(index), block, chunks.aad(index, final=last), out
        )
        write_all(dst, out)
        plaintext_bytes += len(block)
        ciphertext_bytes += size
        count = index + 1
    return EncryptResult(
        plaintext_bytes=plaintext_bytes,
        ciphertext_bytes=len(chunks.header) + ciphertext_bytes,
        plaintext_sha256=digest.hexdigest(),
        chunks=count,
    )


def _read_header(src: BinaryIO, *, data_key: bytes, file_id: str) -> tuple[ChunkCipher, int]:
    """Read and check the header; return the cipher state and the chunk size.

    Raises ``IntegrityError`` (chunk None) for a damaged header or another file's container.
    """
    _check_key(data_key)
    expected_id = _file_id_bytes(file_id)
    fixed = bytearray(_FIXED.size)
    if _fill(src, fixed) < _FIXED.size:
        raise IntegrityError("the container header is cut short")
    magic, version, chunk_size, base_nonce, id_length = _FIXED.unpack(fixed)
    if magic != MAGIC:
        raise IntegrityError("the data is not an LGR Share container (its magic is wrong)")
    if version != VERSION:
        raise IntegrityError(f"container version {version} is not readable (expected {VERSION})")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise IntegrityError("the container header declares an impossible chunk size")
    if not 1 <= id_length <= MAX_FILE_ID_BYTES:
        raise IntegrityError("the container header declares an impossible file id length")
    raw_id = bytearray(id_length)
    if _fill(src, raw_id) < id_length:
        raise IntegrityError("the container header is cut short")
    if raw_id != expected_id:
        raise IntegrityError("the container was written for another file id")
    header = bytes(fixed + raw_id)
    return ChunkCipher(data_key, header=header, base_nonce=base_nonce), chunk_size


def _failure(index: int, *, last: bool, length: int) -> IntegrityError:
    if length < TAG_BYTES:
        return IntegrityError(
            f"chunk {index} is cut short ({length} bytes): the container is truncated",
            chunk=index,
        )
    if last:
        return IntegrityError(
            f"chunk {index} (the last) failed authentication: the container was truncated, "
            "extended or altered, or the key or file id is wrong",
            chunk=index,
        )
    return IntegrityError(
        f"chunk {index} failed authentication: the container was altered, reordered or "
        "spliced, or the key or file id is wrong",
        chunk=index,
    )


def iter_decrypt(src: BinaryIO, *, data_key: bytes, file_id: str) -> Iterator[bytes]:
    """Check the header now and return an iterator of verified plaintext chunks.

    The iterator yields each non-empty chunk's plaintext only after its tag verifies, and
    raises ``IntegrityError`` (naming the chunk) at the first chunk that does not, including a
    missing final chunk; chunks already yielded are authentic but incomplete, so discard them.
    To fail before an HTTP response starts, take the first chunk before sending headers.

    Raises ``IntegrityError`` (chunk None) here for a damaged header or another file's
    container, and ``CryptoArgumentError`` for a bad key or file id.
    """
    chunks, chunk_size = _read_header(src, data_key=data_key, file_id=file_id)
    return _iter_plaintext(src, chunks, chunk_size)


def _iter_plaintext(src: BinaryIO, chunks: ChunkCipher, chunk_size: int) -> Iterator[bytes]:
    for index, (record, last) in enumerate(_blocks(src, chunk_size + TAG_BYTES)):
        if len(record) < TAG_BYTES:
            raise _failure(index, last=last, length=len(record))
        try:
            plaintext = chunks.aead.decrypt(
                chunks.nonce(index), record, chunks.aad(index, final=last)
            )
        except InvalidTag:
            raise _failure(index, last=last, length=len(record)) from None
        if plaintext:
            yield plaintext


def decrypt_stream(
    src: BinaryIO, dst: BinaryIO | None, *, data_key: bytes, file_id: str
) -> DecryptResult:
    """Decrypt and verify the container in ``src``, writing the plaintext to ``dst`` (or only
    verifying it when ``dst`` is None, as ``lgrshare vault check`` does).

    Each chunk is written only after it verifies. Returns a ``DecryptResult``. Raises
    ``IntegrityError`` naming the failing chunk (chunk None for the header): ``dst`` then holds
    a verified but incomplete prefix and must be discarded. Raises ``CryptoArgumentError`` for a
    bad key or file id.
    """
    chunks, chunk_size = _read_header(src, data_key=data_key, file_id=file_id)
    # decrypt_into writes plaintext before checking the tag, so this buffer is never released
    # on failure: only a verified prefix of it is ever written to dst.
    plaintext = bytearray(chunk_size)
    plaintext_bytes = ciphertext_bytes = count = 0
    for index, (record, last) in enumerate(_blocks(src, chunk_size + TAG_BYTES)):
        if len(record) < TAG_BYTES:
            raise _failure(index, last=last, length=len(record))
        out = memoryview(plaintext)[: len(record) - TAG_BYTES]
        try:
            size = chunks.aead.decrypt_into(
                chunks.nonce(index), record, chunks.aad(index, final=last), out
            )
        except InvalidTag:
            raise _failure(index, last=last, length=len(record)) from None
        if dst is not None:
            write_all(dst, out)
        plaintext_bytes += size
        ciphertext_bytes += len(record)
        count = index + 1
    return DecryptResult(
        plaintext_bytes=plaintext_bytes,
        ciphertext_bytes=len(chunks.header) + ciphertext_bytes,
        chunks=count,
    )
