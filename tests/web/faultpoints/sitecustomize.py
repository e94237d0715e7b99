"""Fault points for the server fault tests (``tests/web/test_server_faults.py``), loaded by
Python at start-up when this folder is on ``PYTHONPATH`` and never otherwise.

``LGRSHARE_FAULT_AT`` names one point; when a process reaches it, it writes the file
``LGRSHARE_FAULT_MARK`` and (except at ``upload-receiving``, where the client holds the rest of
the body back) stops there, so the test kills the server's process group at a known step
rather than on a timer. The points wrap the real functions before any caller imports them:

- ``upload-receiving``: the first chunk of an uploaded file has reached the upload handler;
- ``blob-writing``: the first encrypted chunk of a blob is in its temporary file;
- ``blob-stored``: the blob is renamed into place and its row inserted, not committed;
- ``decrypting``: the first verified chunk of a blob was read back (compile, download);
- ``retention-destroying``: a deletion is reading the file it is about to destroy, inside
  its transaction;
- ``file-deleting``: a destroyed blob's file is about to be deleted, after the commit;
- ``slow-decrypting``: no mark and no stop: every chunk of a blob read back takes two more
  seconds (a deliberately slow operation, for the request time limit).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

POINT = os.environ.get("LGRSHARE_FAULT_AT", "")
MARK = os.environ.get("LGRSHARE_FAULT_MARK", "")


def reached(point: str, *, stop: bool = True) -> None:
    """Write the mark and, with ``stop``, wait to be killed."""
    if point != POINT:
        return
    Path(MARK).write_text(f"{point} {os.getpid()}\n")
    while stop:
        time.sleep(3600)


def _wrap_upload_handler() -> None:
    from lgrshare.web import uploads

    original = uploads.PrivateUploadHandler.receive_data_chunk

    def receive(self: Any, raw_data: bytes, start: int) -> None:
        original(self, raw_data, start)
        reached("upload-receiving", stop=False)

    uploads.PrivateUploadHandler.receive_data_chunk = receive  # type: ignore[method-assign]


def _wrap_crypto() -> None:
    from lgrshare.domain import crypto

    encrypt, decrypt = crypto.encrypt_stream, crypto.iter_decrypt

    class _Sink:
        def __init__(self, target: Any) -> None:
            self.target = target

        def write(self, data: bytes) -> int:
            written = self.target.write(data)
            reached("blob-writing")
            return written  # type: ignore[no-any-return]

        def __getattr__(self, name: str) -> Any:
            return getattr(self.target, name)

    def encrypt_stream(source: Any, target: Any, **kwargs: Any) -> Any:
        return encrypt(source, _Sink(target), **kwargs)

    def iter_decrypt(*args: Any, **kwargs: Any) -> Iterator[bytes]:
        for chunk in decrypt(*args, **kwargs):
            if POINT == "slow-decrypting":
                time.sleep(2)
            yield chunk
            reached("decrypting")

    crypto.encrypt_stream = encrypt_stream
    crypto.iter_decrypt = iter_decrypt


def _wrap_vault() -> None:
    from lgrshare.vault import rollback, storage

    def after(point: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            reached(point)
            return result

        return wrapped

    def before(point: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            reached(point)
            return function(*args, **kwargs)

        return wrapped

    rollback.delete_on_rollback = after("blob-stored", rollback.delete_on_rollback)
    storage.LocalStorage.open = before("retention-destroying", storage.LocalStorage.open)  # type: ignore[method-assign]
    storage.LocalStorage.delete = before("file-deleting", storage.LocalStorage.delete)  # type: ignore[method-assign]


if POINT:
    _wrap_upload_handler()
    _wrap_crypto()
    _wrap_vault()
