"""Who is told what about an agreement: review needed, signature needed, returned, active,
suspended, terminated, review date near, and data accepted under it.

Each event is one call from the agreements (or submissions) service that causes it. Who is told
is asked of the policy, never written here as a role list: a DPO is told of a review when the
policy would let them approve it, a signatory when it would let them sign, a reader when it
would let them read the data (perhaps once they accept the terms). The person who caused the
event is not told of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lgrshare import access

# A module reference, not names: the agreements service imports this module as it loads.
from lgrshare.agreements import services as agreements
from lgrshare.agreements.facts import facts_of
from lgrshare.agreements.models import Agreement, ExpertReview, Party, State, TermsAcceptance
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import User
from lgrshare.domain import policy
from lgrshare.notifications.services import notify

# A review-date reminder goes out this many days before the date (or later, if the command
# was not run in time).
REVIEW_NOTICE_DAYS = 30
# A refusal for these reasons only means "not yet": the person is among the agreement's readers.
_WOULD_READ = frozenset({policy.DecisionReason.ALLOWED, policy.DecisionReason.TERMS_NOT_ACCEPTED})


def _link(agreement: Agreement) -> str:
    return reverse("agreement", args=[agreement.pk])


def _area_people(agreement: Agreement, councils: Iterable[str], *, contractors: bool) -> list[User]:
    """Active people of the agreement's area at ``councils`` (and, with ``contractors``, the
    staff of contractors working for them)."""
    codes = list(councils)
    where = Q(council_id__in=codes)
    if contractors:
        where |= Q(contractor__works_for_id__in=codes)
    return list(
        User.objects.filter(where, is_active=True, area_memberships__area_id=agreement.area_id)
        .select_related("contractor")
        .prefetch_related("role_grants")
        .distinct()
    )


def _may(action: policy.Action, agreement: Agreement, people: Iterable[User]) -> list[User]:
    return [
        person
        for person in people
        if agreements.decide(user=person, action=action, agreement=agreement).allowed
    ]


def _readers(
    facts: policy.AgreementFacts, datasets: list[Dataset], people: Iterable[User], now: datetime
) -> list[User]:
    """Those the policy lets read (or, for a provider, submit to) one of ``datasets`` under
    ``facts``, counting people who have still to accept the terms."""
    resources = [d.policy_resource() for d in datasets]
    found = []
    for person in people:
        subject = access.subject_of(person)
        for resource in resources:
            reads = policy.decide(
                subject=subject,
                action=policy.Action.VIEW_DATA,
                resource=resource,
                agreement=facts,
                now=now,
            )
            submits = policy.decide(
                subject=subject,
                action=policy.Action.SUBMIT,
                resource=resource,
                agreement=facts,
                now=now,
            )
            if reads.reason in _WOULD_READ or submits.allowed:
                found.append(person)
                break
    return found


def _parties_people(agreement: Agreement) -> list[User]:
    """Everyone an agreement's state concerns: its drafters, the DPOs and signatories who
    signed off its current version, everyone who accepted its terms, and everyone the policy
    would let read or submit its data were it active."""
    version = agreement.current()
    parties = list(version.parties.all())
    ids = {agreement.created_by_id, version.created_by_id}
    ids |= {p.dpo_by_id for p in parties} | {p.signed_by_id for p in parties}
    ids |= set(
        TermsAcceptance.objects.filter(agreement=agreement).values_list("user_id", flat=True)
    )
    involved = list(User.objects.filter(pk__in=_known(ids), is_active=True))
    as_if_active = replace(facts_of(agreement), state=policy.AgreementState.ACTIVE)
    datasets = list(Dataset.objects.filter(agreement=agreement).select_related("area"))
    candidates = _area_people(agreement, [p.council_id for p in parties], contractors=True)
    return involved + _readers(as_if_active, datasets, candidates, timezone.now())


def _known(ids: Iterable[int | None]) -> set[int]:
    return {pk for pk in ids if pk is not None}


def _others(people: Iterable[User], by: User | None) -> list[User]:
    return [person for person in people if by is None or person.pk != by.pk]


def review_needed(*, agreement: Agreement, by: User) -> None:
    """Tell the DPOs of the parties still to approve that the current version waits for them."""
    version = agreement.current()
    waiting = version.parties.filter(dpo_decision=Party.Decision.PENDING)
    dpos = _may(
        policy.Action.APPROVE,
        agreement,
        _area_people(agreement, waiting.values_list("council_id", flat=True), contractors=False),
    )
    which = f" (version {version.number})" if version.number > 1 else ""
    notify(
        users=_others(dpos, by),
        text=f"{agreement.reference}{which} needs your review as DPO: {agreement.title}",
        link=_link(agreement),
        kind="review-needed",
    )


def dpo_reviewed(*, party: Party, by: User) -> None:
    """After a DPO's decision: an approval asks the party's signatories to sign; a return tells
    the drafters, with the DPO's comments."""
    agreement = party.version.agreement
    if party.dpo_decision == Party.Decision.APPROVED:
        signatories = _may(
            policy.Action.SIGN,
            agreement,
            _area_people(agreement, [party.council_id], contractors=False),
        )
        notify(
            users=_others(signatories, by),
            text=f"{agreement.reference} needs your signature for {party.council.name}: "
            f"its DPO approved {agreement.title}",
            link=_link(agreement),
            kind="signature-needed",
        )
    elif party.dpo_decision == Party.Decision.RETURNED:
        drafters = User.objects.filter(
            pk__in=_known({agreement.created_by_id, party.version.created_by_id}),
            is_active=True,
        )
        notify(
            users=_others(drafters, by),
            text=f"{agreement.reference} was returned by {party.council.name}'s DPO: "
            f"{party.dpo_comments}",
            link=_link(agreement),
            kind="agreement-returned",
        )


