"""Errors of the crypto core, each with a stable kebab-case code.

Integrity and key failures are server-side faults (status 500): a user cannot cause them with
their own input, and the message never contains key material. KEK file problems are
``ConfigurationError`` subclasses so start-up code can catch them all at once.
"""

from __future__ import annotations

from lgrshare.domain.errors import ConfigurationError, LgrShareError


class CryptoError(LgrShareError):
    """Base of the crypto core's errors."""

    code = "crypto-error"
    title = "The data could not be encrypted or decrypted"
    status = 500


class IntegrityError(CryptoError):
    """A container failed verification: it was altered, truncated, extended or spliced, or the
    key or file id is not the one it was written with. No plaintext of the failing chunk (or of
    any later one) was released.

    ``chunk`` is the 0-based index of the failing chunk, or None when the header failed.
    """

    code = "integrity-error"
    title = "The stored data failed its integrity check"

    def __init__(self, message: str, *, chunk: int | None = None) -> None:
        super().__init__(message)
        self.chunk = chunk


class CryptoArgumentError(CryptoError):
    """A caller passed an unusable argument: a key of the wrong length, a chunk size out of
    range, an empty or over-long file id, or a non-blocking stream. A programming error."""

    code = "crypto-argument-invalid"
    title = "The encryption parameters are not valid"


class EncryptionAborted(CryptoError):
    """An ``EncryptingWriter`` was aborted (or failed) before it wrote its final chunk: what it
    wrote is not a readable container and must be discarded."""

    code = "encryption-aborted"
    title = "The encryption did not finish"


class WrappedKeyInvalid(CryptoError):
    """A stored wrapped-key record cannot be parsed."""

    code = "wrapped-key-invalid"
    title = "A stored key record is damaged"


class KekUnknown(CryptoError):
    """No key-encryption key in the keyring has the id a wrapped key names."""

    code = "kek-unknown"
    title = "The key-encryption key for this data is not available"


class KeyUnwrapFailed(CryptoError):
    """AES key unwrap's integrity check failed: the wrapped key was altered, or the KEK with
    that id is not the one that wrapped it."""

    code = "key-unwrap-failed"
    title = "A data key could not be unwrapped"


class KekFileMissing(ConfigurationError):
    """The KEK file does not exist or cannot be opened."""

    code = "kek-file-missing"
    title = "The key-encryption key file is missing"


class KekFileInsecure(ConfigurationError):
    """The KEK file is readable or writable by its group or by others."""

    code = "kek-file-insecure"
    title = "The key-encryption key file is not private"


class KekFileInvalid(ConfigurationError):
    """The KEK file is not a regular file holding one base64 line of exactly 32 bytes."""

    code = "kek-file-invalid"
    title = "The key-encryption key file is not valid"


class KekFileExists(ConfigurationError):
    """``create_kek_file`` refuses to replace an existing file."""

    code = "kek-file-exists"
    title = "A key-encryption key file already exists"
