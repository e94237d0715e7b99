"""Record the legal and IT security reviews an agreement's parties need before they sign
(issue 17), by an expert of each party council made for the test."""

from __future__ import annotations

from lgrshare.agreements import services
from lgrshare.agreements.advice import missing_for
from lgrshare.agreements.models import Agreement
from lgrshare.councils.models import User
from tests.conftest import _make

ROLES = {"legal": "legal-adviser", "it-security": "it-security"}


def experts_reviewed(agreement: Agreement) -> None:
    """Have each party's experts record "reviewed" for every review it still needs."""
    version = agreement.current()
    for party in version.parties.select_related("council"):
        for missing in missing_for(party, version):
            username = f"{missing.kind.value}-{party.council_id}".lower()
            expert = User.objects.filter(username=username).first() or _make(
                username, [ROLES[missing.kind.value]], party.council_id
            )
            services.expert_review_record(
                user=expert, agreement=agreement, kind=missing.kind.value, outcome="reviewed"
            )
