"""Retention: what is due for deletion, the run that deletes it, and what people do about it
(record the event data is kept until, delete their own submission early, attest that local
copies are gone). The clock is a parameter everywhere: nothing reads the time itself except
through ``now``, so tests move time without sleeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lgrshare import access
from lgrshare.agreements.models import Agreement, State
from lgrshare.agreements.status import RetentionDue, retention_due
from lgrshare.audit.services import audit_record
from lgrshare.councils.models import User
from lgrshare.domain.audit import AuditEvent
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.policy import uk_date
from lgrshare.domain.policy.retention import RetentionAction
from lgrshare.retention.deletion import Deletion, delete_and_certify, finish_pending
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.submissions.models import Submission
from lgrshare.trail import record, record_hidden, refusals_recorded
from lgrshare.vault.storage import Storage

# Agreements that can hold no data: nothing was ever submitted under a draft.
_NEVER_HELD = (State.DRAFT,)


@dataclass(frozen=True, slots=True)
class Due:
    """A dataset due for deletion on ``due.on`` under ``due.rule``."""

    deletion: Deletion
    due: RetentionDue


@dataclass(slots=True)
class RunReport:
    """What a run did: datasets deleted (their certificates), those already deleted by another
    run, earlier runs completed, agreements closed, and in a dry run what would go."""

    issued: list[DeletionCertificate] = field(default_factory=list)
    already_done: int = 0
    completed: int = 0
    closed: list[Agreement] = field(default_factory=list)
    would_delete: list[Due] = field(default_factory=list)


def due_for_deletion(*, today: date, agreement: Agreement | None = None) -> list[Due]:
    """Return every dataset not yet deleted whose agreement's data is due by ``today`` (of
    ``agreement`` only, when given)."""
    found = []
    agreements = Agreement.objects.exclude(state__in=(*_NEVER_HELD, State.CLOSED)).select_related(
        "area"
    )
    if agreement is not None:
        agreements = agreements.filter(pk=agreement.pk)
    for held in agreements.order_by("pk"):
        due = retention_due(held)
        if due is None or due.on > today:
            continue
        for dataset in held.datasets.filter(deleted_at__isnull=True).order_by("pk"):
            deletion = Deletion(
                dataset=dataset,
                agreement=held,
                rule=due.rule,
                rule_text=due.explanation,
                due_on=due.on,
            )
            found.append(Due(deletion, due))
    return found


def superseded_due(*, today: date) -> list[Due]:
    """Return every superseded submission whose agreement keeps superseded versions a number
    of days (``superseded_keep_days``) and whose days are up by ``today``: counted from when
    the version that superseded it was accepted."""
    found = []
    candidates = Submission.objects.filter(
        state=Submission.State.SUPERSEDED, dataset__deleted_at__isnull=True
    ).select_related("dataset__agreement")
    for submission in candidates.order_by("pk"):
        agreement = submission.dataset.agreement
        if agreement is None or agreement.state in (*_NEVER_HELD, State.CLOSED):
            continue
        keep = agreement.current().superseded_keep_days
        later = (
            Submission.objects.filter(
                dataset=submission.dataset,
                period=submission.period,
                version__gt=submission.version,
                decided_at__isnull=False,
            )
            .order_by("decided_at")
            .first()
        )
        if keep is None or later is None or later.decided_at is None:
            continue
        superseded_on = timezone.localdate(later.decided_at)
        on = superseded_on + timedelta(days=keep)
        if on > today:
            continue
        rule = RetentionDue(
            on,
            "superseded",
            f"{keep} days after version {submission.version} for {submission.period} was "
            f"superseded by version {later.version} on {superseded_on:%-d %B %Y}",
        )
        deletion = Deletion(
            dataset=submission.dataset,
            agreement=agreement,
            rule=rule.rule,
            rule_text=rule.explanation,
            due_on=on,
            submission=submission,
        )
        found.append(Due(deletion, rule))
    return found


def retention_run(
    *,
    now: datetime,
    run_by: str,
    dry_run: bool = False,
    storage: Storage | None = None,
    agreement: Agreement | None = None,
) -> RunReport:
    """Delete every dataset due by ``now`` (UK date), issue a certificate for each, complete
    what an earlier run left unfinished, and close agreements whose deletion and attestations
    are complete; with ``dry_run`` only list what would go. Safe to run at once from several
    processes and again after a kill (see ``retention.deletion``). ``agreement`` limits the
    run to one agreement's data."""
    report = RunReport()
    due = due_for_deletion(today=uk_date(now), agreement=agreement)
    if agreement is None:
        due += superseded_due(today=uk_date(now))
    if dry_run:
        report.would_delete = due
        return report
    report.completed = finish_pending(now=now, storage=storage)
    for item in due:
        certificate = delete_and_certify(
            deletion=item.deletion, now=now, issued_by=run_by, storage=storage
        )
        if certificate is None:
            report.already_done += 1
        else:
            report.issued.append(certificate)
    finish_pending(now=now, storage=storage, only=[c.pk for c in report.issued])
    for certificate in report.issued:
        certificate.refresh_from_db()
    for touched in {c.agreement_id: c.agreement for c in report.issued}.values():
        if agreement_close_if_complete(agreement=touched, now=now):
            report.closed.append(touched)
    return report


