"""The draft form as a drafter meets it: field lists only for the councils that receive, ticked
with what the request asked for; every problem in one error summary, each linking to its
field; a council that would only send data to itself, or a field the standard lacks, refused
with a stable code, on the page and through the API alike."""

import re
from datetime import date, timedelta

from lgrshare.accounts.services import token_create
from lgrshare.agreements.models import Agreement
from lgrshare.requests import services as requests
from tests.agreements.test_agreements import _contracts_request
from tests.conftest import GUILDFORD, SURREY, WOKING

LATER = date.today() + timedelta(days=200)
FORM = {
    "title": "Contracts register for west Surrey",
    "parties": [SURREY, GUILDFORD],
    "providers": [SURREY],
    "purposes": "To cost the transfer of county contracts.",
    "standard": "contracts-register",
    "standard_fields": ["contract_reference", "title", "end_date"],
    "items": "",
    "legal_power": "Local Government Act 1972 s.111",
    "personal_data": "none",
    "reader_roles": ["analyst"],
    "classification": "OFFICIAL-SENSITIVE",
    "delete_by_day": LATER.day,
    "delete_by_month": LATER.month,
    "delete_by_year": LATER.year,
}


def _lists(html):
    """The councils offered a field list ("Fields X receives"), in order."""
    return re.findall(r"Fields (.+?) receives", html)