_REVIEW_WORDS = {
    "legal": (policy.Action.REVIEW_LEGAL, "a legal review"),
    "it-security": (policy.Action.REVIEW_SECURITY, "an IT security review of its security level"),
}


def expert_review_needed(*, party: Party, kinds: Iterable[str], by: User) -> None:
    """Tell a party's legal advisers and IT security officers that the current version needs
    their review before their council signs."""
    agreement = party.version.agreement
    for kind in kinds:
        action, words = _REVIEW_WORDS[str(kind)]
        experts = _may(
            action, agreement, _area_people(agreement, [party.council_id], contractors=False)
        )
        notify(
            users=_others(experts, by),
            text=f"{agreement.reference} needs {words} for {party.council.name} before it is "
            f"signed: {agreement.title}",
            link=_link(agreement),
            kind="expert-review-needed",
        )


_EXPERT = {"legal": "legal adviser", "it-security": "IT security officer"}


def expert_reviewed(*, review: ExpertReview, by: User) -> None:
    """After an expert's review: the council's DPOs hear of it; changes needed also go to the
    council's signatories (who cannot sign until it is reviewed) and the drafters, with the
    expert's comments."""
    party = review.party
    agreement = party.version.agreement
    dpos = _may(
        policy.Action.APPROVE,
        agreement,
        _area_people(agreement, [party.council_id], contractors=False),
    )
    people = list(dpos)
    if review.outcome == ExpertReview.Outcome.CHANGES_NEEDED:
        people += _may(
            policy.Action.SIGN,
            agreement,
            _area_people(agreement, [party.council_id], contractors=False),
        )
        people += list(
            User.objects.filter(
                pk__in=_known({agreement.created_by_id, party.version.created_by_id}),
                is_active=True,
            )
        )
        text = (
            f"{agreement.reference}: {party.council.name}'s {_EXPERT[review.kind]} asks for "
            f"changes before it is signed: {review.comments}"
        )
    else:
        text = (
            f"{agreement.reference}: {party.council.name}'s {_EXPERT[review.kind]} reviewed it "
            f"({review.by_name})"
        )
    notify(users=_others(people, by), text=text, link=_link(agreement), kind="expert-reviewed")


_STATE_WORDS = {
    State.ACTIVE: ("agreement-active", "is active: every party has signed"),
    State.SUSPENDED: ("agreement-suspended", "is suspended: no data can be read or submitted"),
    State.TERMINATED: ("agreement-terminated", "is terminated"),
}


def state_changed(*, agreement: Agreement, by: User) -> None:
    """Tell the parties' people that the agreement became active, or was suspended or
    terminated (with the reason given)."""
    kind, words = _STATE_WORDS[State(agreement.state)]
    reason = f" ({agreement.state_reason})" if agreement.state != State.ACTIVE else ""
    notify(
        users=_others(_parties_people(agreement), by),
        text=f"{agreement.reference} {words}{reason}: {agreement.title}",
        link=_link(agreement),
        kind=kind,
    )


def data_accepted(*, dataset: Dataset, period: str, by: User) -> None:
    """Tell those who may read ``dataset`` under its agreement (or may once they accept the
    terms) that its data for ``period`` was accepted; the providing council's staff are not
    told of their own data."""
    agreement = dataset.agreement
    if agreement is None:
        return
    councils = agreement.current().parties.exclude(council_id=dataset.publisher_id)
    candidates = [
        person
        for person in _area_people(
            agreement, councils.values_list("council_id", flat=True), contractors=True
        )
        if person.council_id != dataset.publisher_id
    ]
    readers = _readers(facts_of(agreement), [dataset], candidates, timezone.now())
    notify(
        users=_others(readers, by),
        text=f"New data under {agreement.reference}: {dataset.title}, {period}, "
        f"accepted by {dataset.publisher_name}",
        link=reverse("dataset", args=[dataset.slug]),
        kind="data-accepted",
    )


def review_reminders_send(*, today: date) -> int:
    """Remind the parties' people of each active agreement whose review date is at most
    ``REVIEW_NOTICE_DAYS`` away (or has passed); return how many people were told.

    Safe to run from cron as often as liked: each person is reminded once per agreement,
    version and review date (``notify``'s ``once_key``), so a rerun tells nobody twice; a new
    version with a new review date reminds again.
    """
    horizon = today + timedelta(days=REVIEW_NOTICE_DAYS)
    told = 0
    due = Agreement.objects.filter(
        state=State.ACTIVE, versions__review_date__lte=horizon
    ).distinct()
    for agreement in due:
        version = agreement.current()
        when = version.review_date
        if when is None or when > horizon:
            continue
        verb = "was due" if when < today else "is due"
        told += len(
            notify(
                users=_parties_people(agreement),
                text=f"{agreement.reference}'s review {verb} on {when.day} {when:%B %Y}: "
                f"{agreement.title}",
                link=_link(agreement),
                kind="review-due",
                once_key=f"review-due:{agreement.pk}:v{version.number}:{when.isoformat()}",
            )
        )
    return told
