"""The audit trail in words for its pages: reasons and details, not codes.

The trail stores codes (stable, hashed, what the API and exports give); people reading it on a
page see what each means. A code with no words here reads as itself made into a sentence
(``needs-agreement`` -> "Needs agreement"), never as a bare code.
"""

from __future__ import annotations

from collections.abc import Mapping

from lgrshare.councils.models import Role
from lgrshare.domain.policy import DecisionReason

# What a person asked to do, in a refusal's ``policy_action``.
ACTION_WORDS = {
    "view-metadata": "See the dataset's description",
    "view-data": "See the data",
    "download": "Download the data",
    "export": "Export the data",
    "compile": "Compile the data",
    "submit": "Submit data",
    "approve": "Approve as DPO",
    "sign": "Sign",
    "suspend": "Suspend the agreement",
    "terminate": "Terminate the agreement",
    "accept-submission": "Accept a submission",
    "add-caveat": "Add a caveat",
    "withdraw-submission": "Withdraw a submission",
    "read-attachment": "Open an attachment",
    "read-dpia-document": "Open a DPIA document",
    "draft-agreement": "Draft an agreement",
    "accept-terms": "Accept the terms",
    "add-person": "Add a person",
    "grant-role": "Grant a role",
    "remove-role": "Remove a role",
    "confirm-person": "Confirm a person's account",
    "confirm-role": "Confirm a role",
    "deactivate-person": "Deactivate a person",
    "add-contractor": "Add a contractor",
    "record-contractor-agreement": "Record a contractor agreement",
    "sign-off-contractor-agreement": "Sign off a contractor agreement",
    "import-metrics": "Import published figures",
    "record-holding": "Record a holding",
    "read-trail": "Read the audit trail",
    "read-area-trail": "Read the area's audit trail",
    "verify": "Verify the audit trail",
    "read-request": "Read a request",
    "raise-request": "Raise a request",
    "edit-request": "Edit a request",
    "open-request": "Open a request",
    "answer-request": "Answer a request",
    "comment-on-request": "Comment on a request",
    "attach-to-request": "Attach a file to a request",
    "join-request": "Join a request",
    "fulfil-request": "Mark a request fulfilled",
    "close-request": "Close a request",
}

# Reasons that are not the policy's: outcomes the services record.
_REASON_WORDS = {
    "signed-by-every-party": "Every party has signed",
    "needs-agreement": "Needs a data sharing agreement",
    "will-provide": "Will provide",
    "not-held": "Not held",
    "declined": "Declined",
    "complete": "Complete",
    "in-progress": "In progress",
    "not-started": "Not started",
    "not-needed": "Not needed",
}

_DETAIL_LABELS = {
    "area": "Area",
    "version": "Version",
    "link": "Page",
    "recipients": "Told",
    "told": "Told",
    "council": "Council",
    "parties": "Parties",
    "dataset": "Dataset",
    "bytes": "Size in bytes",
    "sha256": "SHA-256 fingerprint",
    "file": "File",
    "holders": "Holders",
    "contractor_agreement": "Contractor agreement",
    "document": "With a document",
    "columns_dropped": "Columns dropped",
    "errors": "Errors",
    "valid": "Valid",
    "caveats": "Caveats",
    "invited": "Invited for another council",
    "pending": "Waits for confirmation",
    "role": "Role",
    "rows": "Rows",
    "request": "Request",
    "attachment": "Attachment",
    "comment": "Comment",
    "starts_on": "Starts on",
    "ends_on": "Ends on",
    "policy_action": "Asked to",
    "first_time": "First time",
    "fields": "Fields",
    "submission": "Submission",
    "state": "State",
}


def sentence(code: str) -> str:
    """A code made into words: ``needs-agreement`` -> "Needs agreement"."""
    return code.replace("_", " ").replace("-", " ").strip().capitalize()


def reason_words(reason: str) -> str:
    """Return an audit record's reason for people: the policy's message, or words."""
    if not reason:
        return ""
    if reason in DecisionReason.__members__.values():
        return DecisionReason(reason).message
    return _REASON_WORDS.get(reason) or sentence(reason)


def detail_words(detail: Mapping[str, object]) -> list[tuple[str, str]]:
    """Return a record's detail as (label, value) in words, sorted as the record keeps them."""
    return [
        (_DETAIL_LABELS.get(key) or sentence(key), _value(key, value))
        for key, value in sorted(detail.items())
    ]


def _value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if key == "policy_action":
        return ACTION_WORDS.get(text) or sentence(text)
    if key == "role" and text in Role.values:
        return str(Role(text).label)
    if key in {"reason", "answer", "status"}:
        return reason_words(text)
    return text
