"""Review-date reminders: sent from a cron-safe command, at most once per person and date."""

from __future__ import annotations

from datetime import date, timedelta

from click.testing import CliRunner
from django.core import mail

from lgrshare.agreements.models import AgreementVersion
from lgrshare.agreements.notices import review_reminders_send
from lgrshare.cli import main
from lgrshare.notifications.models import Notification
from tests.notifications.conftest import told


def _review_on(agreement, when: date) -> None:
    AgreementVersion.objects.filter(pk=agreement.current().pk).update(review_date=when)


def test_a_review_date_within_30_days_reminds_the_parties_once(
    active, django_capture_on_commit_callbacks
):
    today = date.today()
    _review_on(active, today + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        first = review_reminders_send(today=today)
    people = told("review-due")
    assert first == len(people) > 0
    assert {"gdpo", "sdpo", "gsign", "ssign", "gary"} <= people
    assert not people & {"wdpo", "wanalyst", "charlie"}
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = review_reminders_send(today=today + timedelta(days=1))
    assert again == 0
    assert Notification.objects.filter(kind="review-due").count() == first
    assert len(mail.outbox) == sent


def test_a_review_date_further_off_waits(active):
    today = date.today()
    _review_on(active, today + timedelta(days=31))
    assert review_reminders_send(today=today) == 0
    assert review_reminders_send(today=today + timedelta(days=1)) > 0


def test_a_new_review_date_is_reminded_afresh(active):
    today = date.today()
    _review_on(active, today + timedelta(days=10))
    first = review_reminders_send(today=today)
    _review_on(active, today + timedelta(days=25))
    assert review_reminders_send(today=today) == first


def test_agreements_not_active_are_not_reminded(in_review):
    _review_on(in_review, date.today() + timedelta(days=5))
    assert review_reminders_send(today=date.today()) == 0


def test_the_command_can_run_twice_and_reminds_once(active):
    _review_on(active, date.today() + timedelta(days=3))
    runner = CliRunner()
    first = runner.invoke(main, ["notify", "reminders"])
    assert first.exit_code == 0, first.output
    count = Notification.objects.filter(kind="review-due").count()
    assert f"Sent {count} review-date reminder(s)." in first.output
    second = runner.invoke(main, ["notify", "reminders"])
    assert second.exit_code == 0
    assert "Sent 0 review-date reminder(s)." in second.output
    assert Notification.objects.filter(kind="review-due").count() == count
