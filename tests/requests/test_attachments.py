"""Forum attachments are not a back door (issue 12, point 6).

A file that looks like personal data is refused whatever it is called, with its code, a 400, an
audit record and nothing stored; an accepted specification is encrypted in the vault, never in
the database; reading one goes through the policy (the area's council staff; contractor staff
only where named on a live agreement made from the request); every answer is audited.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import ContractorAgreement, State
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.requests import services as requests
from lgrshare.requests.models import Attachment, Comment
from lgrshare.vault.models import Blob
from lgrshare.vault.storage import default_storage
from tests.conftest import GUILDFORD, SURREY, _make
from tests.domain.test_personal_data import nhs_number
from tests.requests.test_requests import form_data

PEOPLE = (
    "forename,surname,date_of_birth,nhs_number,address,postcode\n"
    f"Ada,Example,12/03/1984,{nhs_number('999000001')},1 Millmead,GU2 4BB\n"
    f"Ben,Sample,30/07/1971,{nhs_number('999000002')},2 Gloucester Square,GU21 6YL\n"
).encode()
SPEC = (
    b"# Contracts register: what we ask for\n\n"
    b"One row per contract that serves Guildford, with contract_reference, supplier_name and "
    b"end_date (as 2027-03-31). Figures in pounds, excluding VAT.\n"
)


@pytest.fixture
def holder(db):
    """Surrey County Council's data lead, who answers the request."""
    return _make("sue", ["data-lead"], SURREY)


@pytest.fixture
def thread(alice, holder):
    """An open request of Guildford's analyst to Surrey County Council."""
    area = Area.objects.get(county_id=SURREY)
    request = requests.request_create_from_form(user=alice, area=area, data=form_data())
    return requests.request_open(user=alice, request=request)


def _post(client, request, name: str, content: bytes, body: str = "See the attached file"):
    upload = SimpleUploadedFile(name, content)
    return client.post(f"/requests/{request.pk}/comment", {"body": body, "attachment": upload})


def _events(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def _detail(entry: AuditEntry) -> dict[str, object]:
    return json.loads(entry.detail)


@pytest.mark.parametrize("name", ["people.csv", "notes.txt", "spec.md"])
def test_a_file_of_nhs_numbers_is_refused_whatever_it_is_called(signed_in, thread, holder, name):
    response = _post(signed_in(holder), thread, name, PEOPLE)
    assert response.status_code == 400
    page = response.content.decode()
    assert "looks like personal data" in page
    assert "NHS numbers" in page
    assert "data sharing agreement" in page
    assert nhs_number("999000001") not in page
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    assert not Blob.objects.exists()
    (refused,) = _events("attachment-refused")
    assert refused.reason == "attachment-looks-like-personal-data"
    assert refused.target_id == str(thread.pk)
    assert "nhs-number" in str(_detail(refused)["found"])
    assert nhs_number("999000001") not in str(refused.detail)


def test_the_api_refuses_it_with_the_code_and_stores_nothing(client, thread, holder):
    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=holder, name="t")
    response = client.post(
        f"/api/v1/requests/{thread.pk}/attachments",
        {"body": "For you", "file": SimpleUploadedFile("renamed.txt", PEOPLE)},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "attachment-looks-like-personal-data"
    assert "agreement" in response.json()["message"]
    assert not Attachment.objects.exists()
    assert len(_events("attachment-refused")) == 1


def test_other_bad_files_are_audited_as_refused_too(signed_in, thread, holder):
    response = _post(signed_in(holder), thread, "tool.exe", b"MZ\x90\x00")
    assert response.status_code == 400
    assert [e.reason for e in _events("attachment-refused")] == ["file-type-not-allowed"]


def _all_stored_values() -> bytes:
    """Every value of every table, as bytes: what a copy of the database would give away."""
    found = bytearray()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        found += bytes(value)
                    elif value is not None:
                        found += str(value).encode()
    return bytes(found)


def test_a_specification_is_accepted_and_stored_only_encrypted(signed_in, thread, holder):
    response = _post(signed_in(holder), thread, "contracts-spec.md", SPEC)
    assert response.status_code == 302
    attachment = Comment.objects.get().attachment
    assert (attachment.name, attachment.content_type) == ("contracts-spec.md", "text/markdown")
    assert attachment.size == len(SPEC)
    phrase = b"Figures in pounds, excluding VAT"
    assert phrase not in _all_stored_values()
    with default_storage().open(attachment.blob.file_id) as handle:
        stored = handle.read()
    assert phrase not in stored
    assert stored != SPEC
    (added,) = _events("attachment-added")
    assert added.target_id == str(attachment.pk)
    assert _detail(added)["sha256"] == attachment.sha256


def test_council_staff_of_the_area_download_it_and_it_is_recorded(signed_in, thread, holder, bob):
    _post(signed_in(holder), thread, "contracts-spec.md", SPEC)
    attachment = Attachment.objects.get()
    client = signed_in(bob)
    page = client.get(f"/requests/{thread.pk}/").content.decode()
    assert f"/requests/{thread.pk}/attachments/{attachment.pk}" in page
    download = client.get(f"/requests/{thread.pk}/attachments/{attachment.pk}")
    assert download.status_code == 200
    assert download.content == SPEC
    assert download["Content-Disposition"] == 'attachment; filename="contracts-spec.md"'
    (downloaded,) = _events("attachment-downloaded")
    assert (downloaded.actor, downloaded.target_id) == ("bob", str(attachment.pk))


def test_the_outsider_cannot_reach_the_request_or_its_attachment(
    signed_in, thread, holder, charlie
):
    _post(signed_in(holder), thread, "contracts-spec.md", SPEC)
    attachment = Attachment.objects.get()
    response = signed_in(charlie).get(f"/requests/{thread.pk}/attachments/{attachment.pk}")
    assert response.status_code == 404
    assert not _events("attachment-downloaded")


def _live_agreement_naming(contractor, request, *, state=State.ACTIVE):
    """An agreement drafted from ``request`` naming ``contractor``, put in ``state`` directly
    (sign-off has its own tests)."""
    ContractorAgreement.objects.create(
        contractor=contractor,
        council_id=SURREY,
        scope="Analysis of the contracts register",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=90),
    )
    drafter = _make("gary", ["data-lead"], GUILDFORD)
    agreement = agreements.agreement_create(
        user=drafter,
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "To cost the transfer of county contracts.",
            "data_items": [{"standard": "contracts-register", "fields": ["end_date"]}],
            "legal_power": "Local Government Act 1972 s.111",
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=200),
        },
        contractors=[contractor],
        request=request,
    )
    agreement.state = state
    agreement.save(update_fields=["state"])
    return agreement


