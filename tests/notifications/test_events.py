"""Each event tells the people it waits for, by notification and email, and nobody else."""

from __future__ import annotations

import io

import pytest
from django.core import mail

from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.standards.templates import example_row
from lgrshare.notifications.models import Notification
from lgrshare.notifications.services import notify
from lgrshare.requests import services as requests
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services as submissions
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.notifications.conftest import STANDARD, TERMS, told


def test_sending_for_review_tells_each_partys_dpo_and_nobody_else(
    draft, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agreements.agreement_send_for_review(user=cast["gary"], agreement=draft)
    assert told("review-needed") == {"gdpo", "sdpo"}
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"gdpo", "sdpo"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gdpo@guildford.gov.uk",
        "sdpo@surreycc.gov.uk",
    ]
    body = mail.outbox[0].body
    assert f"http://127.0.0.1:8000/agreements/{draft.pk}/" in body
    assert draft.reference in mail.outbox[0].subject


def test_a_new_version_asks_the_dpos_to_review_again(active, cast):
    Notification.objects.all().delete()
    agreements.agreement_update(
        user=cast["gary"],
        agreement=active,
        parties={SURREY: True, GUILDFORD: False},
        terms={**TERMS, "purposes": "Also to plan procurement."},
    )
    assert told("review-needed") == {"gdpo", "sdpo"}
    assert "version 2" in Notification.objects.filter(kind="review-needed").first().text


def test_a_dpos_approval_asks_their_own_councils_signatory_to_sign(in_review, cast):
    agreements.agreement_dpo_review(user=cast["sdpo"], agreement=in_review, approve=True)
    assert told("signature-needed") == {"ssign"}


def test_a_return_tells_the_drafter_with_the_dpos_comments(in_review, cast):
    agreements.agreement_dpo_review(
        user=cast["gdpo"], agreement=in_review, approve=False, comments="Add the retention event"
    )
    assert told("agreement-returned") == {"gary"}
    note = Notification.objects.get(kind="agreement-returned")
    assert "Add the retention event" in note.text
    assert "Guildford" in note.text


def test_going_active_tells_the_parties_and_their_readers_but_not_woking_or_kent(active):
    # The last signatory (gsign) made it active and is not told of their own act.
    assert told("agreement-active") == {"gary", "gdpo", "sdpo", "ssign", "alice", "sue"}


@pytest.mark.parametrize(
    ("stop", "kind"),
    [
        (agreements.agreement_suspend, "agreement-suspended"),
        (agreements.agreement_terminate, "agreement-terminated"),
    ],
)
def test_suspending_or_terminating_tells_the_parties_with_the_reason(active, cast, stop, kind):
    stop(user=cast["sdpo"], agreement=active, reason="The register was found to hold names")
    people = told(kind)
    assert {"gary", "gdpo", "ssign", "gsign", "alice", "sue"} <= people
    assert not people & {"sdpo", "wdpo", "wanalyst", "charlie"}
    assert "found to hold names" in Notification.objects.filter(kind=kind).first().text


def _contracts_csv() -> bytes:
    """A contracts register holding just the fields the agreement shares."""
    standard = standard_get(name=STANDARD)
    agreed = TERMS["data_items"][0]["fields"]
    example = dict(zip([f.name for f in standard.fields], example_row(standard), strict=True))
    row = ",".join(f'"{example[name]}"' for name in agreed)
    return f"{','.join(agreed)}\n{row}\n".encode()


def test_accepted_data_tells_the_recipients_not_the_provider_nor_outsiders(active, cast):
    dataset = submissions.dataset_for(agreement=active, standard=STANDARD, council=SURREY)
    content = _contracts_csv()
    submission = submissions.submission_create(
        user=cast["sue"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="contracts.csv",
        size=len(content),
        period="2026-27",
    )
    assert not told("data-accepted")  # submitted, not yet accepted
    submissions.submission_accept(user=cast["sue"], submission=submission)
    # Guildford receives: its analyst and data lead may read (once they accept the terms);
    # its DPO and signatory hold no reading role; Surrey provided the data.
    assert told("data-accepted") == {"alice", "gary"}
    note = Notification.objects.get(kind="data-accepted", user=cast["alice"])
    assert note.link == f"/catalogue/{dataset.slug}/"


def test_opening_a_request_tells_the_holders_data_leads_only(cast):
    request = requests.request_create_from_form(
        user=cast["alice"],
        area=Area.objects.get(county_id=SURREY),
        data={
            "question": "Which county contracts end after vesting day?",
            "not_enough": "Spending data has no end dates",
            "purpose": "Costing",
            "standard": STANDARD,
            "holders": [SURREY],
            "fields_wanted": ["end_date"],
            "legal_power": "LGA 1972 s.111",
        },
    )
    requests.request_open(user=cast["alice"], request=request)
    assert told("request-to-answer") == {"sue"}


def test_notify_tells_each_active_person_once_and_audits_who(
    cast, django_capture_on_commit_callbacks
):
    cast["wdpo"].is_active = False
    cast["wdpo"].save()
    cast["sue"].email = "sue@example.invalid"
    cast["sue"].save()
    with django_capture_on_commit_callbacks(execute=True):
        stored = notify(
            users=[cast["gdpo"], cast["gdpo"], cast["wdpo"], cast["sue"]],
            text="DSA-00009\nneeds your review",
            link="/agreements/9/",
            kind="review-needed",
        )
    assert [n.user.username for n in stored] == ["gdpo", "sue"]
    assert stored[0].text == "DSA-00009 needs your review"  # one line, fit for a subject
    assert [m.to for m in mail.outbox] == [["gdpo@guildford.gov.uk"]]  # .invalid never mailed
    entry = AuditEntry.objects.filter(action="notification-sent").latest("seq")
    assert entry.to_record().detail["recipients"] == "gdpo,sue"


def test_notify_refuses_a_kind_it_does_not_know(cast):
    with pytest.raises(ValueError, match="something-else"):
        notify(users=[cast["gdpo"]], text="x", link="/", kind="something-else")
    assert not Notification.objects.exists()


def test_a_mail_server_that_is_down_leaves_the_notification_standing(
    cast, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard port: nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[cast["gdpo"]], text="Review", link="/agreements/1/", kind="review-needed")
    assert Notification.objects.filter(user=cast["gdpo"]).exists()
    assert "could not be sent" in caplog.text
    assert "gdpo@" not in caplog.text


def test_nobody_at_woking_is_told_anything_about_an_agreement_woking_is_not_party_to(active, cast):
    agreements.agreement_suspend(user=cast["gdpo"], agreement=active, reason="Paused")
    assert not Notification.objects.filter(user__council_id=WOKING).exists()
    assert not Notification.objects.filter(user=cast["charlie"]).exists()
