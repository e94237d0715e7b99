"""Downloading a DPIA document: only the parties' DPOs, through the policy, always audited.

The document is stored encrypted in the vault when a DPO records the DPIA
(``services.dpia_record``). Opening it is ``Action.READ_DPIA_DOCUMENT`` of the policy
(``rules/document-access.json``): a DPO of a council party to the agreement. Every answer is
audited: ``dpia-document-downloaded`` or ``dpia-document-download-refused`` with the reason.
"""

from __future__ import annotations

from lgrshare import access
from lgrshare.agreements.facts import facts_of
from lgrshare.agreements.models import Agreement, Dpia
from lgrshare.councils.models import User
from lgrshare.domain.errors import NotFound
from lgrshare.domain.policy import Decision, DecisionReason
from lgrshare.domain.policy.facts import AccessDenied
from lgrshare.trail import record
from lgrshare.vault.services import blob_read_bytes

# The policy's reasons, in the words of this page.
_REFUSALS = {
    DecisionReason.ROLE_NOT_PERMITTED: "Only the DPOs of the councils party to the agreement "
    "can download its DPIA document.",
    DecisionReason.NOT_A_PARTY: "Only the DPOs of the councils party to the agreement can "
    "download its DPIA document, and your council is not a party.",
    DecisionReason.CONTRACTOR_NOT_PERMITTED: "Contractor staff cannot download DPIA documents.",
}


def dpia_document_decision(*, user: User, agreement: Agreement) -> Decision:
    """Return whether ``user`` may download ``agreement``'s DPIA document (not audited: for a
    page deciding whether to offer the link)."""
    return access.check_document(
        user=user,
        action=access.Action.READ_DPIA_DOCUMENT,
        area=agreement.area.county_id,
        agreements=[facts_of(agreement)],
    )


def dpia_document_download(*, user: User, agreement: Agreement) -> tuple[Dpia, bytes]:
    """Return the agreement's DPIA record and its document, decrypted and verified.

    Raises ``NotFound`` (``dpia-document-not-found``) when no document is stored, and
    ``AccessDenied`` with the policy's reason (``role-not-permitted``, ``not-a-party``,
    ``contractor-not-permitted``, ``other-area``). Both answers are audited.
    """
    dpia = Dpia.objects.filter(agreement=agreement).select_related("document_blob").first()
    if dpia is None or dpia.document_blob is None:
        raise NotFound(
            f"{agreement.reference} has no DPIA document", code="dpia-document-not-found"
        )
    decision = dpia_document_decision(user=user, agreement=agreement)
    if not decision.allowed:
        record(
            user=user,
            action="dpia-document-download-refused",
            target_type="agreement",
            target_id=agreement.reference,
            reason=decision.reason,
        )
        message = _REFUSALS.get(decision.reason, decision.reason.message)
        raise AccessDenied(message, code=decision.reason.value)
    content = blob_read_bytes(blob=dpia.document_blob)
    record(
        user=user,
        action="dpia-document-downloaded",
        target_type="agreement",
        target_id=agreement.reference,
        reason=decision.reason,
        file=dpia.document_name,
        bytes=len(content),
    )
    return dpia, content
