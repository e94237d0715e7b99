"""Requests and the forum: find first, ask well, answer, discuss; nothing for outsiders."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from lgrshare.councils.models import Area
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.notifications.models import Notification
from lgrshare.requests import services
from tests.conftest import SURREY, _make

QUESTION = (
    "Which Surrey County Council contracts serving Guildford run beyond the date the new "
    "councils take over?"
)


def form_data(**overrides):
    data = {
        "question": QUESTION,
        "not_enough": "Spending data has no end dates",
        "purpose": "Cost the transfer of contracts",
        "legal_power": "Local Government Act 1972 s.111",
        "standard": "contracts-register",
        "holders": [SURREY],
        "fields_wanted": ["contract_reference", "end_date", "districts_served"],
        "geography_level": "council",
        "period": "2026",
    }
    return {**data, **overrides}


@pytest.fixture
def surrey():
    return Area.objects.get(county_id=SURREY)


@pytest.fixture
def surrey_lead(db):
    """Surrey County Council's data lead: the holder who answers."""
    user = _make("sue", ["data-lead"], SURREY)
    user.email = "sue@surreycc.gov.uk"
    user.save()
    return user


@pytest.fixture
def opened(alice, surrey, surrey_lead, django_capture_on_commit_callbacks):
    request = services.request_create_from_form(user=alice, area=surrey, data=form_data())
    with django_capture_on_commit_callbacks(execute=True):
        services.request_open(user=alice, request=request)
    return request


def test_a_draft_records_what_was_checked_and_is_seen_only_by_its_author(
    signed_in, alice, bob, surrey
):
    draft = services.request_create_from_form(user=alice, area=surrey, data=form_data())
    assert draft.state == "draft"
    assert draft.discovery["why_not_enough"] == "Spending data has no end dates"
    assert "public" in draft.discovery
    assert signed_in(alice).get(f"/requests/{draft.pk}/").status_code == 200
    assert signed_in(bob).get(f"/requests/{draft.pk}/").status_code == 404


def test_opening_tells_the_holders_data_leads(opened, surrey_lead):
    assert Notification.objects.filter(
        user=surrey_lead, kind="request-to-answer", link=f"/requests/{opened.pk}/"
    ).exists()
    assert mail.outbox[0].to == ["sue@surreycc.gov.uk"]
    assert QUESTION[:40] in mail.outbox[0].body
    assert f"http://127.0.0.1:8000/requests/{opened.pk}/" in mail.outbox[0].body


def test_the_holders_data_lead_answers_and_the_requester_hears(opened, surrey_lead, alice):
    services.request_answer(
        user=surrey_lead, request=opened, answer="needs-agreement", reason="Commercially sensitive"
    )
    response = opened.responses.get()
    assert response.answer == "needs-agreement"
    assert Notification.objects.filter(user=alice, link=f"/requests/{opened.pk}/").exists()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("alice", "not-a-holder"),
        ("bob", "not-a-holder"),
        ("dave", "contractor-read-only"),
        ("surrey_analyst", "role-not-permitted"),
    ],
)
def test_only_a_holders_data_lead_answers(request, opened, who, code):
    user = (
        _make("sam", ["analyst"], SURREY)
        if who == "surrey_analyst"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied) as caught:
        services.request_answer(user=user, request=opened, answer="will-provide")
    assert caught.value.code == code


def test_an_outsider_sees_nothing_of_the_area(signed_in, opened, charlie):
    client = signed_in(charlie)
    assert client.get(f"/requests/{opened.pk}/").status_code == 404
    assert client.get(f"/areas/{SURREY}/requests/").status_code == 404
    assert client.post(f"/requests/{opened.pk}/comment", {"body": "hi"}).status_code == 404
    assert client.get(f"/areas/{SURREY}/find/").status_code == 404


def test_a_contractor_reads_the_register_but_cannot_raise(signed_in, opened, dave, surrey):
    assert signed_in(dave).get(f"/areas/{SURREY}/requests/").status_code == 200
    with pytest.raises(PermissionDenied) as caught:
        services.request_create_from_form(user=dave, area=surrey, data=form_data())
    assert caught.value.code == "contractor-read-only"


def test_declining_needs_a_reason(opened, surrey_lead):
    with pytest.raises(InvalidInput) as caught:
        services.request_answer(user=surrey_lead, request=opened, answer="declined")
    assert caught.value.code == "decline-reason-required"


def test_closing_needs_a_stop_reason_and_an_explanation(opened, alice):
    with pytest.raises(InvalidInput):
        services.request_close(user=alice, request=opened, reason="bored", note="x")
    with pytest.raises(InvalidInput) as caught:
        services.request_close(user=alice, request=opened, reason="refused", note=" ")
    assert caught.value.code == "stop-note-required"
    services.request_close(
        user=alice,
        request=opened,
        reason="no-power-to-share",
        note="No power covers onward sharing",
    )
    opened.refresh_from_db()
    assert (opened.state, opened.stop_reason) == ("closed", "no-power-to-share")


