"""Where an uploaded file's bytes wait while the request is handled: memory, never a disk.

Django's default handler spools any upload over 2.5 MB to a named file in the system's
temporary folder, in plaintext, where it stays if the server is killed mid-upload. Here every
uploaded file goes into an anonymous in-memory file (Linux ``memfd_create``): it has no name in
any folder, is freed when the request ends or the process dies, and is handed as it is to the
limited process that reads it (``domain.isolation``), without a second copy. The request
body's size is bounded before it is read (``LGRSHARE_MAX_UPLOAD_BYTES``), so is the memory one
request can take. Elsewhere than Linux (a developer's machine: parsing needs ``memfd_create``
too) a buffer in the process's memory stands in; never a file on disk.
"""

from __future__ import annotations

import io
import os
from typing import Any, BinaryIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from lgrshare.domain.deadline import deadline_restart


def _private_file(name: str) -> BinaryIO:
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create(name[:200] or "upload", os.MFD_CLOEXEC), "w+b")
    return io.BytesIO()


class InMemoryUploadedFile(UploadedFile):
    """An uploaded file held in an anonymous in-memory file."""

    def __init__(self, name: str, content_type: str, charset: str | None, extra: Any) -> None:
        super().__init__(_private_file(name), name, content_type, 0, charset, extra)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class PrivateUploadHandler(FileUploadHandler):
    """Receive every uploaded file into an ``InMemoryUploadedFile`` (module docstring)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = InMemoryUploadedFile(
            self.file_name or "upload", self.content_type or "", self.charset,
            self.content_type_extra,
        )  # fmt: skip

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_complete(self) -> None:
        # The request's time limit counts the service's work, not the client's sending.
        deadline_restart()
