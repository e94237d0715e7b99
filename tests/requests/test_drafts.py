"""A draft request can be changed by its drafter before it is opened; a draft stopped before it
was ever opened stays out of the area's register, for everyone."""

import pytest

from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.requests import services
from lgrshare.requests.models import DataRequest
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.requests.test_requests import QUESTION, form_data


@pytest.fixture
def surrey(db):
    return Area.objects.get(county_id=SURREY)


@pytest.fixture
def draft(alice, surrey):
    return services.request_create_from_form(user=alice, area=surrey, data=form_data())


def _page(client, draft):
    return client.get(f"/requests/{draft.pk}/").content.decode()


def test_the_drafter_sees_a_link_to_change_the_draft(signed_in, alice, draft):
    assert f'href="/requests/{draft.pk}/edit"' in _page(signed_in(alice), draft)


def test_the_edit_form_is_filled_in_with_the_draft(signed_in, alice, draft):
    response = signed_in(alice).get(f"/requests/{draft.pk}/edit")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["question"].value() == QUESTION
    assert form["holders"].value() == [SURREY]
    assert set(form["fields_wanted"].value()) == {
        "contract_reference",
        "end_date",
        "districts_served",
    }


def test_the_drafter_changes_the_question_fields_and_holders(signed_in, alice, draft):
    data = form_data(
        question="Which Surrey contracts end in 2027?",
        holders=[SURREY, WOKING],
        fields_wanted=["end_date"],
        personal_data="on",
    )
    response = signed_in(alice).post(f"/requests/{draft.pk}/edit", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.question == "Which Surrey contracts end in 2027?"
    assert draft.data_items == [{"field": "end_date"}]
    assert draft.personal_data is True
    assert draft.state == "draft"
    assert set(draft.responses.values_list("council_id", flat=True)) == {SURREY, WOKING}
    edited = AuditEntry.objects.get(action="request-edited")
    assert (edited.actor, edited.target_id) == ("alice", draft.reference)
    assert dict(edited.detail_items)["changed"] == (
        "data_items,discovery,holders,personal_data,question"
    )


def test_a_holder_that_is_not_offered_is_refused_next_to_its_field(signed_in, alice, draft):
    response = signed_in(alice).post(f"/requests/{draft.pk}/edit", form_data(holders=[GUILDFORD]))
    # Guildford is Alice's own council: the form leaves it out, so the choice is not valid.
    assert response.status_code == 400
    assert response.context["form"].errors["holders"]
    draft.refresh_from_db()
    assert draft.question == QUESTION


def test_an_opened_request_can_no_longer_be_changed(signed_in, alice, draft):
    services.request_open(user=alice, request=draft)
    assert f"/requests/{draft.pk}/edit" not in _page(signed_in(alice), draft)
    response = signed_in(alice).get(f"/requests/{draft.pk}/edit")
    assert response.status_code == 400
    assert b"request-state-invalid" in response.content
    with pytest.raises(InvalidInput):
        services.request_update(user=alice, request=draft, question="x", holders=[SURREY])
    refused = AuditEntry.objects.filter(action="change-refused", target_id=draft.reference)
    assert [r.reason for r in refused] == ["request-state-invalid", "request-state-invalid"]


def test_nobody_else_can_change_a_draft_or_even_find_it(signed_in, bob, charlie, draft):
    for outsider in (bob, charlie):
        response = signed_in(outsider).post(f"/requests/{draft.pk}/edit", form_data())
        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.question == QUESTION


def _stop(alice, draft):
    return services.request_close(
        user=alice, request=draft, reason="no-longer-needed", note="Found it in LG Inform"
    )


def test_a_stopped_draft_never_appears_in_the_register(signed_in, alice, bob, surrey, draft):
    _stop(alice, draft)
    for person in (alice, bob):
        assert draft not in services.request_register(user=person, area=surrey)
        page = signed_in(person).get(f"/areas/{SURREY}/requests/").content.decode()
        assert draft.reference not in page


def test_a_stopped_draft_stays_its_authors_alone(signed_in, alice, bob, draft):
    _stop(alice, draft)
    assert services.request_get_for_user(pk=draft.pk, user=alice) == draft
    with pytest.raises(NotFound):
        services.request_get_for_user(pk=draft.pk, user=bob)


def test_a_request_stopped_after_it_was_opened_stays_in_the_register(alice, bob, surrey, draft):
    services.request_open(user=alice, request=draft)
    _stop(alice, DataRequest.objects.get(pk=draft.pk))
    assert draft in services.request_register(user=bob, area=surrey)