def agreement_close_if_complete(*, agreement: Agreement, now: datetime) -> bool:
    """Close ``agreement`` when every dataset of it is deleted (or it has none and its data is
    due) and every attestation asked for is in; return whether it closed now."""
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        due = retention_due(agreement)
        datasets = agreement.datasets.all()
        # Every dataset deleted (a run deletes only what is due), or none to delete and due.
        deleted = (
            not datasets.filter(deleted_at__isnull=True).exists()
            if datasets.exists()
            else due is not None and due.on <= uk_date(now)
        )
        complete = (
            agreement.state != State.CLOSED
            and due is not None
            and deleted
            and not agreement.attestations.filter(confirmed_at__isnull=True).exists()
        )
        if not complete or due is None:
            return False
        agreement.state = State.CLOSED
        agreement.state_reason = "Data deleted under the retention rules; every attestation in"
        agreement.state_changed_at, agreement.state_changed_by = now, None
        agreement.save(
            update_fields=["state", "state_reason", "state_changed_at", "state_changed_by"]
        )
        audit_record(
            event=AuditEvent(
                name="agreement-closed",
                actor="system",
                target_type="agreement",
                target_id=str(agreement.pk),
                reason=due.rule,
                detail={"area": agreement.area.county_id},
            )
        )
    return True


def _parties(agreement: Agreement) -> frozenset[str]:
    return frozenset(agreement.current().parties.values_list("council_id", flat=True))


def _agreement_target(kwargs: Mapping[str, Any]) -> tuple[str, int, str | None]:
    agreement = kwargs["agreement"]
    assert isinstance(agreement, Agreement)
    return "agreement", agreement.pk, agreement.area.county_id


