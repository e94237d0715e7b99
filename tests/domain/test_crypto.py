"""The encrypted container, key wrapping and KEK files (lgrshare.domain.crypto).

Every tampering case must end in ``integrity-error`` naming the chunk, and never in plaintext
that differs from what was written.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from lgrshare.domain.crypto import (
    DEFAULT_CHUNK_SIZE,
    CryptoArgumentError,
    EncryptingWriter,
    EncryptionAborted,
    IntegrityError,
    Kek,
    KekFileExists,
    KekFileInsecure,
    KekFileInvalid,
    KekFileMissing,
    KekUnknown,
    Keyring,
    KeyUnwrapFailed,
    WrappedKey,
    WrappedKeyInvalid,
    create_kek_file,
    decrypt_stream,
    encrypt_stream,
    iter_decrypt,
    kekfile,
    load_kek,
    load_or_create_kek,
    new_data_key,
    open_decrypted,
    rewrap,
    rewrap_to_current,
    unwrap_key,
    wrap_key,
)
from lgrshare.domain.errors import ConfigurationError, LgrShareError

KEY = bytes(range(32))
FILE_ID = "5b0c1d1e-8f6a-4c52-9d43-2b7f0e4a6c11"
CHUNK = 16
TAG = 16
HEADER = 27 + len(FILE_ID)
PLAINTEXT = bytes(range(256)) * 2 + b"tail"  # 516 bytes: 32 full chunks and a short one


def seal(
    plaintext: bytes, *, key: bytes = KEY, file_id: str = FILE_ID, chunk_size: int = CHUNK
) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), out, data_key=key, file_id=file_id, chunk_size=chunk_size)
    return out.getvalue()


def unseal(container: bytes, *, key: bytes = KEY, file_id: str = FILE_ID) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(container), out, data_key=key, file_id=file_id)
    return out.getvalue()


def split(container: bytes, header: int = HEADER, chunk_size: int = CHUNK) -> list[bytes]:
    body = container[header:]
    size = chunk_size + TAG
    return [body[i : i + size] for i in range(0, len(body), size)]


def assert_refused(container: bytes, *, chunk: int | None, key: bytes = KEY) -> IntegrityError:
    """Both read paths refuse, name the chunk, and release only verified plaintext."""
    with pytest.raises(IntegrityError) as caught:
        unseal(container, key=key)
    error = caught.value
    assert error.code == "integrity-error"
    assert error.chunk == chunk
    if chunk is not None:
        assert f"chunk {chunk}" in error.message
    released: list[bytes] = []
    with pytest.raises(IntegrityError) as again:
        drain(iter_decrypt(io.BytesIO(container), data_key=key, file_id=FILE_ID), released)
    assert again.value.chunk == chunk
    assert PLAINTEXT.startswith(b"".join(released))
    return error


def drain(pieces: Iterator[bytes], into: list[bytes]) -> None:
    """Collect what an iterator releases, up to the error it raises."""
    for piece in pieces:
        into.append(piece)


# Round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_round_trip_at_every_chunk_boundary(size):
    plaintext = os.urandom(size)
    out = io.BytesIO()
    result = encrypt_stream(
        io.BytesIO(plaintext), out, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK
    )
    container = out.getvalue()
    chunks = max(1, -(-size // CHUNK))
    assert result.plaintext_bytes == size
    assert result.ciphertext_bytes == len(container) == HEADER + size + chunks * TAG
    assert result.chunks == chunks
    assert result.plaintext_sha256 == hashlib.sha256(plaintext).hexdigest()
    assert unseal(container) == plaintext
    iterated = list(iter_decrypt(io.BytesIO(container), data_key=KEY, file_id=FILE_ID))
    assert b"".join(iterated) == plaintext
    assert all(iterated)  # no empty pieces
    verified = decrypt_stream(io.BytesIO(container), None, data_key=KEY, file_id=FILE_ID)
    assert (verified.plaintext_bytes, verified.ciphertext_bytes) == (size, len(container))
    assert verified.chunks == chunks


def test_empty_plaintext_is_one_empty_final_chunk():
    container = seal(b"")
    assert len(container) == HEADER + TAG
    assert unseal(container) == b""
    assert list(iter_decrypt(io.BytesIO(container), data_key=KEY, file_id=FILE_ID)) == []


def test_default_chunk_size_round_trip():
    plaintext = os.urandom(2 * DEFAULT_CHUNK_SIZE + 12345)
    out = io.BytesIO()
    result = encrypt_stream(io.BytesIO(plaintext), out, data_key=KEY, file_id=FILE_ID)
    assert result.chunks == 3
    assert unseal(out.getvalue()) == plaintext


def test_the_same_plaintext_encrypts_differently_each_time():
    assert seal(PLAINTEXT) != seal(PLAINTEXT)


def test_open_decrypted_reads_like_a_file():
    container = seal(PLAINTEXT)
    with open_decrypted(io.BytesIO(container), data_key=KEY, file_id=FILE_ID) as plain:
        assert plain.read(5) == PLAINTEXT[:5]
        assert plain.read(40) == PLAINTEXT[5:45]
        assert plain.read() == PLAINTEXT[45:]
        assert plain.read() == b""
    empty = open_decrypted(io.BytesIO(seal(b"")), data_key=KEY, file_id=FILE_ID)
    assert empty.read() == b""


def test_open_decrypted_refuses_a_tampered_container():
    with pytest.raises(IntegrityError):
        open_decrypted(io.BytesIO(b"LGRS"), data_key=KEY, file_id=FILE_ID)
    container = seal(PLAINTEXT)
    cut = container[: -(len(PLAINTEXT) % CHUNK + TAG)]  # without its final chunk
    plain = open_decrypted(io.BytesIO(cut), data_key=KEY, file_id=FILE_ID)
    with pytest.raises(IntegrityError) as caught:
        plain.read()
    assert caught.value.chunk == 31


class Trickle(io.RawIOBase):
    """A raw stream that reads and writes at most 7 bytes a call, as raw streams may."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__()
        self.data, self.written = io.BytesIO(data), bytearray()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        piece = self.data.read(min(7, len(buffer)))
        buffer[: len(piece)] = piece
        return len(piece)

    def write(self, b) -> int:
        piece = bytes(b[:7])
        self.written += piece
        return len(piece)