def _summary(html):
    summary = html[html.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    return re.findall(r'<a href="#([A-Za-z0-9_]+)">([^<]+)</a>', summary)


def test_a_blank_form_offers_no_field_list_for_the_areas_twelve_councils(client, cast):
    client.force_login(cast["guildford_lead"])
    html = client.get(f"/areas/{SURREY}/agreements/new").content.decode()
    assert _lists(html) == []
    assert "Field names separated by commas" not in html


def test_from_a_request_only_the_recipient_gets_a_list_ticked_with_the_fields_asked_for(
    client, cast
):
    source = _contracts_request(cast)  # Guildford asks Surrey for contract end dates
    requests.request_open(user=cast["alice"], request=source)
    client.force_login(cast["guildford_lead"])
    html = client.get(f"/areas/{SURREY}/agreements/new?request={source.pk}").content.decode()
    assert _lists(html) == ["Guildford Borough Council"]
    box = html[html.index(f'name="fields_for_{GUILDFORD}"') - 400 :]
    ticked = re.findall(
        rf'name="fields_for_{GUILDFORD}" type="checkbox" value="([a-z_]+)" checked', box
    )
    assert ticked == ["end_date"]
    assert f'name="fields_for_{SURREY}"' not in html


def test_show_the_fields_lists_each_new_recipient_ticked_with_the_agreed_fields(client, cast):
    client.force_login(cast["guildford_lead"])
    chosen = FORM | {"parties": [SURREY, GUILDFORD, WOKING], "refresh": "1"}
    response = client.post(f"/areas/{SURREY}/agreements/new", chosen)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" not in html  # showing the lists judges nothing yet
    assert _lists(html) == ["Guildford Borough Council", "Woking Borough Council"]
    ticked = re.findall(
        rf'name="fields_for_{WOKING}" type="checkbox" value="([a-z_]+)" checked', html
    )
    assert ticked == ["contract_reference", "title", "end_date"]
    assert not Agreement.objects.filter(title=FORM["title"]).exists()


def test_every_problem_is_in_one_error_summary_each_linking_to_its_field(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {
        "title": "",
        "purposes": "",
        "personal_data": "personal",
        "classification": "OFFICIAL",
        "delete_by_day": "31",
        "delete_by_month": "2",
        "delete_by_year": str(LATER.year),
        f"fields_for_{GUILDFORD}": ["supplier_name"],
    }
    html = client.post(f"/areas/{SURREY}/agreements/new", posted).content.decode()
    found = _summary(html)
    assert [anchor for anchor, _ in found] == [
        "id_title",
        "id_purposes",
        f"id_fields_for_{GUILDFORD}_0",
        "id_lawful_basis",
        "id_classification_0",  # below the contracts register's OFFICIAL-SENSITIVE
        "id_delete_by",  # 31 February
    ]
    for anchor, _ in found:  # each link reaches its field
        assert f'id="{anchor}"' in html
    assert html.count("govuk-error-summary__list") == 1
    assert "Saved, but" not in html
    assert not Agreement.objects.filter(title="").exists()


def test_a_council_that_would_send_only_to_itself_is_refused(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {"providers": [GUILDFORD], "recipients": [GUILDFORD]}
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    assert response.status_code == 200
    found = _summary(response.content.decode())
    assert [anchor for anchor, _ in found] == ["id_recipients_0"]
    assert "a council always sees its own data" in found[0][1]
    assert "no-other-recipient" not in response.content.decode()  # words, not codes
    assert not Agreement.objects.filter(title=FORM["title"]).exists()


def test_without_a_standard_a_provider_as_its_only_recipient_is_refused_the_same_way(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {
        "parties": [SURREY, GUILDFORD, WOKING],
        "providers": [GUILDFORD],
        "recipients": [GUILDFORD],
        "standard": "",
        "standard_fields": [],
        "items": "Counts of planning applications by ward",
    }
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    assert response.status_code == 200
    found = _summary(response.content.decode())
    assert [anchor for anchor, _ in found] == ["id_recipients_0"]
    assert "a council always sees its own data" in found[0][1]
    assert not Agreement.objects.filter(title=FORM["title"]).exists()


def test_without_a_standard_a_recipient_choice_is_refused_not_dropped(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {
        "parties": [SURREY, GUILDFORD, WOKING],
        "providers": [GUILDFORD],
        "recipients": [WOKING],
        "standard": "",
        "standard_fields": [],
        "items": "Counts of planning applications by ward",
    }
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    found = _summary(response.content.decode())
    assert [anchor for anchor, _ in found] == ["id_recipients_0"]
    assert "Choose a data standard" in found[0][1]
    assert not Agreement.objects.filter(title=FORM["title"]).exists()
    # Left empty, the other data items go to every party that does not provide them: saved.
    response = client.post(f"/areas/{SURREY}/agreements/new", posted | {"recipients": []})
    assert response.status_code == 302


def test_an_agreement_naming_no_data_is_refused_in_the_one_summary(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {"standard": "", "standard_fields": [], "items": "", "purposes": ""}
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    html = response.content.decode()
    found = _summary(html)
    assert [anchor for anchor, _ in found] == ["id_purposes", "id_standard"]
    assert "list the data shared under &#x27;Other data items&#x27;" in found[1][1]
    assert html.count("govuk-error-summary__list") == 1
    assert not Agreement.objects.filter(title=FORM["title"]).exists()


def test_a_field_the_standard_lacks_is_refused_not_dropped(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {f"fields_for_{GUILDFORD}": ["end_date", "favourite_colour"]}
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    found = _summary(response.content.decode())
    assert [anchor for anchor, _ in found] == [f"id_fields_for_{GUILDFORD}_0"]
    assert "favourite_colour" in found[0][1]
    assert not Agreement.objects.filter(title=FORM["title"]).exists()


def test_a_recipient_given_a_field_not_shared_is_told_in_words(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = FORM | {f"fields_for_{GUILDFORD}": ["end_date", "description"]}
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    found = _summary(response.content.decode())
    assert [anchor for anchor, _ in found] == [f"id_fields_for_{GUILDFORD}_0"]
    assert found[0][1] == (
        "Guildford Borough Council cannot receive &#x27;Description&#x27;: the agreement does "
        "not share it. Tick it under &#x27;Fields the agreement shares&#x27; or untick it for "
        "Guildford Borough Council."
    )
    assert "contracts-register" not in found[0][1]
    assert not Agreement.objects.filter(title=FORM["title"]).exists()


def _api_draft(client, user, payload):
    _, secret = token_create(user=user, name=f"t{payload}")
    return client.post(
        "/api/v1/agreements",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_the_api_refuses_both_with_stable_codes_and_directs_flows_as_the_form_does(client, cast):
    source = _contracts_request(cast)
    requests.request_open(user=cast["alice"], request=source)
    base = {"request_id": source.pk, "delete_by": LATER.isoformat()}
    to_itself = _api_draft(client, cast["guildford_lead"], base | {"recipients": [SURREY]})
    assert to_itself.status_code == 422
    assert [(p["code"], p["field"]) for p in to_itself.json()["problems"]] == [
        ("no-other-recipient", "recipients")
    ]
    unknown = _api_draft(
        client, cast["guildford_lead"], base | {"fields": {GUILDFORD: ["favourite_colour"]}}
    )
    assert unknown.status_code == 422
    assert [(p["code"], p["field"]) for p in unknown.json()["problems"]] == [
        ("unknown-field", f"fields_for_{GUILDFORD}")
    ]
    assert not Agreement.objects.filter(request=source).exists()
    fewer = _api_draft(client, cast["guildford_lead"], base | {"fields": {GUILDFORD: ["end_date"]}})
    assert fewer.status_code == 201, fewer.content
    assert [
        (f["provider"], f["recipient"], f["fields"]) for f in fewer.json()["current"]["flows"]
    ] == [(SURREY, GUILDFORD, ["end_date"])]