def test_contractor_staff_are_refused_unless_named_on_a_live_agreement_of_the_request(
    signed_in, thread, holder, dave
):
    _post(signed_in(holder), thread, "contracts-spec.md", SPEC)
    attachment = Attachment.objects.get()
    client = signed_in(dave)
    url = f"/requests/{thread.pk}/attachments/{attachment.pk}"
    page = client.get(f"/requests/{thread.pk}/").content.decode()
    assert url not in page
    assert "contracts-spec.md" in page  # the thread says a file is there, not how to open it
    refused = client.get(url)
    assert refused.status_code == 403
    assert SPEC not in refused.content
    (record,) = _events("attachment-download-refused")
    assert (record.actor, record.reason) == ("dave", "contractor-agreement-missing")

    agreement = _live_agreement_naming(dave.contractor, thread, state=State.DRAFT)
    assert client.get(url).status_code == 403
    assert _events("attachment-download-refused")[-1].reason == "not-named-on-live-agreement"

    agreement.state = State.ACTIVE
    agreement.save(update_fields=["state"])
    allowed = client.get(url)
    assert allowed.status_code == 200
    assert allowed.content == SPEC
    assert url in client.get(f"/requests/{thread.pk}/").content.decode()
    assert [e.actor for e in _events("attachment-downloaded")] == ["dave"]


def test_the_api_download_answers_with_the_reason_code(client, thread, holder, dave):
    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=holder, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    created = client.post(
        f"/api/v1/requests/{thread.pk}/attachments",
        {
            "body": "The layout",
            "file": SimpleUploadedFile("layout.csv", b"field,notes\nend_date,x\n"),
        },
        **auth,
    )
    assert created.status_code == 201, created.content
    attachment_id = created.json()["attachment"]["id"]
    url = f"/api/v1/requests/{thread.pk}/attachments/{attachment_id}"
    assert client.get(url, **auth).content == b"field,notes\nend_date,x\n"
    _, contractor_secret = token_create(user=dave, name="t")
    refused = client.get(url, HTTP_AUTHORIZATION=f"Bearer {contractor_secret}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "contractor-agreement-missing"
