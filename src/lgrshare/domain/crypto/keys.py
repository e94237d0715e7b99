"""Data keys, key-encryption keys (KEKs), and wrapping one with the other.

Wrapping uses AES key wrap (RFC 3394; NIST SP 800-38F) rather than AES-GCM. It is the
construction made for this job, and it is deterministic: there is no nonce to manage under a
long-lived KEK that may wrap millions of keys over the years (random 96-bit GCM nonces allow
only about 2**32 wraps per key before a collision becomes a risk). Its integrity check makes an
unwrap with the wrong KEK, or of an altered record, fail (a forgery passes with chance 2**-64).

It does not bind context, and needs not: the KEK id stored beside the wrapped bytes only selects
which KEK to try, so a wrong id can make unwrap fail (``kek-unknown``, ``key-unwrap-failed``) but
never yield a wrong key; and a data key swapped onto another file's row fails that file's
container, which binds its file id into every chunk.

The KEK id is the first 8 bytes (16 hex digits) of SHA-256 over a fixed label and the KEK: it
needs no configuration, names the same key the same way on every server, and reveals nothing
usable about the key.

Crypto-shredding: the data key exists only wrapped, in the row that records the file. Destroy
that record (and any backup of it) and the container cannot be read by anyone: no other key,
including the KEK, opens it, as every chunk then fails with ``integrity-error``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from lgrshare.domain.crypto.container import DATA_KEY_BYTES
from lgrshare.domain.crypto.errors import (
    CryptoArgumentError,
    KekUnknown,
    KeyUnwrapFailed,
    WrappedKeyInvalid,
)

KEK_BYTES = 32
WRAPPED_KEY_BYTES = DATA_KEY_BYTES + 8  # AES key wrap adds one 64-bit block
WRAP_SCHEME = "kw1"
_KEK_ID_LABEL = b"lgrshare kek id\x00"
_KEK_ID = re.compile(r"[0-9a-f]{16}")


def new_data_key() -> bytes:
    """Return a fresh random 256-bit data key, for one file only."""
    return secrets.token_bytes(DATA_KEY_BYTES)


@dataclass(frozen=True, slots=True, repr=False)
class Kek:
    """A 256-bit key-encryption key. Its ``repr`` shows the id, never the key."""

    key: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) != KEK_BYTES:
            raise CryptoArgumentError(f"a key-encryption key must be {KEK_BYTES} bytes")

    @property
    def kek_id(self) -> str:
        """Return the KEK's id: 16 hex digits derived from the key (see the module notes)."""
        return hashlib.sha256(_KEK_ID_LABEL + self.key).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"Kek(kek_id={self.kek_id!r})"


@dataclass(frozen=True, slots=True)
class Keyring:
    """The current KEK, which wraps new data keys, and previous ones still needed to unwrap
    keys not yet re-wrapped after a rotation."""

    current: Kek
    previous: tuple[Kek, ...] = ()

    def find(self, kek_id: str) -> Kek:
        """Return the KEK with this id; raises ``KekUnknown`` when the keyring has none."""
        for kek in (self.current, *self.previous):
            if kek.kek_id == kek_id:
                return kek
        raise KekUnknown(
            f"no key-encryption key with id {kek_id} is configured: it may have been "
            "rotated out before every data key was re-wrapped"
        )

    def is_current(self, wrapped: WrappedKey) -> bool:
        """Return True when ``wrapped`` is wrapped by the current KEK (no rotation needed)."""
        return wrapped.kek_id == self.current.kek_id


@dataclass(frozen=True, slots=True, repr=False)
class WrappedKey:
    """A data key wrapped by the KEK named ``kek_id``; safe to store and to log.

    ``to_str()`` gives the column value ``kw1:<kek id>:<base64 of 40 bytes>`` (77 ASCII
    characters); ``from_str()`` reads it back.
    """

    kek_id: str
    wrapped: bytes

    def to_str(self) -> str:
        """Return the record as one ASCII string for a database column."""
        encoded = base64.b64encode(self.wrapped).decode("ascii")
        return f"{WRAP_SCHEME}:{self.kek_id}:{encoded}"

    @classmethod
    def from_str(cls, text: str) -> WrappedKey:
        """Return the record ``to_str()`` wrote; raises ``WrappedKeyInvalid`` for anything else."""
        parts = text.split(":") if isinstance(text, str) else []
        if len(parts) != 3 or parts[0] != WRAP_SCHEME or not _KEK_ID.fullmatch(parts[1]):
            raise WrappedKeyInvalid("the wrapped key record is not in the kw1 format")
        try:
            wrapped = base64.b64decode(parts[2], validate=True)
        except (binascii.Error, ValueError):
            raise WrappedKeyInvalid("the wrapped key record's key is not valid base64") from None
        if len(wrapped) != WRAPPED_KEY_BYTES:
            raise WrappedKeyInvalid("the wrapped key record's key has the wrong length")
        return cls(kek_id=parts[1], wrapped=wrapped)

    def __repr__(self) -> str:
        return f"WrappedKey({self.to_str()!r})"


def wrap_key(data_key: bytes, kek: Kek) -> WrappedKey:
    """Return ``data_key`` wrapped by ``kek``; raises ``CryptoArgumentError`` for a data key
    that is not 32 bytes."""
    if not isinstance(data_key, bytes) or len(data_key) != DATA_KEY_BYTES:
        raise CryptoArgumentError(f"a data key must be {DATA_KEY_BYTES} bytes")
    return WrappedKey(kek_id=kek.kek_id, wrapped=aes_key_wrap(kek.key, data_key))


def _unwrap(wrapped: WrappedKey, kek: Kek) -> bytes:
    try:
        data_key = aes_key_unwrap(kek.key, wrapped.wrapped)
    except (InvalidUnwrap, ValueError):
        raise KeyUnwrapFailed(
            f"the data key wrapped by KEK {wrapped.kek_id} failed its integrity check: the "
            "record was altered, or that KEK is not the one that wrapped it"
        ) from None
    if len(data_key) != DATA_KEY_BYTES:
        raise KeyUnwrapFailed("the unwrapped data key has the wrong length")
    return data_key


def unwrap_key(wrapped: WrappedKey, keyring: Keyring) -> bytes:
    """Return the data key, unwrapped with the keyring's KEK of the record's id.

    Raises ``KekUnknown`` when the keyring lacks that KEK, ``KeyUnwrapFailed`` when the
    record was altered or the KEK does not match.
    """
    return _unwrap(wrapped, keyring.find(wrapped.kek_id))


def rewrap(wrapped: WrappedKey, old: Kek, new: Kek) -> WrappedKey:
    """Return the same data key wrapped by ``new`` instead of ``old``; the data is untouched.

    Raises ``KekUnknown`` when ``wrapped`` was not wrapped by ``old``, ``KeyUnwrapFailed``
    when it fails its integrity check.
    """
    if wrapped.kek_id != old.kek_id:
        raise KekUnknown(f"the data key is wrapped by KEK {wrapped.kek_id}, not {old.kek_id}")
    return wrap_key(_unwrap(wrapped, old), new)


def rewrap_to_current(wrapped: WrappedKey, keyring: Keyring) -> WrappedKey:
    """Return ``wrapped`` re-wrapped by the keyring's current KEK (itself when it already is).

    For ``lgrshare vault rotate-kek``: idempotent, so an interrupted rotation can be re-run.
    Raises as ``unwrap_key``.
    """
    if keyring.is_current(wrapped):
        return wrapped
    return rewrap(wrapped, keyring.find(wrapped.kek_id), keyring.current)