@refusals_recorded("retention-event-recorded", _agreement_target)
@transaction.atomic
def retention_event_record(
    *, user: User, agreement: Agreement, occurred_on: date, now: datetime | None = None
) -> Agreement:
    """A party's DPO records the day the event the terms keep data until happened; the data
    falls due the agreed months after it. Raises ``AccessDenied`` (recorded) and
    ``InvalidInput`` (``retention-event-not-agreed`` when the terms name no event,
    ``retention-event-in-future`` for a day not yet come, ``retention-event-fixed`` once data
    was deleted under the agreement)."""
    now = now or timezone.now()
    access.require_retention(
        user=user,
        action=RetentionAction.RECORD_EVENT,
        area=agreement.area.county_id,
        target_type="agreement",
        target_id=agreement.pk,
        parties=_parties(agreement),
    )
    version = agreement.current()
    if not version.retention_event:
        raise InvalidInput(
            "The agreement does not keep data until an event: it has a delete-by date",
            code="retention-event-not-agreed",
        )
    if occurred_on > uk_date(now):
        raise InvalidInput(
            "Record the event once it has happened", code="retention-event-in-future"
        )
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if DeletionCertificate.objects.filter(agreement=agreement).exists():
        # The certificate says when and under which rule the data went; the event that set
        # that date can no longer change, or the two records would disagree.
        raise InvalidInput(
            "The data was already deleted under this agreement: the event's date is fixed by "
            "its deletion certificate",
            code="retention-event-fixed",
        )
    agreement.retention_event_on = occurred_on
    agreement.retention_event_by, agreement.retention_event_at = user, now
    agreement.save(update_fields=["retention_event_on", "retention_event_by", "retention_event_at"])
    record(
        user=user,
        action="retention-event-recorded",
        target_type="agreement",
        target_id=agreement.pk,
        area=agreement.area.county_id,
        occurred_on=occurred_on.isoformat(),
    )
    return agreement


def _submission_target(kwargs: Mapping[str, Any]) -> tuple[str, int, str | None]:
    submission = kwargs["submission"]
    assert isinstance(submission, Submission)
    area = submission.dataset.area
    return "submission", submission.pk, area.county_id if area else None


@refusals_recorded("submission-deleted-early", _submission_target)
def submission_delete_early(
    *, user: User, submission: Submission, reason: str, now: datetime | None = None
) -> DeletionCertificate:
    """The holder council's DPO has its own submission deleted now, before the agreement's
    date: its key is destroyed and a certificate issued at once. Raises ``AccessDenied``
    (recorded) and ``InvalidInput`` (``reason-required``, ``already-deleted``)."""
    now = now or timezone.now()
    dataset = submission.dataset
    agreement = dataset.agreement
    if agreement is None or dataset.area is None:
        raise NotFound(
            "This submission is not shared under an agreement", code="submission-not-found"
        )
    access.require_retention(
        user=user,
        action=RetentionAction.DELETE_EARLY,
        area=dataset.area.county_id,
        target_type="submission",
        target_id=submission.pk,
        council=dataset.publisher_id,
    )
    if not reason.strip():
        raise InvalidInput("Say why the submission is to be deleted", code="reason-required")
    deletion = Deletion(
        dataset=dataset,
        agreement=agreement,
        rule="early-deletion",
        rule_text=f"Deleted early at the request of {user.get_full_name() or user.username}, "
        f"DPO of {dataset.publisher_name}: {reason.strip()}",
        due_on=uk_date(now),
        submission=submission,
    )
    certificate = delete_and_certify(
        deletion=deletion, now=now, issued_by=user.username, storage=None
    )
    if certificate is None:
        raise InvalidInput("This submission was already deleted", code="already-deleted")
    finish_pending(now=now, only=[certificate.pk])
    certificate.refresh_from_db()
    record(
        user=user,
        action="submission-deleted-early",
        target_type="submission",
        target_id=submission.pk,
        area=dataset.area.county_id,
        certificate=certificate.reference,
    )
    return certificate


def _attestation_target(kwargs: Mapping[str, Any]) -> tuple[str, int, str | None]:
    attestation = kwargs["attestation"]
    assert isinstance(attestation, Attestation)
    return "agreement", attestation.agreement_id, attestation.agreement.area.county_id


