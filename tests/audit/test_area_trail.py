"""An area's trail: reached from the area page by its DPOs and IT security, narrowed by person,
target and event; it holds outsiders' refused attempts on the area's things, and nothing of
other areas. Everyone else is refused, and that is recorded too."""

from __future__ import annotations

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.requests import services as requests
from tests.audit.world import PARTIES, TERMS
from tests.conftest import GUILDFORD, KENT, SURREY, _make

TRAIL = f"/areas/{SURREY}/audit"


@pytest.fixture
def surrey_request(alice):
    return requests.request_create(
        user=alice,
        area=Area.objects.get(county_id=SURREY),
        question="Which county contracts end after vesting day?",
        holders=[SURREY],
        data_items=[{"item": "Contract end dates"}],
    )


@pytest.fixture
def kent_request(charlie):
    kent_lead = _make("kate", ["data-lead"], KENT)
    area = Area.objects.get(county_id=KENT)
    holder = next(c.gss_code for c in area.councils() if c.gss_code != KENT)
    return requests.request_create(
        user=kent_lead,
        area=area,
        question="How many Kent County Council contracts end in 2027?",
        holders=[holder],
        data_items=[{"item": "Contract end dates"}],
    )


@pytest.fixture
def cast_agreement(db):
    gary = _make("gary", ["data-lead"], GUILDFORD)
    return agreements.agreement_create(
        user=gary,
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties=dict(PARTIES),
        terms=dict(TERMS),
    )


def _rows(response) -> list[AuditEntry]:
    return list(response.context["page"].object_list)


def test_dpos_and_it_security_find_the_trail_on_the_area_page(signed_in, dora, ivan, alice):
    for reader in (dora, ivan):
        page = signed_in(reader).get(f"/areas/{SURREY}/").content.decode()
        assert f'href="{TRAIL}"' in page
    assert f'href="{TRAIL}"' not in signed_in(alice).get(f"/areas/{SURREY}/").content.decode()


@pytest.mark.parametrize("who", ["dora", "ivan"])
def test_the_trail_holds_the_areas_events_and_none_of_another_areas(
    request, signed_in, surrey_request, kent_request, who
):
    response = signed_in(request.getfixturevalue(who)).get(TRAIL)
    assert response.status_code == 200
    targets = {(e.action, e.target_id) for e in _rows(response)}
    assert ("request-raised", surrey_request.reference) in targets
    assert all(target != kent_request.reference for _, target in targets)
    html = response.content.decode()
    assert "A data request was drafted" in html
    assert "How many Kent" not in html
    assert "kate" not in html


def test_an_outsiders_refused_attempt_on_the_areas_agreement_is_in_its_trail(
    signed_in, dora, charlie, cast_agreement
):
    response = signed_in(charlie).get(f"/agreements/{cast_agreement.pk}/")
    assert response.status_code == 404
    rows = _rows(signed_in(dora).get(TRAIL + "?event=access-refused"))
    assert [(e.actor, e.target_id, e.reason) for e in rows] == [
        ("charlie", cast_agreement.reference, "other-area")
    ]


def test_the_trail_is_narrowed_by_person_target_and_event(
    signed_in, dora, alice, surrey_request, cast_agreement
):
    client = signed_in(dora)
    by_person = _rows(client.get(TRAIL + "?person=alice"))
    assert by_person
    assert {e.actor for e in by_person} == {"alice"}
    by_target = _rows(
        client.get(TRAIL + f"?target_type=agreement&target_id={cast_agreement.reference}")
    )
    assert [e.action for e in by_target] == ["agreement-drafted"]
    by_event = _rows(client.get(TRAIL + "?event=request-raised"))
    assert [e.target_id for e in by_event] == [surrey_request.reference]
    assert _rows(client.get(TRAIL + "?person=alice&event=agreement-drafted")) == []


def test_looking_at_the_trail_is_recorded_with_its_filter(signed_in, dora, surrey_request):
    signed_in(dora).get(TRAIL + "?event=request-raised&person=alice")
    viewed = AuditEntry.objects.filter(actor="dora", action="audit-trail-read").get()
    assert viewed.target_id == f"area:{SURREY}"
    assert dict(viewed.detail_items) == {
        "area": SURREY,
        "actor": "alice",
        "event": "request-raised",
        "entries": 1,
    }


def test_an_unknown_event_is_named_in_the_error_summary(signed_in, dora):
    response = signed_in(dora).get(TRAIL + "?event=peek")
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_people_who_may_not_read_the_trail_are_refused_and_it_is_recorded(
    request, signed_in, surrey_request, who
):
    response = signed_in(request.getfixturevalue(who)).get(TRAIL)
    assert response.status_code == 403
    assert b"audit-area-not-permitted" in response.content
    assert surrey_request.reference.encode() not in response.content
    refused = AuditEntry.objects.get(actor=who, action="access-refused")
    assert (refused.target_id, refused.reason) == (f"area:{SURREY}", "role-not-permitted")


def test_a_dpo_of_another_area_finds_no_trail(signed_in, kim, surrey_request):
    response = signed_in(kim).get(TRAIL)
    assert response.status_code == 404
    assert surrey_request.reference.encode() not in response.content