def test_only_the_requesting_side_closes(opened, bob):
    with pytest.raises(PermissionDenied) as caught:
        services.request_close(user=bob, request=opened, reason="refused", note="x")
    assert caught.value.code == "not-the-requester"


def test_a_second_analyst_is_pointed_to_the_open_request(opened, bob, surrey):
    found = services.find(user=bob, area=surrey, question=QUESTION, standard="contracts-register")
    assert found.open_requests == [opened]
    services.request_join(user=bob, request=opened)
    assert opened.joined.filter(pk=bob.pk).exists()


def test_asking_for_fields_the_standard_lacks_is_refused(alice, surrey):
    with pytest.raises(InvalidInput) as caught:
        services.request_create_from_form(
            user=alice, area=surrey, data=form_data(fields_wanted=["salary"])
        )
    assert caught.value.code == "unknown-field"


def test_the_hub_warns_when_a_request_asks_for_more_than_its_question_needs(alice, surrey):
    greedy = services.request_create_from_form(
        user=alice,
        area=surrey,
        data=form_data(
            question="How many residents in each district use adult social care?",
            standard="",
            fields_wanted=[],
            geography_level="point",
            items="name\ndate of birth\naddress",
            personal_data=True,
        ),
    )
    codes = {code for code, _ in services.request_warnings(greedy)}
    assert {"direct-identifiers", "finer-geography"} <= codes


def test_a_comment_with_a_checked_attachment(signed_in, opened, surrey_lead):
    client = signed_in(surrey_lead)
    upload = SimpleUploadedFile("fields.csv", b"field,notes\nend_date,ok\n")
    response = client.post(
        f"/requests/{opened.pk}/comment", {"body": "Draft layout", "attachment": upload}
    )
    assert response.status_code == 302
    comment = opened.comments.get()
    assert comment.attachment.name == "fields.csv"
    download = client.get(f"/requests/{opened.pk}/attachments/{comment.attachment.pk}")
    assert download.content == b"field,notes\nend_date,ok\n"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("tool.exe", b"MZ\x90\x00", "file-type-not-allowed"),
        ("data.xlsx", b"not a zip", "file-content-mismatch"),
        ("data.csv", b"a,b\x00\x00", "file-content-mismatch"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(
    signed_in, opened, surrey_lead, name, content, code
):
    upload = SimpleUploadedFile(name, content)
    response = signed_in(surrey_lead).post(
        f"/requests/{opened.pk}/comment", {"body": "see file", "attachment": upload}
    )
    assert response.status_code == 400
    assert not opened.comments.exists()


def test_folders_in_an_attachment_name_are_never_used(signed_in, opened, surrey_lead):
    upload = SimpleUploadedFile("../../etc/passwd.csv", b"a,b\n")
    signed_in(surrey_lead).post(
        f"/requests/{opened.pk}/comment", {"body": "see file", "attachment": upload}
    )
    assert opened.comments.get().attachment.name == "passwd.csv"


def test_the_register_lists_status_and_answers(signed_in, opened, bob):
    html = signed_in(bob).get(f"/areas/{SURREY}/requests/").content.decode()
    assert opened.reference in html
    assert "Open" in html


def test_api_create_open_answer_comment_and_close(client, alice, surrey_lead, charlie):
    from lgrshare.accounts.services import token_create

    def as_user(user):
        _, secret = token_create(user=user, name="t")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    a, s, c = as_user(alice), as_user(surrey_lead), as_user(charlie)
    body = {**form_data(), "area_gss": SURREY}
    created = client.post("/api/v1/requests", body, content_type="application/json", **a)
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    assert client.get(f"/api/v1/requests/{rid}", **c).status_code == 404
    opened = client.post(
        f"/api/v1/requests/{rid}/state", {"action": "open"}, content_type="application/json", **a
    )
    assert opened.json()["state"] == "open"
    answered = client.post(
        f"/api/v1/requests/{rid}/answer",
        {"answer": "will-provide"},
        content_type="application/json",
        **s,
    )
    assert answered.json()["holders"][0]["answer"] == "will-provide"
    refused = client.post(
        f"/api/v1/requests/{rid}/answer",
        {"answer": "will-provide"},
        content_type="application/json",
        **a,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "not-a-holder"
    comment = client.post(
        f"/api/v1/requests/{rid}/comments", {"body": "Thanks"}, content_type="application/json", **a
    )
    assert comment.status_code == 201
    listed = client.get("/api/v1/requests", {"area": SURREY}, **s).json()
    assert [r["id"] for r in listed] == [rid]
    assert client.get("/api/v1/requests", {"area": SURREY}, **c).status_code == 404
    bad = client.post(
        f"/api/v1/requests/{rid}/state", {"action": "close"}, content_type="application/json", **a
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "stop-reason-required"


def test_cli_lists_an_areas_requests(opened):
    from click.testing import CliRunner

    from lgrshare.cli import main

    result = CliRunner().invoke(main, ["requests", "list", "--area", SURREY])
    assert result.exit_code == 0
    assert opened.reference in result.output
    assert "Surrey: pending" in result.output
