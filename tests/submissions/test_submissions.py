"""Submissions under an active agreement: checked, encrypted, caveated, accepted, downloaded."""

import contextlib
import csv
import gzip
import io
import json
import os
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.cli import main
from lgrshare.councils.models import Area
from lgrshare.datasets.read import submission_table
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.domain.standards.templates import example_row
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services
from lgrshare.submissions.models import Submission
from lgrshare.vault.models import Blob
from tests.conftest import GUILDFORD, SURREY, _make
from tests.experts import experts_reviewed

STANDARD = "contracts-register"


def contracts_csv(*, formula: bool = False, bad_date: bool = False) -> bytes:
    standard = standard_get(name=STANDARD)
    header = [f.name for f in standard.fields]
    row = example_row(standard)
    if formula:
        row[header.index("description")] = '=HYPERLINK("http://evil.example","Click")'
    if bad_date:
        row[header.index("end_date")] = "31/02/2027"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(row)
    return out.getvalue().encode()


@pytest.fixture
def cast(db, alice):
    people = {
        "alice": alice,
        "surrey_lead": _make("sue", ["data-lead"], SURREY),
        "surrey_analyst": _make("sam", ["analyst"], SURREY),
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
    }
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        people[f"{council}_dpo"] = _make(f"{council[0]}dpo", ["dpo"], gss)
        people[f"{council}_sign"] = _make(f"{council[0]}sign", ["senior-signatory"], gss)
    return people


@pytest.fixture
def dataset(cast):
    return _shared(cast, fields=[])


