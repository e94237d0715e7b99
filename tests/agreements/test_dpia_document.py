"""DPIA documents live in the vault, encrypted, and only the parties' DPOs download them
(issue 12, point 6). Every download and every refusal is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lgrshare.agreements import services
from lgrshare.agreements.models import ContractorAgreement, Dpia
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.vault.models import Blob
from lgrshare.vault.storage import default_storage
from tests.conftest import GUILDFORD, SURREY, WOKING, _make

DPIA_PDF = (
    b"%PDF-1.4\n% DPIA for the west Surrey contracts register: residual risk low, "
    b"no prior consultation with the ICO needed.\n%%EOF\n"
)
PHRASE = b"residual risk low"


@pytest.fixture
def people(db, alice):
    return {
        "alice": alice,
        "surrey_dpo": _make("sdpo", ["dpo"], SURREY),
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "guildford_dpo": _make("gdpo", ["dpo"], GUILDFORD),
        "woking_dpo": _make("wdpo", ["dpo"], WOKING),
    }


@pytest.fixture
def agreement(people):
    return services.agreement_create(
        user=people["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "To cost the transfer of county contracts in the west Surrey proposal.",
            "data_items": [{"standard": "contracts-register", "fields": ["end_date"]}],
            "legal_power": "Local Government Act 1972 s.111",
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=200),
        },
    )


def _record(client, agreement, content=DPIA_PDF, name="dpia-west-surrey.pdf"):
    return client.post(
        f"/agreements/{agreement.pk}/dpia",
        {
            "status": "complete",
            "outcome": "Low residual risk",
            "document": SimpleUploadedFile(name, content),
        },
    )


def _events(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_the_dpia_document_is_stored_encrypted_not_in_the_database(signed_in, agreement, people):
    assert _record(signed_in(people["surrey_dpo"]), agreement).status_code == 302
    dpia = Dpia.objects.get(agreement=agreement)
    assert dpia.document_name == "dpia-west-surrey.pdf"
    assert not hasattr(dpia, "document")
    assert dpia.document_blob.plaintext_bytes == len(DPIA_PDF)
    with default_storage().open(dpia.document_blob.file_id) as handle:
        stored = handle.read()
    assert PHRASE not in stored
    assert [e.actor for e in _events("dpia-document-added")] == ["sdpo"]


def test_a_partys_dpo_downloads_it_from_the_agreement_page(signed_in, agreement, people):
    _record(signed_in(people["surrey_dpo"]), agreement)
    client = signed_in(people["guildford_dpo"])
    url = f"/agreements/{agreement.pk}/dpia-document"
    assert url in client.get(f"/agreements/{agreement.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == DPIA_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dpia-west-surrey.pdf"'
    assert [(e.actor, e.reason) for e in _events("dpia-document-downloaded")] == [
        ("gdpo", "allowed")
    ]


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("alice", "role-not-permitted"),  # Guildford is a party; alice is an analyst
        ("woking_dpo", "not-a-party"),  # a DPO in the area, of a council that is not a party
    ],
)
def test_everyone_else_is_refused_with_a_reason_and_it_is_recorded(
    signed_in, agreement, people, dave, who, reason
):
    _record(signed_in(people["surrey_dpo"]), agreement)
    ContractorAgreement.objects.create(
        contractor=dave.contractor,
        council_id=SURREY,
        scope="Analysis",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=30),
    )
    user = dave if who == "dave" else people[who]
    client = signed_in(user)
    url = f"/agreements/{agreement.pk}/dpia-document"
    page = client.get(f"/agreements/{agreement.pk}/")
    if page.status_code == 200:
        assert url not in page.content.decode()
    response = client.get(url)
    assert response.status_code == 403
    assert PHRASE not in response.content
    (refused,) = _events("dpia-document-download-refused")
    assert (refused.actor, refused.reason) == (user.username, reason)


def test_contractor_staff_not_named_do_not_even_find_the_agreement(
    signed_in, agreement, people, dave
):
    _record(signed_in(people["surrey_dpo"]), agreement)
    response = signed_in(dave).get(f"/agreements/{agreement.pk}/dpia-document")
    assert response.status_code == 404
    assert PHRASE not in response.content


def test_the_outsider_does_not_even_find_the_agreement(signed_in, agreement, people, charlie):
    _record(signed_in(people["surrey_dpo"]), agreement)
    response = signed_in(charlie).get(f"/agreements/{agreement.pk}/dpia-document")
    assert response.status_code == 404


def test_a_replaced_document_is_destroyed(signed_in, agreement, people):
    client = signed_in(people["surrey_dpo"])
    _record(client, agreement)
    first = Dpia.objects.get(agreement=agreement).document_blob
    _record(client, agreement, content=b"%PDF-1.4\n% version 2\n%%EOF\n", name="dpia-v2.pdf")
    first.refresh_from_db()
    assert first.destroyed_at is not None
    assert Blob.objects.readable().count() == 1
    download = signed_in(people["guildford_dpo"]).get(f"/agreements/{agreement.pk}/dpia-document")
    assert download.content == b"%PDF-1.4\n% version 2\n%%EOF\n"


def test_no_document_is_not_found(signed_in, agreement, people):
    response = signed_in(people["surrey_dpo"]).get(f"/agreements/{agreement.pk}/dpia-document")
    assert response.status_code == 404
