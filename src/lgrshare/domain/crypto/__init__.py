"""Envelope encryption at rest: a streaming AES-256-GCM container and key wrapping.

Every stored file gets a fresh 256-bit data key (``new_data_key``). The file is written as a
container of authenticated chunks (``encrypt_stream``, or ``EncryptingWriter`` to encrypt while
another reader streams), and read back only through verification (``iter_decrypt``,
``decrypt_stream``, or ``open_decrypted`` for a file object). The data key is stored only
wrapped by a key-encryption key (``wrap_key`` -> ``WrappedKey.to_str()`` in the file's row); the
KEK lives in a private file (``load_kek``, ``create_kek_file``, ``load_or_create_kek``).
Rotation re-wraps data keys with a new KEK (``rewrap_to_current``) without touching the data;
destroying a wrapped key destroys the file (crypto-shredding).

Typical use::

    data_key = new_data_key()
    result = encrypt_stream(upload, blob, data_key=data_key, file_id=str(submission.uuid))
    row.wrapped_key = wrap_key(data_key, keyring.current).to_str()
    ...
    data_key = unwrap_key(WrappedKey.from_str(row.wrapped_key), keyring)
    for chunk in iter_decrypt(blob, data_key=data_key, file_id=str(submission.uuid)):
        ...

Modules: ``container`` (format and streams), ``writer`` (``EncryptingWriter``), ``reader``
(``open_decrypted``), ``keys`` (data keys, KEKs, wrapping), ``kekfile`` (KEK files),
``errors``. Only ``cryptography`` and the standard library are used.
"""

from lgrshare.domain.crypto.container import (
    DEFAULT_CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    DecryptResult,
    EncryptResult,
    decrypt_stream,
    encrypt_stream,
    iter_decrypt,
)
from lgrshare.domain.crypto.errors import (
    CryptoArgumentError,
    CryptoError,
    EncryptionAborted,
    IntegrityError,
    KekFileExists,
    KekFileInsecure,
    KekFileInvalid,
    KekFileMissing,
    KekUnknown,
    KeyUnwrapFailed,
    WrappedKeyInvalid,
)
from lgrshare.domain.crypto.kekfile import create_kek_file, load_kek, load_or_create_kek
from lgrshare.domain.crypto.keys import (
    Kek,
    Keyring,
    WrappedKey,
    new_data_key,
    rewrap,
    rewrap_to_current,
    unwrap_key,
    wrap_key,
)
from lgrshare.domain.crypto.reader import open_decrypted
from lgrshare.domain.crypto.writer import EncryptingWriter

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "CryptoArgumentError",
    "CryptoError",
    "DecryptResult",
    "EncryptResult",
    "EncryptingWriter",
    "EncryptionAborted",
    "IntegrityError",
    "Kek",
    "KekFileExists",
    "KekFileInsecure",
    "KekFileInvalid",
    "KekFileMissing",
    "KekUnknown",
    "KeyUnwrapFailed",
    "Keyring",
    "WrappedKey",
    "WrappedKeyInvalid",
    "create_kek_file",
    "decrypt_stream",
    "encrypt_stream",
    "iter_decrypt",
    "load_kek",
    "load_or_create_kek",
    "new_data_key",
    "open_decrypted",
    "rewrap",
    "rewrap_to_current",
    "unwrap_key",
    "wrap_key",
]