def test_short_reads_and_short_writes_are_completed():
    sink = Trickle()
    encrypt_stream(Trickle(PLAINTEXT), sink, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)
    plain = Trickle()
    decrypt_stream(Trickle(bytes(sink.written)), plain, data_key=KEY, file_id=FILE_ID)
    assert bytes(plain.written) == PLAINTEXT


class ReadOnly:
    """A file-like with read() only (no readinto)."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self.data.read(min(size, 5))


def test_sources_without_readinto_are_read():
    container = io.BytesIO()
    encrypt_stream(ReadOnly(PLAINTEXT), container, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)
    assert unseal(container.getvalue()) == PLAINTEXT


class NonBlocking(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer):
        return None


def test_a_non_blocking_source_is_refused_rather_than_sealed_as_complete():
    with pytest.raises(CryptoArgumentError) as caught:
        encrypt_stream(NonBlocking(), io.BytesIO(), data_key=KEY, file_id=FILE_ID)
    assert caught.value.code == "crypto-argument-invalid"


@pytest.mark.parametrize(
    "arguments",
    [
        {"data_key": b"short"},
        {"data_key": "x" * 32},
        {"file_id": ""},
        {"file_id": "x" * 1025},
        {"chunk_size": 0},
        {"chunk_size": 16 * 1024 * 1024 + 1},
    ],
)
def test_unusable_arguments_are_refused(arguments):
    options = {"data_key": KEY, "file_id": FILE_ID, "chunk_size": CHUNK, **arguments}
    with pytest.raises(CryptoArgumentError):
        encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), **options)


# The encrypting writer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pieces", [[516], [1] * 516, [15, 1, 16, 17, 100, 0, 367], [16] * 32 + [4]]
)
def test_writer_output_reads_back_whatever_the_write_sizes(pieces):
    out = io.BytesIO()
    with EncryptingWriter(out, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK) as writer:
        position = 0
        for size in pieces:
            assert writer.write(memoryview(PLAINTEXT)[position : position + size]) == size
            position += size
    container = out.getvalue()
    assert writer.result.plaintext_bytes == len(PLAINTEXT)
    assert writer.result.ciphertext_bytes == len(container) == len(seal(PLAINTEXT))
    assert writer.result.chunks == 33
    assert writer.result.plaintext_sha256 == hashlib.sha256(PLAINTEXT).hexdigest()
    assert unseal(container) == PLAINTEXT


@pytest.mark.parametrize("size", [0, CHUNK, 2 * CHUNK])
def test_writer_seals_a_full_last_chunk_as_final(size):
    out = io.BytesIO()
    writer = EncryptingWriter(out, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)
    writer.write(PLAINTEXT[:size])
    writer.close()
    assert len(out.getvalue()) == len(seal(PLAINTEXT[:size]))
    assert unseal(out.getvalue()) == PLAINTEXT[:size]


def test_writer_works_under_a_text_wrapper():
    out = io.BytesIO()
    writer = EncryptingWriter(out, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)
    with io.TextIOWrapper(writer, encoding="utf-8", newline="") as text:
        text.write("gss_code,name\nE07000209,Guildford\n")
    assert unseal(out.getvalue()) == b"gss_code,name\nE07000209,Guildford\n"


def test_an_exception_in_the_with_block_leaves_an_unreadable_container():
    out = io.BytesIO()
    writer = EncryptingWriter(out, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)

    def validate_and_fail() -> None:
        with writer:
            writer.write(PLAINTEXT[:100])
            raise RuntimeError("the validator failed")

    with pytest.raises(RuntimeError):
        validate_and_fail()
    with pytest.raises(EncryptionAborted) as caught:
        writer.result  # noqa: B018
    assert caught.value.code == "encryption-aborted"
    with pytest.raises(IntegrityError):
        unseal(out.getvalue())


def test_a_writer_dropped_without_close_is_not_sealed():
    out = io.BytesIO()
    writer = EncryptingWriter(out, data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)
    writer.write(PLAINTEXT)
    del writer
    gc.collect()
    with pytest.raises(IntegrityError):
        unseal(out.getvalue())


def test_abort_before_any_write_leaves_nothing_readable():
    out = io.BytesIO()
    writer = EncryptingWriter(out, data_key=KEY, file_id=FILE_ID)
    writer.abort()
    assert writer.closed
    with pytest.raises(IntegrityError) as caught:
        unseal(out.getvalue())
    assert caught.value.chunk is None


class FailingSink(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        raise OSError("disk full")


def test_a_failed_write_to_the_destination_cannot_be_sealed_later():
    writer = EncryptingWriter(FailingSink(), data_key=KEY, file_id=FILE_ID, chunk_size=CHUNK)
    with pytest.raises(OSError, match="disk full"):
        writer.write(PLAINTEXT)
    with pytest.raises(EncryptionAborted):
        writer.write(b"more")
    writer.close()
    with pytest.raises(EncryptionAborted):
        writer.result  # noqa: B018


def test_writer_close_is_idempotent_and_write_after_close_fails():
    out = io.BytesIO()
    writer = EncryptingWriter(out, data_key=KEY, file_id=FILE_ID)
    writer.write(b"abc")
    writer.close()
    writer.close()
    assert unseal(out.getvalue()) == b"abc"
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"more")


def test_a_writer_with_bad_arguments_fails_cleanly():
    with pytest.raises(CryptoArgumentError):
        EncryptingWriter(io.BytesIO(), data_key=b"short", file_id=FILE_ID)
    gc.collect()  # its finaliser must not fail either (pytest reports unraisable errors)


def test_writer_result_before_close_is_an_error():
    writer = EncryptingWriter(io.BytesIO(), data_key=KEY, file_id=FILE_ID)
    with pytest.raises(ValueError, match="still open"):
        writer.result  # noqa: B018
    writer.abort()


# Tampering -----------------------------------------------------------------------------------

_CONTAINER = seal(PLAINTEXT)  # the container the tampering tests cut up


def seal_header() -> bytes:
    return _CONTAINER[:HEADER]


def test_every_single_bit_flip_is_detected():
    container = seal(PLAINTEXT[:40])
    for position in range(len(container)):
        for bit in (0x01, 0x80):
            tampered = bytearray(container)
            tampered[position] ^= bit
            with pytest.raises(IntegrityError):
                unseal(bytes(tampered))


def test_a_flip_in_the_header_fails_the_header_or_the_first_chunk():
    container = seal(PLAINTEXT)
    for position in range(HEADER):
        tampered = bytearray(container)
        tampered[position] ^= 0x04
        with pytest.raises(IntegrityError) as caught:
            unseal(bytes(tampered))
        assert caught.value.chunk in (None, 0)
    magic = bytearray(container)
    magic[0] ^= 0x01
    assert assert_refused(bytes(magic), chunk=None).message.endswith("(its magic is wrong)")


@pytest.mark.parametrize("chunk", [0, 5, 32])
@pytest.mark.parametrize("where", ["ciphertext", "tag"])
def test_a_flip_in_a_chunk_names_that_chunk(chunk, where):
    records = split(_CONTAINER)
    record = bytearray(records[chunk])
    record[0 if where == "ciphertext" else -1] ^= 0x01
    records[chunk] = bytes(record)
    assert_refused(seal_header() + b"".join(records), chunk=chunk)


def test_swapped_chunks_are_detected():
    records = split(_CONTAINER)
    records[3], records[4] = records[4], records[3]
    assert_refused(seal_header() + b"".join(records), chunk=3)


def test_a_repeated_chunk_is_detected():
    records = split(_CONTAINER)
    records[2] = records[1]
    assert_refused(seal_header() + b"".join(records), chunk=2)


def test_dropping_the_final_chunk_is_detected_as_truncation():
    records = split(_CONTAINER)
    error = assert_refused(seal_header() + b"".join(records[:-1]), chunk=31)
    assert "the last" in error.message


def test_dropping_a_whole_number_of_full_chunks_from_a_full_final_chunk_file_is_detected():
    container = seal(PLAINTEXT[: 4 * CHUNK])
    records = split(container)
    assert len(records) == 4
    assert_refused(container[:HEADER] + b"".join(records[:3]), chunk=2)


def test_every_truncation_is_detected():
    container = seal(PLAINTEXT[:50])
    for length in range(len(container)):
        with pytest.raises(IntegrityError):
            unseal(container[:length])


def test_cutting_inside_a_tag_names_the_chunk():
    error = assert_refused(_CONTAINER[: HEADER + 2 * (CHUNK + TAG) + 5], chunk=2)
    assert "cut short" in error.message


def test_a_container_cut_after_its_header_is_refused():
    assert "cut short" in assert_refused(_CONTAINER[:HEADER], chunk=0).message


@pytest.mark.parametrize("extra", [b"\x00", b"x" * TAG, b"x" * (CHUNK + TAG)])
def test_appending_after_the_final_chunk_is_detected(extra):
    assert_refused(_CONTAINER + extra, chunk=32)


def test_appending_a_copy_of_the_final_chunk_is_detected():
    records = split(_CONTAINER)
    assert_refused(_CONTAINER + records[-1], chunk=32)


def test_a_full_final_chunk_followed_by_appended_data_is_detected():
    container = seal(PLAINTEXT[: 2 * CHUNK])
    with pytest.raises(IntegrityError) as caught:
        unseal(container + split(container)[0])
    assert caught.value.chunk == 1


def test_a_chunk_spliced_from_another_file_with_the_same_key_and_id_is_detected():
    # The worst case (a reused key and the same file id): the base nonce still differs.
    other = split(seal(PLAINTEXT))
    records = split(_CONTAINER)
    records[7] = other[7]
    assert_refused(seal_header() + b"".join(records), chunk=7)


def test_another_files_header_on_these_chunks_is_detected():
    other_header = seal(PLAINTEXT)[:HEADER]
    assert_refused(other_header + _CONTAINER[HEADER:], chunk=0)


def test_another_files_key_is_detected_at_the_first_chunk():
    assert_refused(_CONTAINER, chunk=0, key=new_data_key())


def test_a_container_asked_for_under_another_file_id_is_refused():
    with pytest.raises(IntegrityError) as caught:
        unseal(_CONTAINER, file_id="another-file")
    assert caught.value.chunk is None
    assert "another file id" in caught.value.message


def test_iter_decrypt_checks_the_header_before_returning():
    with pytest.raises(IntegrityError):
        iter_decrypt(io.BytesIO(b"not a container at all"), data_key=KEY, file_id=FILE_ID)


def test_a_tampered_chunk_releases_only_the_verified_chunks_before_it():
    records = split(_CONTAINER)
    records[2] = records[2][:-1] + bytes([records[2][-1] ^ 1])
    released: list[bytes] = []
    pieces = iter_decrypt(
        io.BytesIO(seal_header() + b"".join(records)), data_key=KEY, file_id=FILE_ID
    )
    with pytest.raises(IntegrityError):
        drain(pieces, released)
    assert released == [PLAINTEXT[:CHUNK], PLAINTEXT[CHUNK : 2 * CHUNK]]


def test_a_header_declaring_a_huge_chunk_size_is_refused_before_allocating():
    tampered = bytearray(_CONTAINER)
    tampered[9:13] = (2**32 - 1).to_bytes(4, "big")
    assert "impossible chunk size" in assert_refused(bytes(tampered), chunk=None).message


# Crypto-shredding ----------------------------------------------------------------------------


def test_once_the_data_key_is_destroyed_no_other_key_opens_the_container():
    data_key = new_data_key()
    kek = Kek(os.urandom(32))
    container = seal(PLAINTEXT, key=data_key)
    wrapped = wrap_key(data_key, kek)
    del data_key, wrapped  # the row holding the wrapped key is deleted
    for candidate in (new_data_key(), kek.key, KEY, bytes(32)):
        assert_refused(container, chunk=0, key=candidate)


# Keys and wrapping ---------------------------------------------------------------------------


def test_new_data_keys_are_256_bit_and_distinct():
    keys = {new_data_key() for _ in range(100)}
    assert len(keys) == 100
    assert {len(key) for key in keys} == {32}


def test_wrap_and_unwrap_round_trip_through_a_database_string():
    kek, data_key = Kek(os.urandom(32)), new_data_key()
    text = wrap_key(data_key, kek).to_str()
    assert text.isascii()
    assert len(text) == 77
    assert text.startswith(f"kw1:{kek.kek_id}:")
    wrapped = WrappedKey.from_str(text)
    assert unwrap_key(wrapped, Keyring(current=kek)) == data_key


def test_the_kek_id_is_stable_and_the_key_never_shows_in_a_repr():
    kek = Kek(bytes(32))
    assert kek.kek_id == Kek(bytes(32)).kek_id
    assert len(kek.kek_id) == 16
    assert kek.kek_id != Kek(bytes(31) + b"\x01").kek_id
    assert repr(kek) == f"Kek(kek_id={kek.kek_id!r})"
    wrapped = wrap_key(KEY, kek)
    assert KEY.hex() not in repr(wrapped) + wrapped.to_str()


def test_unwrap_with_a_keyring_lacking_the_kek_is_kek_unknown():
    wrapped = wrap_key(KEY, Kek(os.urandom(32)))
    with pytest.raises(KekUnknown) as caught:
        unwrap_key(wrapped, Keyring(current=Kek(os.urandom(32))))
    assert caught.value.code == "kek-unknown"


def test_an_altered_wrapped_key_fails_to_unwrap():
    kek = Kek(os.urandom(32))
    wrapped = wrap_key(KEY, kek)
    for position in range(len(wrapped.wrapped)):
        altered = bytearray(wrapped.wrapped)
        altered[position] ^= 0x01
        with pytest.raises(KeyUnwrapFailed) as caught:
            unwrap_key(WrappedKey(kek.kek_id, bytes(altered)), Keyring(current=kek))
        assert caught.value.code == "key-unwrap-failed"


def test_a_record_claiming_another_keks_id_fails_to_unwrap():
    wrapped_by_a = wrap_key(KEY, Kek(os.urandom(32)))
    b = Kek(os.urandom(32))
    with pytest.raises(KeyUnwrapFailed):
        unwrap_key(WrappedKey(b.kek_id, wrapped_by_a.wrapped), Keyring(current=b))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "kw1",
        "kw2:0123456789abcdef:" + "A" * 56,
        "kw1:0123456789ABCDEF:" + "A" * 56,
        "kw1:0123456789abcdef:" + "A" * 52,
        "kw1:0123456789abcdef:" + "!" * 56,
        "kw1:0123456789abcdef:" + "A" * 56 + ":x",
    ],
)
def test_a_garbled_wrapped_key_record_is_refused(text):
    with pytest.raises(WrappedKeyInvalid) as caught:
        WrappedKey.from_str(text)
    assert caught.value.code == "wrapped-key-invalid"


def test_rotation_rewraps_the_data_key_without_touching_the_data():
    old, new = Kek(os.urandom(32)), Kek(os.urandom(32))
    data_key = new_data_key()
    container = seal(PLAINTEXT, key=data_key)
    rotated = rewrap(wrap_key(data_key, old), old, new)
    assert rotated.kek_id == new.kek_id
    key = unwrap_key(rotated, Keyring(current=new))
    assert unseal(container, key=key) == PLAINTEXT
    with pytest.raises(KekUnknown):
        unwrap_key(rotated, Keyring(current=old))


def test_rewrap_with_the_wrong_old_kek_is_kek_unknown():
    wrapped = wrap_key(KEY, Kek(os.urandom(32)))
    with pytest.raises(KekUnknown):
        rewrap(wrapped, Kek(os.urandom(32)), Kek(os.urandom(32)))


def test_a_keyring_unwraps_with_previous_keks_and_rotates_to_the_current_one():
    old, new = Kek(os.urandom(32)), Kek(os.urandom(32))
    keyring = Keyring(current=new, previous=(old,))
    wrapped = wrap_key(KEY, old)
    assert not keyring.is_current(wrapped)
    assert unwrap_key(wrapped, keyring) == KEY
    rotated = rewrap_to_current(wrapped, keyring)
    assert keyring.is_current(rotated)
    assert rewrap_to_current(rotated, keyring) is rotated
    assert unwrap_key(rotated, Keyring(current=new)) == KEY


@pytest.mark.parametrize("key", [b"", bytes(16), bytes(33)])
def test_keys_of_the_wrong_length_are_refused(key):
    with pytest.raises(CryptoArgumentError):
        Kek(key)
    with pytest.raises(CryptoArgumentError):
        wrap_key(key, Kek(bytes(32)))


# KEK files -----------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_created_kek_file_is_0600_base64_and_loads_back(tmp_path):
    path = tmp_path / "var" / "kek"
    kek = create_kek_file(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    content = path.read_bytes()
    assert content.endswith(b"\n")
    assert base64.b64decode(content.strip(), validate=True) == kek.key
    assert load_kek(path) == kek
    assert os.listdir(path.parent) == ["kek"]  # no temporary file left behind


def test_a_kek_file_is_0600_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        create_kek_file(tmp_path / "kek")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "kek") == 0o600


def test_creating_over_an_existing_file_is_refused_and_leaves_it_alone(tmp_path):
    path = tmp_path / "kek"
    kek = create_kek_file(path)
    with pytest.raises(KekFileExists) as caught:
        create_kek_file(path)
    assert caught.value.code == "kek-file-exists"
    assert load_kek(path) == kek
    assert os.listdir(tmp_path) == ["kek"]


@pytest.mark.parametrize("bad_mode", [0o640, 0o604, 0o620, 0o602, 0o644, 0o666, 0o660, 0o610])
def test_a_kek_file_open_to_group_or_others_is_refused(tmp_path, bad_mode):
    path = tmp_path / "kek"
    kek = create_kek_file(path)
    path.chmod(bad_mode)
    with pytest.raises(KekFileInsecure) as caught:
        load_kek(path)
    assert caught.value.code == "kek-file-insecure"
    assert f"{bad_mode:04o}" in caught.value.message
    assert base64.b64encode(kek.key).decode() not in caught.value.message


@pytest.mark.parametrize("good_mode", [0o600, 0o400])
def test_a_private_kek_file_is_accepted(tmp_path, good_mode):
    path = tmp_path / "kek"
    kek = create_kek_file(path)
    path.chmod(good_mode)
    assert load_kek(path) == kek


def test_a_missing_kek_file_is_reported(tmp_path):
    with pytest.raises(KekFileMissing) as caught:
        load_kek(tmp_path / "nowhere")
    assert caught.value.code == "kek-file-missing"
    assert "does not exist" in caught.value.message


def write_private(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n",
        base64.b64encode(bytes(16)) + b"\n",  # short
        base64.b64encode(bytes(33)) + b"\n",  # long
        b"not base64 at all!\n",
        bytes(range(32)),  # raw bytes are not the format
        b"A" * 5000,
    ],
)
def test_a_short_or_garbled_kek_file_is_invalid(tmp_path, content):
    path = write_private(tmp_path / "kek", content)
    with pytest.raises(KekFileInvalid) as caught:
        load_kek(path)
    assert caught.value.code == "kek-file-invalid"


def test_a_directory_is_not_a_kek_file(tmp_path):
    directory = tmp_path / "kek"
    directory.mkdir(mode=0o700)
    with pytest.raises(KekFileInvalid):
        load_kek(directory)


def test_whitespace_around_the_base64_line_is_ignored(tmp_path):
    key = os.urandom(32)
    path = write_private(tmp_path / "kek", b"  " + base64.b64encode(key) + b"\r\n\n")
    assert load_kek(path).key == key


def test_load_or_create_creates_once_then_loads_the_same_key(tmp_path):
    path = tmp_path / "var" / "kek"
    first = load_or_create_kek(path)
    assert mode(path) == 0o600
    assert load_or_create_kek(path) == first


def test_load_or_create_never_replaces_an_insecure_file(tmp_path):
    path = tmp_path / "kek"
    kek = create_kek_file(path)
    path.chmod(0o644)
    with pytest.raises(KekFileInsecure):
        load_or_create_kek(path)
    path.chmod(0o600)
    assert load_kek(path) == kek


def test_kek_file_errors_are_configuration_errors_with_codes():
    for error_type in (KekFileMissing, KekFileInsecure, KekFileInvalid, KekFileExists):
        assert issubclass(error_type, ConfigurationError)
    assert issubclass(IntegrityError, LgrShareError)
    assert IntegrityError("chunk 3 failed", chunk=3).as_dict() == {
        "code": "integrity-error",
        "message": "chunk 3 failed",
    }


def test_load_or_create_reads_a_key_another_process_created_after_its_first_read(
    tmp_path, monkeypatch
):
    # The window two workers starting at once can hit: this one's read finds no file, the other
    # creates it, then this one looks again. It must use the other's key, not fail.
    path = tmp_path / "kek"
    created: list[object] = []
    real_load = kekfile.load_kek

    def load_while_another_creates(where):
        if not created:
            created.append(create_kek_file(path))
            raise KekFileMissing("not there yet")
        return real_load(where)

    monkeypatch.setattr(kekfile, "load_kek", load_while_another_creates)
    assert load_or_create_kek(path) == created[0]
