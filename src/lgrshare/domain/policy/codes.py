"""The vocabulary of the access policy: actions, access kinds, agreement states, roles, reasons."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    VIEW_METADATA = "view-metadata"
    VIEW_DATA = "view-data"
    DOWNLOAD = "download"
    EXPORT = "export"
    COMPILE = "compile"
    SUBMIT = "submit"
    APPROVE = "approve"
    SIGN = "sign"
    SUSPEND = "suspend"
    TERMINATE = "terminate"
    # The experts' reviews of an agreement for their own council (issue 17).
    REVIEW_LEGAL = "review-legal"
    REVIEW_SECURITY = "review-security"
    ACCEPT_SUBMISSION = "accept-submission"
    ADD_CAVEAT = "add-caveat"
    WITHDRAW_SUBMISSION = "withdraw-submission"
    # On documents, not data: decided by ``policy.documents.decide_document``.
    READ_ATTACHMENT = "read-attachment"
    READ_DPIA_DOCUMENT = "read-dpia-document"


READ_ACTIONS = frozenset({Action.VIEW_DATA, Action.DOWNLOAD, Action.EXPORT, Action.COMPILE})
GOVERNANCE_ACTIONS = frozenset(
    {
        Action.APPROVE,
        Action.SIGN,
        Action.SUSPEND,
        Action.TERMINATE,
        Action.REVIEW_LEGAL,
        Action.REVIEW_SECURITY,
    }
)
SUBMISSION_ACTIONS = frozenset(
    {Action.ACCEPT_SUBMISSION, Action.ADD_CAVEAT, Action.WITHDRAW_SUBMISSION}
)
DOCUMENT_ACTIONS = frozenset({Action.READ_ATTACHMENT, Action.READ_DPIA_DOCUMENT})


class Access(StrEnum):
    PUBLIC = "public"
    UNDER_AGREEMENT = "under-agreement"
    HELD = "held"


class AgreementState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    EXPIRED = "expired"
    CLOSED = "closed"


class Role(StrEnum):
    """The roles a person holds in their council (the same codes as ``councils.models.Role``)."""

    ANALYST = "analyst"
    DATA_LEAD = "data-lead"
    IG_OFFICER = "ig-officer"
    DPO = "dpo"
    SENIOR_SIGNATORY = "senior-signatory"
    IT_SECURITY = "it-security"
    LEGAL_ADVISER = "legal-adviser"
    PROGRAMME_LEAD = "programme-lead"
    AREA_ADMIN = "area-admin"


class DecisionReason(StrEnum):
    """Why an access was allowed or refused: the code that is audited and shown."""

    ALLOWED = "allowed"
    PUBLIC_DATA = "public-data"
    OTHER_AREA = "other-area"
    NO_AGREEMENT = "no-agreement"
    NOT_A_PARTY = "not-a-party"
    NOT_NAMED = "not-named"
    NOT_A_RECIPIENT = "not-a-recipient"
    NOT_THE_HOLDER = "not-the-holder"
    CONTRACTOR_NOT_PERMITTED = "contractor-not-permitted"
    CONTRACTOR_AGREEMENT_MISSING = "contractor-agreement-missing"
    CONTRACTOR_AGREEMENT_EXPIRED = "contractor-agreement-expired"
    CONTRACTOR_NOT_NAMED = "contractor-not-named"
    ROLE_NOT_PERMITTED = "role-not-permitted"
    AGREEMENT_NOT_ACTIVE = "agreement-not-active"
    AGREEMENT_NOT_IN_REVIEW = "agreement-not-in-review"
    AGREEMENT_SUSPENDED = "agreement-suspended"
    AGREEMENT_TERMINATED = "agreement-terminated"
    AGREEMENT_EXPIRED = "agreement-expired"
    TERMS_NOT_ACCEPTED = "terms-not-accepted"
    DATA_DELETED = "data-deleted"
    NOT_THE_SUBMITTER = "not-the-submitter"
    SUBMISSION_NOT_PENDING = "submission-not-pending"
    SECOND_PERSON_NEEDED = "second-person-needed"
    OWN_DRAFT = "own-draft"
    PERSON_LEVEL_ROWS = "person-level-rows"
    NOT_NAMED_ON_LIVE_AGREEMENT = "not-named-on-live-agreement"
    # People and contractors (policy.people); what only a party may do (policy.parties).
    NEEDS_CONFIRMATION = "needs-confirmation"
    NOT_YOUR_COUNCIL = "not-your-council"
    OWN_ACCOUNT = "own-account"
    OWN_GRANT = "own-grant"
    ROLE_NOT_FOR_CONTRACTORS = "role-not-for-contractors"
    DRAFTER_NOT_A_PARTY = "drafter-not-a-party"
    ROLE_FOR_LEAD_COUNCIL = "role-for-lead-council"
    # Data requests (policy.requests).
    CONTRACTOR_READ_ONLY = "contractor-read-only"
    REQUEST_DRAFT = "request-draft"
    NOT_A_HOLDER = "not-a-holder"
    NOT_THE_REQUESTER = "not-the-requester"
    REQUEST_STATE_INVALID = "request-state-invalid"

    @property
    def message(self) -> str:
        """Return the reason in words, for the person asking."""
        return _MESSAGES[self.value]


_MESSAGES = {
    "allowed": "Allowed under the data sharing agreement.",
    "public-data": "Allowed: the data is public.",
    "other-area": "This belongs to another area.",
    "no-agreement": "There is no data sharing agreement for this data.",
    "not-a-party": "Your organisation is not a party to the data sharing agreement.",
    "not-named": "The agreement names who may access the data, and you are not one of them.",
    "not-a-recipient": "The agreement does not share this council's data with your organisation.",
    "not-the-holder": "Only the council that holds this data can submit it or act on its "
    "submissions.",
    "contractor-not-permitted": "Contractors cannot do this: only council staff can.",
    "contractor-agreement-missing": "No contractor agreement is recorded for your organisation.",
    "contractor-agreement-expired": "Your organisation's contractor agreement has ended.",
    "contractor-not-named": "The data sharing agreement does not name your organisation.",
    "role-not-permitted": "Your role does not allow you to do this.",
    "agreement-not-active": "The data sharing agreement is not active yet.",
    "agreement-not-in-review": "The data sharing agreement is not in review.",
    "agreement-suspended": "The data sharing agreement is suspended.",
    "agreement-terminated": "The data sharing agreement has been terminated.",
    "agreement-expired": "The data sharing agreement has expired: the data is due for deletion.",
    "terms-not-accepted": "Accept the terms of this version of the agreement first.",
    "data-deleted": "The data was deleted under the agreement's retention rules: see its "
    "deletion certificate.",
    "not-the-submitter": "Only the person who submitted it, or the council's data lead, can do "
    "this.",
    "submission-not-pending": "This can only be done while the submission waits for its data lead.",
    "second-person-needed": "The agreement asks for a second person: someone other than the "
    "submitter accepts it.",
    "own-draft": "You drafted this agreement or its current version: another DPO of your "
    "council must review it.",
    "person-level-rows": "This data is derived from records about people: other councils "
    "see it only compiled, with small numbers withheld, never row by row.",
    "not-named-on-live-agreement": "Contractor staff can open this only when an active data "
    "sharing agreement made from the request names them.",
    "needs-confirmation": "Allowed, but it waits for confirmation by the council's own DPO or "
    "administrator before it takes effect.",
    "not-your-council": "You can do this only for your own council: ask that council's "
    "administrator or DPO.",
    "own-account": "You cannot do this to your own account: ask another administrator or the DPO.",
    "own-grant": "Someone other than the person who granted the role must confirm it.",
    "role-not-for-contractors": "Contractor staff can only be analysts or data leads.",
    "drafter-not-a-party": "Your council must be a party to an agreement you draft.",
    "contractor-read-only": "Contractors can read the area's requests but not raise, answer or "
    "change them.",
    "request-draft": "That request is still a draft: only the person who raised it can see it.",
    "not-a-holder": "Only a council asked for the data can answer.",
    "not-the-requester": "Only the person who raised the request, or their council's data lead, "
    "can do that.",
    "request-state-invalid": "The request is not in a state that allows this.",
    "role-for-lead-council": "Only staff of the area's lead (county) council can be area "
    "administrators.",
}
