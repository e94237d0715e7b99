"""What agreements wait for from a person, derived from their current state for "Your tasks":
a DPO's review, a signatory's signature, a drafter's answer to a return, and terms to accept
before reading data. The policy decides who may act; this only finds what is still open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lgrshare.access import subject_of
from lgrshare.agreements.advice import missing_for
from lgrshare.agreements.facts import facts_of
from lgrshare.agreements.models import Agreement, Party, State
from lgrshare.agreements.services import decide
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import User
from lgrshare.domain import policy
from lgrshare.domain.policy.expert_reviews import ReviewKind
from lgrshare.notifications.tasks import Task


def tasks_for(user: User) -> list[Task]:
    """The person's open agreement tasks, in no particular order."""
    return [
        *_reviews_and_signatures(user),
        *_expert_reviews(user),
        *_returned(user),
        *_terms(user),
    ]


def _label(agreement: Agreement) -> str:
    return f"{agreement.reference}: {agreement.title}"


def _reviews_and_signatures(user: User) -> list[Task]:
    if user.council_id is None:
        return []
    parties = Party.objects.filter(
        council_id=user.council_id,
        version__agreement__state=State.IN_REVIEW,
        version__agreement__area__memberships__user=user,
    ).select_related("version__agreement", "council")
    tasks = []
    for party in parties:
        agreement = party.version.agreement
        if party.version.number != agreement.current().number:
            continue  # an earlier version's sign-off; the current one has its own parties
        link = reverse("agreement", args=[agreement.pk])
        if (
            party.dpo_decision == Party.Decision.PENDING
            and decide(user=user, action=policy.Action.APPROVE, agreement=agreement).allowed
        ):
            tasks.append(
                Task(
                    kind="agreement-review",
                    title=_label(agreement),
                    detail=f"Approve it for {party.council.name}, or return it with comments",
                    link=link,
                    since=agreement.state_changed_at,
                )
            )
        elif (
            party.dpo_decision == Party.Decision.APPROVED
            and party.signed_at is None
            and not missing_for(party, party.version)
            and decide(user=user, action=policy.Action.SIGN, agreement=agreement).allowed
        ):
            tasks.append(
                Task(
                    kind="agreement-sign",
                    title=_label(agreement),
                    detail=f"Sign it for {party.council.name}: its DPO approved it",
                    link=link,
                    since=party.dpo_at,
                )
            )
    return tasks


_EXPERT_ACTIONS = {
    ReviewKind.LEGAL: policy.Action.REVIEW_LEGAL,
    ReviewKind.IT_SECURITY: policy.Action.REVIEW_SECURITY,
}


def _expert_reviews(user: User) -> list[Task]:
    """Reviews the person's council still needs, of agreements in review, that they may give."""
    if user.council_id is None:
        return []
    parties = Party.objects.filter(
        council_id=user.council_id,
        signed_at__isnull=True,
        version__agreement__state=State.IN_REVIEW,
        version__agreement__area__memberships__user=user,
    ).select_related("version__agreement", "council")
    tasks = []
    for party in parties:
        agreement = party.version.agreement
        if party.version.number != agreement.current().number:
            continue
        for missing in missing_for(party, party.version):
            action = _EXPERT_ACTIONS[missing.kind]
            if decide(user=user, action=action, agreement=agreement).allowed:
                tasks.append(
                    Task(
                        kind="agreement-expert-review",
                        title=_label(agreement),
                        detail=missing.message,
                        link=reverse("agreement", args=[agreement.pk]) + "#advice",
                        since=agreement.state_changed_at,
                    )
                )
    return tasks


def _returned(user: User) -> list[Task]:
    """Drafts the person drafted (the agreement or its current version) that a DPO returned."""
    drafts = (
        Agreement.objects.filter(state=State.DRAFT, area__memberships__user=user)
        .filter(versions__created_by=user)
        .distinct()
    )
    tasks = []
    for agreement in drafts:
        version = agreement.current()
        if user.pk not in {agreement.created_by_id, version.created_by_id}:
            continue
        for party in version.parties.filter(dpo_decision=Party.Decision.RETURNED).select_related(
            "council"
        ):
            tasks.append(
                Task(
                    kind="agreement-returned",
                    title=_label(agreement),
                    detail=f"{party.council.name}'s DPO: {party.dpo_comments}",
                    link=reverse("agreement", args=[agreement.pk]),
                    since=party.dpo_at,
                )
            )
    return tasks


def _terms(user: User) -> list[Task]:
    """Active agreements whose data the policy would let the person read, but for the terms of
    the current version, which they have not accepted."""
    active = Agreement.objects.filter(state=State.ACTIVE, area__memberships__user=user).distinct()
    if not active:
        return []
    subject = subject_of(user)
    now = timezone.now()
    tasks = []
    for agreement in active:
        facts = facts_of(agreement)
        if (facts.agreement_id, facts.version) in subject.terms_accepted:
            continue
        datasets = Dataset.objects.filter(agreement=agreement).select_related("area")
        if any(
            policy.decide(
                subject=subject,
                action=policy.Action.VIEW_DATA,
                resource=dataset.policy_resource(),
                agreement=facts,
                now=now,
            ).reason
            == policy.DecisionReason.TERMS_NOT_ACCEPTED
            for dataset in datasets
        ):
            tasks.append(
                Task(
                    kind="terms-accept",
                    title=_label(agreement),
                    detail=f"Accept the terms of version {facts.version} to read its data",
                    link=reverse("agreement", args=[agreement.pk]),
                    since=agreement.state_changed_at,
                )
            )
    return tasks
