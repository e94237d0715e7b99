"""What makes data due (termination, an event a DPO records, early deletion), attestations
closing an agreement, and the reminders before deletion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lgrshare import access
from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import State
from lgrshare.agreements.status import add_months, after_event, status_of
from lgrshare.audit.models import AuditEntry
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.notifications.models import Notification
from lgrshare.retention import services
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.retention.notices import deletion_reminders_send
from lgrshare.retention.services import retention_run
from lgrshare.submissions.models import Submission
from tests.conftest import SURREY, WOKING
from tests.retention.conftest import DELETE_BY, make_agreement, noon, share


def test_a_terminated_agreement_is_deleted_after_its_grace_period_of_30_days(cast):
    agreement = make_agreement(cast)
    share(cast, agreement)
    agreements.agreement_terminate(
        user=cast["surrey_dpo"], agreement=agreement, reason="The proposals were withdrawn"
    )
    ended = timezone.localdate()
    assert retention_run(now=noon(ended + timedelta(days=29)), run_by="cron").issued == []
    (certificate,) = retention_run(now=noon(ended + timedelta(days=30)), run_by="cron").issued
    assert certificate.rule == "terminated"
    assert "30 days after the agreement was terminated" in certificate.rule_text


def test_data_kept_until_an_event_is_due_the_agreed_months_after_a_dpo_records_it(cast):
    agreement = make_agreement(
        cast,
        delete_by=None,
        retention_event="The Secretary of State's decision on the proposals",
        retention_months_after_event=2,
    )
    share(cast, agreement)
    decided = date.today() - timedelta(days=10)
    with pytest.raises(PermissionDenied) as refused:
        services.retention_event_record(
            user=cast["guildford_lead"], agreement=agreement, occurred_on=decided
        )
    assert refused.value.code == "role-not-permitted"
    with pytest.raises(InvalidInput) as future:
        services.retention_event_record(
            user=cast["surrey_dpo"], agreement=agreement, occurred_on=date.today() + timedelta(1)
        )
    assert future.value.code == "retention-event-in-future"
    services.retention_event_record(
        user=cast["surrey_dpo"], agreement=agreement, occurred_on=decided
    )
    assert AuditEntry.objects.filter(action="retention-event-recorded").count() == 1
    dry = retention_run(now=noon(date.today()), run_by="cron", dry_run=True)
    assert dry.would_delete == []
    later = retention_run(now=noon(date.today() + timedelta(days=70)), run_by="cron")
    (certificate,) = later.issued
    assert certificate.rule == "event-period"
    assert certificate.due_on == add_months(decided, 2)


def test_a_providers_dpo_deletes_its_own_submission_early_and_no_one_else_can(cast, shared):
    _, dataset, submission = shared
    with pytest.raises(PermissionDenied) as refused:
        services.submission_delete_early(
            user=cast["surrey_dpo"], submission=submission, reason="Not ours to delete"
        )
    assert refused.value.code == "not-your-council"
    certificate = services.submission_delete_early(
        user=cast["guildford_dpo"], submission=submission, reason="Sent the wrong year's file"
    )
    assert certificate.rule == "early-deletion"
    assert certificate.files_removed_at is not None
    submission.refresh_from_db()
    assert submission.state == Submission.State.DELETED
    decision = access.check(
        user=cast["surrey_analyst"],
        action=access.Action.VIEW_DATA,
        dataset=access.Deleted(dataset),
    )
    assert decision.reason == "data-deleted"
    with pytest.raises(InvalidInput) as again:
        services.submission_delete_early(
            user=cast["guildford_dpo"], submission=submission, reason="Twice"
        )
    assert again.value.code == "already-deleted"
    # The dataset itself still goes on its date, with its own certificate.
    assert len(retention_run(now=noon(DELETE_BY), run_by="cron").issued) == 1
    assert DeletionCertificate.objects.count() == 2


def test_the_agreement_closes_only_when_every_council_that_copied_the_data_has_attested(
    cast, shared
):
    agreement, dataset, _ = shared
    retention_run(now=noon(DELETE_BY), run_by="cron")
    surrey = Attestation.objects.get(council_id=SURREY)
    woking = Attestation.objects.get(council_id=WOKING)
    with pytest.raises(PermissionDenied) as refused:
        services.attestation_confirm(
            user=cast["guildford_dpo"], attestation=surrey, statement="x", declared=True
        )
    assert refused.value.code == "not-your-council"
    with pytest.raises(InvalidInput) as undeclared:
        services.attestation_confirm(
            user=cast["surrey_dpo"], attestation=surrey, statement="Deleted", declared=False
        )
    assert undeclared.value.code == "declaration-required"
    services.attestation_confirm(
        user=cast["surrey_dpo"],
        attestation=surrey,
        statement="The two downloaded copies were deleted from the analyst's laptop and share.",
        declared=True,
        now=noon(DELETE_BY),
    )
    agreement.refresh_from_db()
    assert agreement.state != State.CLOSED
    services.attestation_confirm(
        user=cast["woking_lead"],
        attestation=woking,
        statement="Deleted from the team drive and the recycle bin emptied.",
        declared=True,
        now=noon(DELETE_BY + timedelta(days=2)),
    )
    agreement.refresh_from_db()
    assert agreement.state == State.CLOSED
    assert status_of(agreement) == "closed"
    assert AuditEntry.objects.filter(action="deletion-attested").count() == 2
    assert AuditEntry.objects.filter(action="agreement-closed").count() == 1
    dataset.refresh_from_db()
    decision = access.check(
        user=cast["surrey_analyst"], action=access.Action.VIEW_DATA, dataset=dataset
    )
    assert decision.reason == "data-deleted"


def test_an_agreement_nobody_copied_from_closes_on_its_run(cast):
    agreement = make_agreement(cast)
    report = retention_run(now=noon(DELETE_BY), run_by="cron")
    assert [a.pk for a in report.closed] == [agreement.pk]
    assert not Attestation.objects.exists()


def test_the_public_register_still_lists_an_agreement_whose_data_was_deleted(cast, client):
    agreement = make_agreement(cast)
    before = client.get("/transparency/").content.decode()
    retention_run(now=noon(DELETE_BY), run_by="cron")
    agreement.refresh_from_db()
    assert agreement.state == State.CLOSED

    after = client.get("/transparency/").content.decode()
    assert agreement.title in before
    assert "In force" in before
    assert agreement.title in after
    assert "Ended: the shared data has been deleted" in after
    assert "In force" not in after


def test_the_public_register_says_an_agreement_past_its_delete_by_date_has_ended(cast, client):
    # Active in its stored state, but its delete-by date has passed: not "In force".
    agreement = make_agreement(cast)
    share(cast, agreement)
    agreement.versions.update(delete_by=timezone.localdate() - timedelta(days=1))

    page = client.get("/transparency/").content.decode()
    assert agreement.title in page
    assert "Ended: its data is due for deletion or deleted" in page
    assert "In force" not in page
    assert "Contracts register" in page  # the standard's title, not its code
    assert "contracts-register" not in page


def test_parties_data_leads_and_dpos_are_reminded_30_7_and_1_days_before_once_each(cast):
    make_agreement(cast)
    told = {}
    for days in (41, 30, 29, 7, 1):
        told[days] = deletion_reminders_send(today=DELETE_BY - timedelta(days=days))
    # Three councils' DPOs and Guildford's and Woking's data leads.
    assert told == {41: 0, 30: 5, 29: 0, 7: 5, 1: 5}
    texts = Notification.objects.filter(kind="deletion-due").values_list("text", flat=True)
    assert any("(1 day)" in text for text in texts)
    assert not Notification.objects.filter(
        kind="deletion-due", user__username__in=["gana", "sana", "wana"]
    ).exists()


def test_a_superseded_version_is_deleted_the_agreed_days_after_the_next_is_accepted(cast):
    import io

    from lgrshare.submissions import services as submissions
    from tests.submissions.test_submissions import STANDARD, contracts_csv

    agreement = make_agreement(cast, superseded_keep_days=14)
    first_dataset, first = share(cast, agreement)
    content = contracts_csv()
    second = submissions.submission_create(
        user=cast["guildford_analyst"],
        dataset=first_dataset,
        source=io.BytesIO(content),
        file_name="contracts.csv",
        size=len(content),
        period="2026-27",
    )
    submissions.submission_accept(user=cast["guildford_lead"], submission=second)
    accepted_on = timezone.localdate()
    assert retention_run(now=noon(accepted_on + timedelta(days=13)), run_by="cron").issued == []
    (certificate,) = retention_run(now=noon(accepted_on + timedelta(days=14)), run_by="cron").issued
    assert certificate.rule == "superseded"
    assert certificate.submission_id == first.pk
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Submission.State.DELETED
    assert second.state == Submission.State.ACCEPTED
    assert second.blob.destroyed_at is None
    assert STANDARD in first_dataset.slug
    assert retention_run(now=noon(accepted_on + timedelta(days=15)), run_by="cron").issued == []


@pytest.mark.parametrize(
    ("months", "event", "words"),
    [
        (
            3,
            "The end of the early options appraisal",
            "3 months after the end of the early options appraisal",
        ),
        (1, "LGR vesting day", "1 month after LGR vesting day"),
        (0, "The end of the transition", "at the end of the transition"),
        (None, None, "at the event the agreement names"),
    ],
)
def test_the_retention_rule_after_an_event_reads_as_a_sentence(months, event, words):
    assert after_event(months, event) == words
