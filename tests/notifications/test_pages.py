"""The notifications page: the unread count in the header, marking read, nobody else's."""

from __future__ import annotations

from lgrshare.audit.models import AuditEntry
from lgrshare.notifications.models import Notification
from lgrshare.notifications.services import notify


def _tell(user, text: str) -> Notification:
    [note] = notify(users=[user], text=text, link="/agreements/1/", kind="review-needed")
    return note


def test_the_header_counts_unread_notifications_and_the_page_lists_them(cast, signed_in):
    _tell(cast["gdpo"], "DSA-00001 needs your review as DPO")
    _tell(cast["gdpo"], "DSA-00002 needs your review as DPO")
    client = signed_in(cast["gdpo"])
    page = client.get("/notifications/").content.decode()
    assert "Notifications (2)" in page
    assert page.index("DSA-00002") < page.index("DSA-00001")  # newest first
    assert 'href="/agreements/1/"' in page


def test_marking_one_read_lowers_the_count_and_is_audited(cast, signed_in):
    first = _tell(cast["gdpo"], "DSA-00001 needs your review as DPO")
    _tell(cast["gdpo"], "DSA-00002 needs your review as DPO")
    client = signed_in(cast["gdpo"])
    response = client.post("/notifications/read", {"notification": first.pk})
    assert response.status_code == 302
    assert "Notifications (1)" in client.get("/notifications/").content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    entry = AuditEntry.objects.filter(action="notifications-read").latest("seq")
    assert (entry.actor, entry.target_id) == ("gdpo", str(first.pk))


def test_marking_all_read_clears_the_count(cast, signed_in):
    _tell(cast["gdpo"], "DSA-00001 needs your review as DPO")
    _tell(cast["gdpo"], "DSA-00002 needs your review as DPO")
    client = signed_in(cast["gdpo"])
    client.post("/notifications/read")
    page = client.get("/notifications/").content.decode()
    assert "Notifications (" not in page
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_another_persons_notification_cannot_be_marked_or_seen(cast, signed_in):
    theirs = _tell(cast["gdpo"], "DSA-00001 needs your review as DPO")
    client = signed_in(cast["charlie"])
    assert "DSA-00001" not in client.get("/notifications/").content.decode()
    response = client.post("/notifications/read", {"notification": theirs.pk})
    assert response.status_code == 404
    assert "notification-not-found" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_forged_notification_id_is_a_clear_400(cast, signed_in):
    response = signed_in(cast["gdpo"]).post("/notifications/read", {"notification": "1; DROP"})
    assert response.status_code == 400
    assert "notification-invalid" in response.content.decode()


def test_the_notifications_page_needs_a_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/sign-in" in response["Location"]
