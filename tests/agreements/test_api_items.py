"""Drafting through the API from a request that names data items in words, not a standard:
a choice of recipients is refused as the form refuses it (``recipients-need-standard``), and
the same item drafted again reuses the draft standard the area already made for it."""

from datetime import date, timedelta

import pytest

from lgrshare.accounts.services import token_create
from lgrshare.agreements.models import Agreement
from lgrshare.councils.models import Area
from lgrshare.requests import services as requests
from lgrshare.standards import drafts
from lgrshare.standards.models import AreaStandard
from tests.conftest import GUILDFORD, SURREY

ITEM = "Guildford: households owed a homelessness duty and placed in temporary accommodation"
LATER = date.today() + timedelta(days=200)


def _request(cast, items=(ITEM,)):
    source = requests.request_create(
        user=cast["surrey_lead"],
        area=Area.objects.get(county_id=SURREY),
        question="How many households are in temporary accommodation in each district?",
        purpose="Sizing the homelessness service of each unitary option",
        legal_power="Housing Act 1996",
        holders=[GUILDFORD],
        data_items=[{"item": item} for item in items],
    )
    requests.request_open(user=cast["surrey_lead"], request=source)
    return source


@pytest.fixture
def draft_by_api(client, cast):
    _, secret = token_create(user=cast["surrey_lead"], name="drafting")

    def post(source, **extra):
        payload = {"request_id": source.pk, "delete_by": LATER.isoformat()} | extra
        return client.post(
            "/api/v1/agreements",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    return post


@pytest.mark.parametrize(
    "chosen",
    [{"recipients": [SURREY]}, {"fields": {SURREY: ["households"]}}],
    ids=["recipients", "field-list"],
)
def test_recipients_without_a_standard_are_refused_as_the_form_refuses_them(
    draft_by_api, cast, chosen
):
    source = _request(cast)
    refused = draft_by_api(source, **chosen)
    assert refused.status_code == 422, refused.content
    body = refused.json()
    assert [(p["code"], p["field"]) for p in body["problems"]] == [
        ("recipients-need-standard", "recipients")
    ]
    assert "Choose a data standard" in body["problems"][0]["message"]
    # Nothing drafted: neither the agreement nor a standard for its item.
    assert not Agreement.objects.filter(request=source).exists()
    assert not AreaStandard.objects.exists()
    # Left to the default, the item's standard flows to the party that does not provide it.
    made = draft_by_api(source)
    assert made.status_code == 201, made.content
    assert [(f["provider"], f["recipient"]) for f in made.json()["current"]["flows"]] == [
        (GUILDFORD, SURREY)
    ]


def test_the_same_item_sent_twice_reuses_the_draft_standard(draft_by_api, cast):
    source = _request(cast)
    first = draft_by_api(source)
    assert first.status_code == 201, first.content
    again = draft_by_api(source)
    assert again.status_code == 201, again.content
    # Another request for the same item, in other case and spacing.
    other = draft_by_api(_request(cast, items=(f"  {ITEM.upper()} ",)))
    assert other.status_code == 201, other.content
    drafted = AreaStandard.objects.get()
    named = [body.json()["current"]["data_items"] for body in (first, again, other)]
    assert named == [[{"standard": drafted.name, "version": "0.1.0", "fields": []}]] * 3
    assert again.json()["standards_to_finish"][0]["name"] == drafted.name


def test_an_item_given_twice_in_one_draft_is_one_standard(draft_by_api, cast):
    made = draft_by_api(_request(cast, items=(ITEM, ITEM.lower())))
    assert made.status_code == 201, made.content
    drafted = AreaStandard.objects.get()
    assert made.json()["current"]["data_items"] == [
        {"standard": drafted.name, "version": "0.1.0", "fields": []}
    ]


def test_once_its_fields_are_confirmed_the_item_names_the_confirmed_version(draft_by_api, cast):
    assert draft_by_api(_request(cast)).status_code == 201
    proposal = AreaStandard.objects.get()
    drafts.area_standard_confirm(user=cast["surrey_lead"], name=proposal.name, based_on="0.1.0")
    again = draft_by_api(_request(cast))
    assert again.status_code == 201, again.content
    assert again.json()["current"]["data_items"] == [
        {"standard": proposal.name, "version": "0.2.0", "fields": []}
    ]
    assert AreaStandard.objects.filter(source="item").count() == 1


def test_a_different_item_still_gets_its_own_standard(draft_by_api, cast):
    assert draft_by_api(_request(cast)).status_code == 201
    other = draft_by_api(_request(cast, items=(ITEM + " for more than 56 nights",)))
    assert other.status_code == 201, other.content
    assert AreaStandard.objects.filter(source="item").count() == 2
