"""Checks every uploaded file passes before anything is stored: name, size, type, content.

Used for forum attachments now and for data submissions later, so both refuse the same things
with the same codes: ``filename-invalid``, ``file-empty``, ``file-too-large``,
``file-type-not-allowed`` and ``file-content-mismatch``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lgrshare.domain.errors import InvalidInput, LgrShareError
from lgrshare.domain.validation.sniff import wide_unicode


class FileTooLarge(LgrShareError):
    code = "file-too-large"
    title = "The file is too large"
    status = 413


# Extension → (MIME type, how the first bytes must look).
_KINDS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv", "text"),
    "txt": ("text/plain", "text"),
    "md": ("text/markdown", "text"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"),
    "pdf": ("application/pdf", "pdf"),
    # A compressed table (``name.csv.gz``, or a ZIP holding one CSV file).
    "gz": ("application/gzip", "gzip"),
    "zip": ("application/zip", "zip"),
}
# The kinds a data submission takes (``lgrshare validate`` checks the same): tables, and a
# table compressed.
TABLE_KINDS = frozenset({"csv", "xlsx", "gz", "zip"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Unicode categories dropped from a name: formatting characters, line and paragraph separators.
_HIDDEN = frozenset({"Cf", "Zl", "Zp"})


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str


def safe_filename(raw: str) -> str:
    """Return a name without folders or control characters; raises ``InvalidInput``.

    A name with path parts (``../x.csv``, ``C:\\x.csv``) or control characters is refused rather
    than silently cleaned, so a person sees why their file was not taken. Invisible formatting
    characters (Unicode's "Cf", "Zl" and "Zp": right-to-left overrides and isolates, zero-width
    spaces and joiners), which make a name display as another (``contracts`` RLO ``xcsl.csv``
    shows as ``contractslsc.xcsv``) or two names look the same, are dropped: the web's upload
    parser has already dropped them from any uploaded file's name, so every way in keeps the
    same name.
    """
    name = "".join(c for c in raw or "" if unicodedata.category(c) not in _HIDDEN)
    name = unicodedata.normalize("NFC", name).strip()
    if not name or "/" in name or "\\" in name or name in {".", ".."} or _CONTROL.search(name):
        raise InvalidInput(
            "The file name must be a plain name, without folders or control characters",
            code="filename-invalid",
        )
    if len(name) > 120:
        raise InvalidInput("The file name must be 120 characters or fewer", code="filename-invalid")
    return name


def check_file(
    *,
    name: str,
    size: int,
    head: bytes,
    max_bytes: int,
    allowed: frozenset[str] = frozenset(_KINDS),
) -> CheckedFile:
    """Check an upload's name, size, extension and first bytes; return what it is.

    ``head`` is the first few kilobytes of the content. Raises ``InvalidInput`` or ``FileTooLarge``.
    """
    clean = safe_filename(name)
    if size <= 0:
        raise InvalidInput("The file is empty", code="file-empty")
    if size > max_bytes:
        raise FileTooLarge(f"The file must be smaller than {max_bytes // 1_000_000} MB")
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if extension not in allowed or extension not in _KINDS:
        kinds = ", ".join(sorted(allowed))
        raise InvalidInput(f"The file must be one of: {kinds}", code="file-type-not-allowed")
    content_type, shape = _KINDS[extension]
    looks_right = {
        "zip": head.startswith(b"PK\x03\x04"),
        "pdf": head.startswith(b"%PDF-"),
        "gzip": head.startswith(b"\x1f\x8b"),
        # UTF-16 or UTF-32 text has NUL bytes but is text: the reader names its encoding.
        "text": b"\x00" not in head or wide_unicode(head) is not None,
    }[shape]
    if not looks_right:
        raise InvalidInput(
            f"The file is called .{extension} but its content is not a {extension.upper()} file",
            code="file-content-mismatch",
        )
    return CheckedFile(name=clean, extension=extension, content_type=content_type)
