"""Forum attachments: checked, screened for personal data, encrypted in the vault, read through
the policy, and every upload, download and refusal audited.

Attachments are for specifications and templates. A file that looks like personal data
(``domain.screening.personal_data``, whatever its name) is refused with
``attachment-looks-like-personal-data``: data about people is shared under an agreement. An
accepted file is encrypted into the vault (``vault.services.blob_store``) in the transaction
that records the comment, so a failure leaves neither; the database holds only its name, size,
hash and the blob's wrapped key. Opening one is ``Action.READ_ATTACHMENT`` of the policy: the
area's council staff, and contractor staff only where a live agreement made from the request
names them.

Refusals are recorded before they are raised and outside any transaction, so the record stays
while nothing else is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from lgrshare import access
from lgrshare.agreements.facts import facts_of
from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput, LgrShareError, NotFound
from lgrshare.domain.files import CheckedFile, check_file
from lgrshare.domain.policy.facts import AccessDenied, Decision
from lgrshare.domain.screening.personal_data import Screening, screen_file
from lgrshare.requests.models import Attachment, DataRequest
from lgrshare.trail import record
from lgrshare.vault.services import blob_read_bytes, blob_store

ATTACHMENT_MAX_BYTES = 5_000_000
ATTACHMENT_KINDS = frozenset({"csv", "txt", "md", "xlsx", "docx", "pdf"})


class AttachmentLooksPersonal(InvalidInput):
    code = "attachment-looks-like-personal-data"
    title = "The file looks like personal data"


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An upload that passed every check, held in memory (attachments are at most 5 MB)."""

    file: CheckedFile
    content: bytes


def _refuse(
    user: User, request: DataRequest, name: str, error: LgrShareError, **detail: str
) -> None:
    record(
        user=user,
        action="attachment-refused",
        target_type="request",
        target_id=request.pk,
        reason=error.code,
        file=name[:120],
        **detail,
    )


def personal_data_message(screening: Screening) -> str:
    """Return the refusal's words: why (what was found, where; never the values) and what to
    do instead."""
    found = "; ".join(screening.reasons()[:4])
    return (
        f"This file looks like personal data ({found}). Attachments are for specifications and "
        "templates, not data about people. Share the data under a data sharing agreement "
        "instead, so that it is encrypted, limited to what was agreed and every access is "
        "recorded."
    )


def attachment_check(*, user: User, request: DataRequest, upload: UploadedFile) -> CheckedUpload:
    """Check an upload's name, size and type, then screen its content for personal data.

    Raises ``InvalidInput`` (``filename-invalid``, ``file-empty``, ``file-type-not-allowed``,
    ``file-content-mismatch``), ``FileTooLarge`` or ``AttachmentLooksPersonal``
    (``attachment-looks-like-personal-data``); each refusal is audited as
    ``attachment-refused`` with its code, naming the kinds of data found but not the values.
    """
    raw_name = upload.name or ""
    try:
        head = upload.read(4096)
        upload.seek(0)
        checked = check_file(
            name=raw_name,
            size=upload.size or 0,
            head=head,
            max_bytes=ATTACHMENT_MAX_BYTES,
            allowed=ATTACHMENT_KINDS,
        )
    except LgrShareError as exc:
        _refuse(user, request, raw_name, exc)
        raise
    content = upload.read()
    screening = screen_file(content=content, today=timezone.localdate())
    if screening.looks_personal:
        error = AttachmentLooksPersonal(personal_data_message(screening))
        _refuse(user, request, checked.name, error, found=",".join(screening.kinds))
        raise error
    return CheckedUpload(file=checked, content=content)


def attachment_store(*, user: User, request: DataRequest, upload: CheckedUpload) -> Attachment:
    """Encrypt a checked upload into the vault and record it; call inside the transaction that
    records its comment (a rollback deletes the blob). Audited as ``attachment-added``."""
    blob = blob_store(source=io.BytesIO(upload.content))
    attachment = Attachment.objects.create(
        name=upload.file.name,
        content_type=upload.file.content_type,
        size=blob.plaintext_bytes,
        sha256=blob.plaintext_sha256,
        blob=blob,
    )
    record(
        user=user,
        action="attachment-added",
        target_type="attachment",
        target_id=attachment.pk,
        request=request.reference,
        file=attachment.name,
        bytes=attachment.size,
        sha256=attachment.sha256,
    )
    return attachment


def attachment_decision(*, user: User, request: DataRequest) -> Decision:
    """Return whether ``user`` may open the attachments of ``request`` (not audited: for
    pages deciding whether to offer a link)."""
    return access.check_document(
        user=user,
        action=access.Action.READ_ATTACHMENT,
        area=request.area.county_id,
        agreements=[facts_of(agreement) for agreement in request.agreements.all()],
    )


def attachment_download(
    *, user: User, request: DataRequest, attachment_id: int
) -> tuple[Attachment, bytes]:
    """Return an attachment of ``request`` and its content, decrypted and verified.

    Raises ``NotFound`` (``attachment-not-found``) and ``AccessDenied`` with the policy's reason
    (``other-area``, ``not-named-on-live-agreement``, ...). Both answers are audited:
    ``attachment-downloaded`` or ``attachment-download-refused``.
    """
    found = (
        Attachment.objects.filter(pk=attachment_id, comment__request=request)
        .select_related("blob")
        .first()
    )
    if found is None:
        raise NotFound("There is no such attachment", code="attachment-not-found")
    decision = attachment_decision(user=user, request=request)
    if not decision.allowed:
        record(
            user=user,
            action="attachment-download-refused",
            target_type="attachment",
            target_id=found.pk,
            reason=decision.reason,
            request=request.reference,
        )
        raise AccessDenied(decision.reason.message, code=decision.reason.value)
    content = blob_read_bytes(blob=found.blob)
    record(
        user=user,
        action="attachment-downloaded",
        target_type="attachment",
        target_id=found.pk,
        reason=decision.reason,
        request=request.reference,
        bytes=len(content),
    )
    return found, content