def _shared(cast, *, fields):
    """The dataset Surrey shares of ``fields`` of the standard (all of them when empty)."""
    agreement = agreements.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "Costing contract transfers",
            "legal_power": "LGA 1972 s.111",
            "data_items": [{"standard": STANDARD, "fields": fields}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=100),
        },
    )
    agreements.agreement_send_for_review(user=cast["guildford_lead"], agreement=agreement)
    experts_reviewed(agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=cast[f"{council}_dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=cast[f"{council}_sign"], agreement=agreement)
    return services.dataset_for(agreement=agreement, standard=STANDARD, council=SURREY)


def submit(user, dataset, content, name="contracts.csv", period="2026-27"):
    return services.submission_create(
        user=user,
        dataset=dataset,
        source=io.BytesIO(content),
        file_name=name,
        size=len(content),
        period=period,
    )


def test_a_valid_file_is_stored_encrypted_and_accepted(cast, dataset):
    content = contracts_csv()
    created = submit(cast["surrey_analyst"], dataset, content)
    assert created.valid
    assert created.state == Submission.State.PENDING
    blob = Blob.objects.get(pk=created.blob_id)
    assert blob.plaintext_bytes == len(content)
    assert content not in (blob.wrapped_key or "").encode()
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    created.refresh_from_db()
    assert created.state == Submission.State.ACCEPTED
    frame = submission_table(created)
    assert frame.height == 1
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert {"upload", "validate", "submission-accepted"} <= set(actions)


def test_only_the_holder_council_submits(cast, dataset):
    with pytest.raises(PermissionDenied) as caught:
        submit(cast["alice"], dataset, contracts_csv())
    assert caught.value.code == "not-the-holder"
    assert not Submission.objects.exists()
    assert AuditEntry.objects.filter(action="access-refused").exists()


def test_an_invalid_file_needs_a_caveat_per_error_code_before_acceptance(cast, dataset):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(bad_date=True))
    assert not created.valid
    assert "type-error" in created.report["stats"]["counts"]
    with pytest.raises(InvalidInput) as caught:
        services.submission_accept(user=cast["surrey_lead"], submission=created)
    assert caught.value.code == "caveats-needed"
    assert caught.value.message.endswith(": 'A cell is not of the field's type'")  # its title
    services.submission_add_caveat(
        user=cast["surrey_analyst"],
        submission=created,
        kind="known-error",
        field="end_date",
        explains="type-error",
        text="One contract's end date was typed as 31 February.",
    )
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    created.refresh_from_db()
    assert created.state == Submission.State.ACCEPTED


def test_a_resubmission_supersedes_and_history_stays(cast, dataset):
    first = submit(cast["surrey_analyst"], dataset, contracts_csv())
    services.submission_accept(user=cast["surrey_lead"], submission=first)
    second = submit(cast["surrey_analyst"], dataset, contracts_csv())
    assert second.version == 2
    services.submission_accept(user=cast["surrey_lead"], submission=second)
    first.refresh_from_db()
    assert first.state == Submission.State.SUPERSEDED
    assert services.latest_accepted(dataset) == second


def test_withdrawing_destroys_the_data_key(cast, dataset):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    services.submission_withdraw(user=cast["surrey_analyst"], submission=created)
    blob = Blob.objects.get(pk=created.blob_id)
    assert blob.destroyed_at is not None
    assert not blob.wrapped_key


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("contracts.pdf", b"%PDF-1.7", "file-type-not-allowed"),
        ("contracts.csv", b"", "file-empty"),
        ("contracts.xlsx", b"plain text", "file-content-mismatch"),
        ("contracts.csv", b"\x00\x01\x02binary", "file-content-mismatch"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(cast, dataset, name, content, code):
    with pytest.raises(InvalidInput) as caught:
        submit(cast["surrey_analyst"], dataset, content, name=name)
    assert caught.value.code == code
    assert not Submission.objects.exists()
    assert not Blob.objects.exists()


def test_a_download_carries_its_context_and_neutralises_formulas(cast, dataset, signed_in):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(formula=True))
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    alice = cast["alice"]
    client = signed_in(alice)
    refused = client.get(f"/submissions/{created.pk}/download.zip")
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Accept the terms of this version of the agreement first." in page
    assert f'href="/agreements/{dataset.agreement_id}/">Read and accept' in page
    agreements.terms_accept(user=alice, agreement=dataset.agreement)
    response = client.get(f"/submissions/{created.pk}/download.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {
        "ABOUT.txt",
        "data.csv",
        "schema.json",
        "caveats.json",
        "validation-report.json",
    }
    about = archive.read("ABOUT.txt").decode()
    assert dataset.agreement.reference in about
    assert "Delete by:" in about
    assert "'=HYPERLINK" in archive.read("data.csv").decode()
    workbook = load_workbook(
        io.BytesIO(client.get(f"/submissions/{created.pk}/download.xlsx").content)
    )
    assert workbook.sheetnames == ["Data", "About this data"]
    assert AuditEntry.objects.filter(action="download", target_id=dataset.slug).count() == 2


def test_outsiders_and_other_councils_cannot_see_submissions(
    cast, dataset, signed_in, charlie, bob
):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    assert signed_in(charlie).get(f"/submissions/{created.pk}/").status_code == 404
    woking = signed_in(bob).get(f"/submissions/{created.pk}/download.zip")
    assert woking.status_code == 403
    assert b"not-a-party" in woking.content


def test_a_contractor_without_a_named_place_is_refused(cast, dataset, signed_in, dave):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    web = signed_in(dave)
    # Contractor staff see nothing of an agreement that does not name their organisation:
    # not its data, not its submissions, not its terms (answered as if it did not exist).
    assert web.get(f"/submissions/{created.pk}/download.zip").status_code == 404
    assert web.get(f"/submissions/{created.pk}/").status_code == 404
    assert web.get(f"/agreements/{dataset.agreement_id}/").status_code == 404
    assert AuditEntry.objects.filter(
        action="access-refused", actor="dave", reason="contractor-not-named"
    ).exists()


def test_upload_page_and_api(cast, dataset, signed_in, client):
    from lgrshare.accounts.services import token_create

    page = signed_in(cast["surrey_analyst"]).post(
        f"/agreements/{dataset.agreement_id}/submit",
        {
            "standard": STANDARD,
            "period": "2026-27",
            "file": SimpleUploadedFile("contracts.csv", contracts_csv(bad_date=True)),
        },
    )
    assert page.status_code == 302
    detail = signed_in(cast["surrey_analyst"]).get(page["Location"])
    assert b"type-error" in detail.content
    _, secret = token_create(user=cast["surrey_analyst"], name="t")
    api = client.post(
        "/api/v1/submissions",
        {
            "agreement": dataset.agreement_id,
            "standard": STANDARD,
            "council": SURREY,
            "period": "2026-27",
            "file": SimpleUploadedFile("c.csv", contracts_csv()),
        },
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert api.status_code == 201, api.content
    assert api.json()["valid"] is True
    assert api.json()["version"] == 2


def test_an_oversized_upload_is_refused_before_it_is_read(cast, dataset, signed_in, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = signed_in(cast["surrey_analyst"]).post(
        f"/agreements/{dataset.agreement_id}/submit",
        {
            "standard": STANDARD,
            "period": "2026-27",
            "file": SimpleUploadedFile("big.csv", b"a" * 2_100_000),
        },
    )
    assert response.status_code == 413
    assert not Submission.objects.exists()


def test_cli_submit(cast, dataset, tmp_path):
    from click.testing import CliRunner

    from lgrshare.cli import main

    path = tmp_path / "contracts.csv"
    path.write_bytes(contracts_csv())
    result = CliRunner().invoke(
        main,
        [
            "submit",
            str(path),
            # As people write it (the agreement's page shows DSA-00002); the number works too.
            "--agreement",
            dataset.agreement.reference.lower(),
            "--standard",
            STANDARD,
            "--council",
            SURREY,
            "--period",
            "2026-27",
            "--user",
            "sam",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "stored encrypted (valid)" in result.output
    report = json.loads(json.dumps(Submission.objects.get().report))
    assert report["valid"] is True


def test_api_download_goes_through_the_same_policy(cast, dataset, client):
    from lgrshare.accounts.services import token_create

    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    _, secret = token_create(user=cast["alice"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    refused = client.get(f"/api/v1/submissions/{created.pk}/download.zip", **auth)
    assert refused.status_code == 403
    assert refused.json()["code"] == "terms-not-accepted"
    agreements.terms_accept(user=cast["alice"], agreement=dataset.agreement)
    allowed = client.get(f"/api/v1/submissions/{created.pk}/download.xlsx", **auth)
    assert allowed.status_code == 200
    assert load_workbook(io.BytesIO(allowed.content)).sheetnames == ["Data", "About this data"]


def test_the_catalogue_download_of_shared_data_is_the_zip_with_its_context(
    cast, dataset, signed_in
):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(formula=True))
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    agreements.terms_accept(user=cast["alice"], agreement=dataset.agreement)
    client = signed_in(cast["alice"])
    page = client.get(f"/catalogue/{dataset.slug}/")
    assert created.reference.encode() in page.content
    response = client.get(f"/catalogue/{dataset.slug}/data.csv", follow=True)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "'=HYPERLINK" in archive.read("data.csv").decode()
    # The link says what the zip holds, and the zip holds what it says.
    assert "the data as CSV, with its schema, caveats, validation reports" in page.content.decode()
    assert set(archive.namelist()) == {
        "data.csv", "schema.json", "caveats.json", "validation-report.json", "ABOUT.txt"
    }  # fmt: skip


def test_excel_downloads_keep_numbers_as_numbers(cast, dataset, signed_in):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    services.submission_accept(user=cast["surrey_lead"], submission=created)
    agreements.terms_accept(user=cast["alice"], agreement=dataset.agreement)
    content = signed_in(cast["alice"]).get(f"/submissions/{created.pk}/download.xlsx").content
    sheet = load_workbook(io.BytesIO(content))["Data"]
    header = [c.value for c in sheet[1]]
    value = sheet.cell(row=2, column=header.index("total_value_gbp") + 1).value
    assert isinstance(value, int | float)


def test_accepting_without_the_caveats_explains_on_the_page(cast, dataset, signed_in):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(bad_date=True))
    client = signed_in(cast["surrey_lead"])
    response = client.post(f"/submissions/{created.pk}/accept", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Explain each kind of error" in html
    # The error kinds and the standard by their titles, not their codes.
    assert "before accepting: &#x27;A cell is not of the field&#x27;s type&#x27;" in html
    assert "type-error" not in html[html.index("Explain each kind") :][:300]
    standard = html[html.index('data-testid="standard"') :]
    assert standard[: standard.index("</dd>")].endswith(">Contracts register, version 1.0.0")
    created.refresh_from_db()
    assert created.state == Submission.State.PENDING


def test_the_report_quotes_data_so_only_those_who_may_see_the_data_get_it(
    cast, dataset, signed_in, bob
):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(bad_date=True))
    assert (
        signed_in(cast["surrey_lead"]).get(f"/submissions/{created.pk}/report.json").status_code
        == 200
    )
    woking = signed_in(bob)
    assert woking.get(f"/submissions/{created.pk}/report.json").status_code == 403
    page = woking.get(f"/submissions/{created.pk}/")
    assert b"31/02/2027" not in page.content


def test_a_second_person_accepts_when_the_agreement_asks_for_one(cast, dataset, signed_in):
    # As if signed with this term: a signed version cannot be changed in place.
    version = dataset.agreement.current()
    type(version).objects.filter(pk=version.pk).update(second_person_acceptance=True)
    surrey_lead = cast["surrey_lead"]
    own = submit(surrey_lead, dataset, contracts_csv())
    page = signed_in(surrey_lead).get(f"/submissions/{own.pk}/")
    assert b"Accept for sharing" not in page.content  # no form the person cannot use
    forged = signed_in(surrey_lead).post(f"/submissions/{own.pk}/accept")
    assert forged.status_code == 403
    own.refresh_from_db()
    assert own.state == Submission.State.PENDING
    assert AuditEntry.objects.filter(
        action="access-refused", reason="second-person-needed", target_id=str(own.pk)
    ).exists()
    another = _make("sid", ["data-lead"], SURREY)
    services.submission_accept(user=another, submission=own)
    own.refresh_from_db()
    assert own.state == Submission.State.ACCEPTED


def test_withdrawing_in_the_page_asks_for_a_declaration_first(cast, dataset, signed_in):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    web = signed_in(cast["surrey_analyst"])
    unconfirmed = web.post(f"/submissions/{created.pk}/withdraw")
    assert unconfirmed.status_code == 400
    assert b"Confirm that you understand the file will be destroyed" in unconfirmed.content
    created.refresh_from_db()
    assert created.state == Submission.State.PENDING
    confirmed = web.post(f"/submissions/{created.pk}/withdraw", {"confirm": "on"})
    assert confirmed.status_code == 302
    created.refresh_from_db()
    assert created.state == Submission.State.WITHDRAWN


def test_only_the_submitter_or_the_holders_data_lead_acts_on_a_submission(cast, dataset, bob):
    created = submit(cast["surrey_analyst"], dataset, contracts_csv())
    for user, code in ((cast["guildford_lead"], "not-the-holder"), (bob, "not-the-holder")):
        with pytest.raises(PermissionDenied) as caught:
            services.submission_withdraw(user=user, submission=created)
        assert caught.value.code == code
    with pytest.raises(PermissionDenied) as caught:
        services.submission_accept(user=cast["surrey_analyst"], submission=created)
    assert caught.value.code == "role-not-permitted"  # an analyst, not a data lead


def test_an_upload_in_progress_leaves_no_plaintext_on_disk(
    cast, dataset, signed_in, monkeypatch, settings, tmp_path
):
    # The trial killed the server mid-upload and found the uploads, byte for byte, in the
    # system's temporary folder. Above Django's 2.5 MB in-memory threshold, mid-request (when
    # a kill would strike), no file anywhere under the temporary folder or LGRSHARE_HOME holds
    # the upload.
    # A temporary folder of this test's own: the machine's is shared with other test runs,
    # whose files hold the same marker.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    marker = b"PLAINTEXT-MARKER-7f3a"
    header, row = contracts_csv().decode().splitlines()
    row = row.replace(row.split(",")[0], marker.decode(), 1)
    content = ("\n".join([header] + [row] * (3_000_000 // len(row))) + "\n").encode()
    found: list[str] = []
    create = services.submission_create

    started = time.time()

    def spying(**kwargs):
        for folder in (Path(tempfile.gettempdir()), Path(settings.HOME)):
            # os.walk, not rglob: other processes' files come and go in the shared folder.
            for path in (Path(d) / f for d, _, files in os.walk(folder) for f in files):
                # Only files written since the upload began (the folder is shared).
                with contextlib.suppress(OSError):
                    recent = path.is_file() and path.stat().st_mtime >= started - 1
                    if recent and marker in path.read_bytes():
                        found.append(str(path))
        return create(**kwargs)

    monkeypatch.setattr(services, "submission_create", spying)
    response = signed_in(cast["surrey_analyst"]).post(
        f"/agreements/{dataset.agreement_id}/submit",
        {"standard": STANDARD, "period": "2026-27", "file": SimpleUploadedFile("c.csv", content)},
    )
    assert response.status_code == 302, response.content[:500]
    assert not found, found


def test_a_workbook_that_breaks_the_reader_is_refused_on_the_page_and_recorded(
    cast, dataset, signed_in, tmp_path
):
    # The trial's 2.3 KB workbook hung uploads for 300 s and more.
    from tests.domain.validation.test_isolation import impossible_reference_workbook

    content = impossible_reference_workbook(tmp_path).read_bytes()
    response = signed_in(cast["surrey_analyst"]).post(
        f"/agreements/{dataset.agreement_id}/submit",
        {
            "standard": STANDARD,
            "period": "2026-27",
            "file": SimpleUploadedFile("contracts.xlsx", content),
        },
    )
    assert response.status_code == 400
    assert b"memory allowed for one file" in response.content
    assert not Submission.objects.exists()
    refused = AuditEntry.objects.filter(action="change-refused", reason="file-too-complex")
    assert refused.count() == 1


def test_a_compressed_upload_is_checked_stored_and_read_back(cast, dataset, signed_in):
    content = gzip.compress(contracts_csv(bad_date=True))
    created = submit(cast["surrey_analyst"], dataset, content, name="contracts.csv.gz")

    assert not created.valid
    assert created.file_format == "gz"
    assert created.report["file"]["compression"] == "gzip"
    # The stored file (the upload itself) is read back unpacked.
    frame = submission_table(created)
    assert frame.height == 1
    assert "end_date" in frame.columns
    page = signed_in(cast["surrey_lead"]).get(f"/submissions/{created.pk}/").content.decode()
    assert "unpacked from a gzip file" in page


def test_the_upload_page_gives_the_command_that_checks_a_file_as_the_hub_does(
    cast, signed_in, tmp_path
):
    standard = standard_get(name=STANDARD)
    fields = [spec.name for spec in standard.fields][:5]
    dataset = _shared(cast, fields=fields)
    full = list(csv.reader(io.StringIO(contracts_csv().decode())))
    path = tmp_path / "contracts.csv"
    with path.open("w", newline="") as out:
        csv.writer(out).writerows([row[:5] for row in full])
    assert (
        submit(cast["surrey_analyst"], dataset, path.read_bytes()).report["stats"]["error_count"]
        == 0
    )

    page = signed_in(cast["surrey_analyst"]).get(f"/agreements/{dataset.agreement_id}/submit")
    command = page.context["shares"][0][2]

    assert command == (
        f"lgrshare validate FILE --standard {STANDARD} --fields {','.join(fields)} "
        f"--organisation {SURREY}"
    )
    assert command.encode() in page.content
    args = command.replace("FILE", str(path)).split()[2:]
    checked = CliRunner().invoke(main, ["validate", *args])
    assert checked.exit_code == 0, checked.output
    assert "valid against" in checked.output
    # Without --fields the standard's other fields are missing columns.
    assert CliRunner().invoke(main, ["validate", *args[:3]]).exit_code == 1
