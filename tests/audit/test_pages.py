"""The trail pages and API: DPOs of the area only; everyone else refused, outsiders see nothing."""

from __future__ import annotations

import pytest

from lgrshare.accounts.services import token_create
from lgrshare.audit.anchor import anchor_write
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.domain.audit import AuditEvent

TARGET = "/audit/target/dataset/7"
PERSON = "/audit/person/alice"
API = "/api/v1/audit?target_type=dataset&target_id=7"


def _download(user, target_id: str = "7") -> None:
    audit_record(
        event=AuditEvent(
            name="download",
            actor=user.username,
            target_type="dataset",
            target_id=target_id,
            reason="allowed",
            detail={"rows": 12},
        )
    )


@pytest.fixture
def trail(alice, charlie):
    """Alice (Surrey) downloaded dataset 7; so did Charlie (Kent), under the same id."""
    _download(alice)
    _download(charlie)


@pytest.fixture
def api(client):
    def as_user(user):
        _, secret = token_create(user=user, name="test")
        return lambda path: client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")

    return as_user


def test_a_dpo_sees_a_targets_trail_from_their_areas_only(signed_in, dora, trail):
    response = signed_in(dora).get(TARGET)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data was downloaded" in html
    assert 'href="/audit/person/alice"' in html
    assert "charlie" not in html  # a Kent actor, outside the DPO's area
    assert "Rows: 12" in html


def test_a_dpo_sees_what_a_person_did(signed_in, dora, trail):
    response = signed_in(dora).get(PERSON)
    assert response.status_code == 200
    assert 'href="/audit/target/dataset/7"' in response.content.decode()


def test_looking_at_a_trail_is_itself_recorded(signed_in, dora, trail):
    signed_in(dora).get(TARGET)
    signed_in(dora).get(PERSON)
    views = AuditEntry.objects.filter(actor="dora", action="audit-trail-read").order_by("seq")
    assert [v.target_id for v in views] == ["target:dataset:7", "person:alice"]


def test_the_trail_is_paged(signed_in, dora, alice):
    for _ in range(130):
        _download(alice)
    client = signed_in(dora)
    assert "Page 1 of 2" in client.get(TARGET).content.decode()
    assert client.get(TARGET + "?page=2").context["page"].object_list[0].seq == 30


@pytest.mark.parametrize("path", [TARGET, PERSON])
@pytest.mark.parametrize("who", ["alice", "charlie", "dave", "ivan"])
def test_people_who_are_not_dpos_are_refused_and_it_is_recorded(
    request, signed_in, trail, path, who
):
    user = request.getfixturevalue(who)
    response = signed_in(user).get(path)
    assert response.status_code == 403
    assert b"dpo-only" in response.content
    assert b"Rows: 12" not in response.content
    refused = AuditEntry.objects.filter(actor=who, action="access-refused")
    assert [(r.target_type, r.reason) for r in refused] == [("audit-trail", "role-not-permitted")]


@pytest.mark.parametrize(
    "path", ["/audit/target/dataset/8", PERSON, "/audit/person/nobody", "/audit/target/x/y"]
)
def test_a_dpo_of_another_area_finds_nothing(signed_in, kim, alice, trail, path):
    _download(alice, target_id="8")
    response = signed_in(kim).get(path)
    assert response.status_code == 404
    assert b"Rows: 12" not in response.content
    assert b"Guildford" not in response.content


def test_a_dpo_of_another_area_sees_only_their_own_areas_actions(signed_in, kim, trail):
    response = signed_in(kim).get(TARGET)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/audit/person/charlie"' in html
    assert "alice" not in html


def test_pages_need_sign_in(client, trail):
    assert client.get(TARGET).status_code == 302


def test_the_api_gives_a_dpo_the_trail_newest_first(api, dora, alice, trail):
    _download(alice)
    response = api(dora)(API)
    assert response.status_code == 200
    body = response.json()
    assert [e["seq"] for e in body] == [3, 1]
    assert body[0]["actor"] == "alice"
    assert body[0]["detail"] == {"rows": 12}
    assert len(body[0]["hash"]) == 64


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("charlie", 403), ("kim", 404)])
def test_the_api_refuses_others(request, api, alice, who, status):
    _download(alice)
    response = api(request.getfixturevalue(who))(API)
    assert response.status_code == status
    assert set(response.json()) == {"code", "message"}
    assert "alice" not in response.content.decode()


@pytest.mark.parametrize("who", ["dora", "ivan"])
def test_verification_is_open_to_dpos_and_it_security(request, api, trail, who):
    call = api(request.getfixturevalue(who))  # its token's creation is recorded too
    recorded = AuditEntry.objects.count()
    anchor_write(AuditEntry.objects.order_by("-seq").first().to_record().head)
    response = call("/api/v1/audit/verify")
    assert response.status_code == 200
    body = response.json()
    assert (body["intact"], body["checked"], body["problem"]) == (True, recorded, None)
    assert body["head"]["seq"] == recorded


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_verification_is_refused_to_others(request, api, trail, who):
    response = api(request.getfixturevalue(who))("/api/v1/audit/verify")
    assert response.status_code == 403
    assert response.json()["code"] == "audit-verify-not-permitted"


def test_the_trail_page_gives_reasons_and_details_in_words_and_the_api_keeps_codes(
    signed_in, dora, alice, api
):
    audit_record(
        event=AuditEvent(
            name="access-refused",
            actor=alice.username,
            target_type="dataset",
            target_id="7",
            reason="terms-not-accepted",
            detail={"policy_action": "view-data", "pending": True, "role": "dpo"},
        )
    )
    html = signed_in(dora).get(TARGET).content.decode()
    assert "Accept the terms of this version of the agreement first." in html
    assert "Asked to: See the data" in html
    assert "Waits for confirmation: Yes" in html
    assert "Role: Data protection officer" in html
    for code in ("terms-not-accepted", "policy_action", "view-data", "True"):
        assert code not in html
    body = api(dora)(API).json()
    assert body[0]["reason"] == "terms-not-accepted"
    assert body[0]["detail"]["policy_action"] == "view-data"


def test_paging_and_reloading_a_trail_is_one_reading(signed_in, dora, alice):
    for _ in range(130):
        _download(alice)
    client = signed_in(dora)
    client.get(TARGET)
    client.get(TARGET + "?page=2")
    client.get(TARGET)
    reads = AuditEntry.objects.filter(actor="dora", action="audit-trail-read")
    assert [r.target_id for r in reads] == ["target:dataset:7"]


def test_the_reads_of_a_trail_have_no_trail_of_their_own(signed_in, dora, trail):
    """A crawl once nested reads four deep: a look at a look at a look at a trail."""
    client = signed_in(dora)
    client.get(TARGET)
    nested = client.get("/audit/target/audit-trail/target:dataset:7")
    assert nested.status_code == 404
    assert not AuditEntry.objects.filter(target_id__startswith="target:audit-trail").exists()