@refusals_recorded("deletion-attested", _attestation_target)
def attestation_confirm(
    *,
    user: User,
    attestation: Attestation,
    statement: str,
    declared: bool,
    now: datetime | None = None,
) -> Attestation:
    """A DPO or data lead of the council confirms its local copies are deleted, with a
    statement and the declaration; the agreement closes when this was the last one awaited.
    Raises ``AccessDenied`` (recorded) and ``InvalidInput`` (``statement-required``,
    ``declaration-required``, ``already-attested``)."""
    now = now or timezone.now()
    agreement = attestation.agreement
    access.require_retention(
        user=user,
        action=RetentionAction.ATTEST,
        area=agreement.area.county_id,
        target_type="agreement",
        target_id=agreement.pk,
        council=attestation.council_id,
    )
    if not statement.strip():
        raise InvalidInput(
            "Say how and where your council's copies were deleted", code="statement-required"
        )
    if not declared:
        raise InvalidInput(
            "Confirm the declaration to attest the deletion", code="declaration-required"
        )
    with transaction.atomic():
        locked = Attestation.objects.select_for_update().get(pk=attestation.pk)
        if locked.confirmed_at is not None:
            raise InvalidInput(
                f"{locked.council.official_name} has already confirmed the deletion",
                code="already-attested",
            )
        locked.confirmed_by, locked.confirmed_at = user, now
        locked.confirmed_by_name = user.get_full_name() or user.username
        locked.statement = statement.strip()
        locked.save(
            update_fields=["confirmed_by", "confirmed_by_name", "confirmed_at", "statement"]
        )
        record(
            user=user,
            action="deletion-attested",
            target_type="agreement",
            target_id=agreement.pk,
            area=agreement.area.county_id,
            council=locked.council_id,
        )
    agreement_close_if_complete(agreement=agreement, now=now)
    return locked


def attestation_get_for_user(*, pk: int, user: User) -> Attestation:
    """An attestation of an agreement in one of the user's areas, for a party's staff whose
    role may see retention records (the policy's ``view-retention`` with the agreement's
    parties); ``NotFound`` (another area's, recorded) or ``AccessDenied`` (recorded) otherwise.

    Found by the authorisation matrix: any member of the area, contractor staff included,
    could read (and post to) another council's confirmation page."""
    found = (
        Attestation.objects.select_related("agreement__area", "council")
        .filter(pk=pk, agreement__area__memberships__user=user)
        .first()
    )
    if found is None:
        elsewhere = Attestation.objects.filter(pk=pk).select_related("agreement__area").first()
        if elsewhere is not None:
            record_hidden(
                user=user,
                target_type="attestation",
                target_id=pk,
                area=elsewhere.agreement.area.county_id,
            )
        raise NotFound(
            f"There is no attestation {pk} that you can see", code="attestation-not-found"
        )
    parties = frozenset(found.agreement.current().parties.values_list("council_id", flat=True))
    access.require_retention(
        user=user,
        action=RetentionAction.VIEW,
        area=found.agreement.area.county_id,
        parties=parties,
        target_type="attestation",
        target_id=found.pk,
    )
    return found


def certificate_get_for_user(*, pk: int, user: User) -> DeletionCertificate:
    """A certificate of an agreement in one of the user's areas that the user may see the
    retention records of; ``NotFound`` or ``AccessDenied`` (recorded) otherwise."""
    found = (
        DeletionCertificate.objects.select_related("agreement__area", "dataset")
        .filter(pk=pk, agreement__area__memberships__user=user)
        .first()
    )
    if found is None:
        raise NotFound(
            f"There is no certificate {pk} that you can see", code="certificate-not-found"
        )
    access.require_retention(
        user=user,
        action=RetentionAction.VIEW,
        area=found.agreement.area.county_id,
        target_type="certificate",
        target_id=found.pk,
    )
    return found


def certificate_of(
    *, dataset_id: int, submission_id: int | None = None
) -> DeletionCertificate | None:
    """The certificate that records the deletion of a dataset (or of one of its submissions,
    deleted early), for a page that says the data was deleted to link straight to it."""
    scopes = [f"dataset:{dataset_id}"]
    if submission_id is not None:
        scopes.append(f"submission:{submission_id}")
    return DeletionCertificate.objects.filter(scope__in=scopes).order_by("issued_at").first()
