"""The kinds of notification, each a stable code with the words a person reads.

Rules as data: a new event adds a line here, and ``notify`` refuses a kind that is not listed,
so a mistyped code fails the caller's test instead of storing a notification no page can name.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

KINDS: Mapping[str, str] = MappingProxyType(
    {
        "review-needed": "An agreement needs your review as DPO",
        "signature-needed": "An agreement needs your signature",
        "expert-review-needed": "An agreement needs your legal or IT security review",
        "expert-reviewed": "A legal adviser or IT security officer reviewed an agreement",
        "agreement-returned": "Your draft agreement was returned with comments",
        "agreement-active": "An agreement is active",
        "agreement-suspended": "An agreement was suspended",
        "agreement-terminated": "An agreement was terminated",
        "review-due": "An agreement's review date is near",
        "data-accepted": "Data was accepted under an agreement",
        "deletion-due": "Data shared under an agreement will soon be deleted",
        "attestation-needed": "Your council must confirm it deleted its copies of deleted data",
        "request-to-answer": "A data request waits for your council's answer",
        "request-update": "News on a data request",
        "people-changed": "People, roles or contractors at your council changed",
    }
)
