"""The drafter chooses the fields each recipient gets (default: the agreed fields); each
list is checked as flows are, and a problem shows next to that recipient's list."""

from datetime import date, timedelta

import pytest

from lgrshare.agreements.models import Agreement
from tests.conftest import GUILDFORD, SURREY, WOKING, _make

LATER = date.today() + timedelta(days=200)
FORM = {
    "title": "Contracts register, a field list for each recipient",
    "parties": [SURREY, GUILDFORD, WOKING],
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


@pytest.fixture
def lead(db):
    return _make("gary", ["data-lead"], GUILDFORD)


def _fields(agreement):
    return {f["recipient"]: f["fields"] for f in agreement.current().flows}


def test_each_recipient_gets_its_own_fields_and_the_others_the_agreed_ones(client, lead):
    client.force_login(lead)
    response = client.post(
        f"/areas/{SURREY}/agreements/new", FORM | {f"fields_for_{WOKING}": "contract_reference"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Agreement.objects.get(title=FORM["title"])
    assert _fields(created) == {
        GUILDFORD: ["contract_reference", "title", "end_date"],
        WOKING: ["contract_reference"],
    }
    edit = client.get(f"/agreements/{created.pk}/edit")
    initial = edit.context["form"].initial
    assert initial[f"fields_for_{WOKING}"] == ["contract_reference"]
    assert initial[f"fields_for_{GUILDFORD}"] == ["contract_reference", "title", "end_date"]
    assert "Fields Woking Borough Council receives" in edit.content.decode()


def test_a_recipient_cannot_get_a_field_the_agreement_does_not_name(client, lead):
    client.force_login(lead)
    response = client.post(
        f"/areas/{SURREY}/agreements/new", FORM | {f"fields_for_{WOKING}": "supplier_name"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"fields_for_{WOKING}"]
    assert errors[f"fields_for_{WOKING}"][0].startswith(
        "Woking Borough Council cannot receive 'Supplier name': the agreement does not share it."
    )
    assert not Agreement.objects.filter(title=FORM["title"]).exists()
