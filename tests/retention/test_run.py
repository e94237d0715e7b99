"""``retention run``: data past its date is deleted once, with a certificate, and stays deleted."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from lgrshare.agreements.models import Agreement
from lgrshare.agreements.status import status_of
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.verification import audit_verify
from lgrshare.cli import main
from lgrshare.datasets import downloads
from lgrshare.datasets.read import submission_table
from lgrshare.domain.crypto import CryptoError, WrappedKey, decrypt_stream, unwrap_key
from lgrshare.domain.errors import PermissionDenied
from lgrshare.retention import deletion as deletion_module
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.retention.services import due_for_deletion, retention_run
from lgrshare.retention.verify import retention_verify
from lgrshare.submissions import services as submissions
from lgrshare.submissions.models import Submission
from lgrshare.vault.errors import BlobDestroyed
from lgrshare.vault.integrity import vault_check
from lgrshare.vault.keys import keyring
from lgrshare.vault.models import Blob
from lgrshare.vault.storage import LocalStorage
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.retention.conftest import DELETE_BY, anchor_head, noon


def _container(vault_home, submission) -> bytes:
    return (vault_home / "vault" / str(submission.blob_id)).read_bytes()


def test_the_report_quotes_no_cell_in_clear_but_its_reader_still_sees_it(shared):
    _, _, submission = shared
    assert "31/02/2027" not in json.dumps(submission.report)
    assert "31/02/2027" not in submission.report_sealed
    assert submission.report["stats"]["counts"] == {"type-error": 1}
    full = submissions.full_report(submission)
    assert any(e.get("cell") == "31/02/2027" for e in full["errors"])
    assert {p["name"] for p in full["profile"]} >= {"end_date"}


def test_nothing_is_due_before_the_delete_by_date_and_a_dry_run_as_of_it_lists_the_dataset(
    shared,
):
    _, dataset, submission = shared
    assert retention_run(now=noon(DELETE_BY - timedelta(days=1)), run_by="cron").issued == []
    dry = retention_run(now=noon(DELETE_BY), run_by="cron", dry_run=True)
    assert [item.deletion.dataset.slug for item in dry.would_delete] == [dataset.slug]
    assert dry.would_delete[0].due.rule == "delete-by-date"
    submission.blob.refresh_from_db()
    assert submission.blob.destroyed_at is None
    assert not DeletionCertificate.objects.exists()


def test_a_dataset_past_its_date_is_deleted_with_a_certificate_and_its_copy_opens_no_more(
    shared, vault_home, cast
):
    agreement, dataset, submission = shared
    copy = _container(vault_home, submission)
    held_before = submission.blob.wrapped_key

    report = retention_run(now=noon(DELETE_BY), run_by="cli:cron")

    (certificate,) = report.issued
    (destroyed,) = certificate.body["destroyed"]
    assert destroyed["ciphertext_sha256"] == hashlib.sha256(copy).hexdigest()
    assert destroyed["key_id"] == str(submission.blob_id)
    assert destroyed["wrapped_key_sha256"] == hashlib.sha256(held_before.encode()).hexdigest()
    assert certificate.body["rule"]["code"] == "delete-by-date"
    assert certificate.body["agreement"] == {
        "reference": agreement.reference,
        "title": agreement.title,
        "version": 1,
    }
    assert certificate.issued_by == "cli:cron"
    # The file is gone, and no key the system holds opens the copy taken before.
    assert not (vault_home / "vault" / str(submission.blob_id)).exists()
    ring = keyring()
    keys = [unwrap_key(WrappedKey.from_str(b.wrapped_key), ring) for b in Blob.objects.readable()]
    keys += [ring.current.key]
    for key in keys:
        with pytest.raises(CryptoError):
            decrypt_stream(io.BytesIO(copy), None, data_key=key, file_id=str(submission.blob_id))
    # Nothing derived survives: report cells, profile, preview, download.
    submission.refresh_from_db()
    assert submission.state == Submission.State.DELETED
    assert submission.report_sealed == ""
    full = submissions.full_report(submission)
    assert full["errors"] == []
    assert full["profile"] == []
    assert full["data_deleted"]
    with pytest.raises(BlobDestroyed):
        submission_table(submission)
    with pytest.raises(PermissionDenied) as refused:
        downloads.submission_download(user=cast["surrey_analyst"], submission=submission, fmt="zip")
    assert refused.value.code == "data-deleted"
    # The councils whose people downloaded it are asked to attest; the holder is not.
    assert set(Attestation.objects.values_list("council_id", flat=True)) == {SURREY, WOKING}
    assert {a["council"] for a in certificate.body["attestations_required"]} == {SURREY, WOKING}
    assert GUILDFORD not in {a["council"] for a in certificate.body["attestations_required"]}
    # Expired until the attestations are in; the chain and the vault are sound.
    agreement.refresh_from_db()
    assert status_of(agreement, today=DELETE_BY) == "expired"
    anchor_head()
    assert audit_verify().intact
    assert vault_check().clean
    assert (
        AuditEntry.objects.filter(action="retention-deleted", target_id=dataset.slug).count() == 1
    )
    anchor_head()
    verified = retention_verify()
    assert (verified.verified, verified.findings) == (1, [])


def test_two_runs_at_once_delete_the_dataset_once(shared):
    _ = shared
    # The second run found the dataset due before the first deleted it.
    stale = due_for_deletion(today=DELETE_BY)
    first = retention_run(now=noon(DELETE_BY), run_by="cron-a")
    for item in stale:
        again = deletion_module.delete_and_certify(
            deletion=item.deletion, now=noon(DELETE_BY), issued_by="cron-b"
        )
        assert again is None
    second = retention_run(now=noon(DELETE_BY + timedelta(days=1)), run_by="cron-b")
    assert len(first.issued) == 1
    assert second.issued == []
    assert DeletionCertificate.objects.count() == 1
    assert AuditEntry.objects.filter(action="retention-deleted").count() == 1


def test_a_run_killed_before_its_commit_changes_nothing_and_the_next_run_deletes(
    shared, monkeypatch
):
    _, _, submission = shared

    def killed(**_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(deletion_module, "audit_record", killed)
    with pytest.raises(KeyboardInterrupt):
        retention_run(now=noon(DELETE_BY), run_by="cron")
    submission.blob.refresh_from_db()
    assert submission.blob.destroyed_at is None
    assert not DeletionCertificate.objects.exists()
    monkeypatch.undo()
    assert len(retention_run(now=noon(DELETE_BY), run_by="cron").issued) == 1
    assert vault_check().clean
    anchor_head()
    assert audit_verify().intact


def test_a_run_killed_after_its_commit_is_completed_by_the_next(shared, vault_home, monkeypatch):
    _, _, submission = shared

    # The process is killed right after the commit, as it starts deleting the files.
    def killed(self, name):
        raise KeyboardInterrupt

    monkeypatch.setattr(LocalStorage, "delete", killed)
    with pytest.raises(KeyboardInterrupt):
        retention_run(now=noon(DELETE_BY), run_by="cron")
    monkeypatch.undo()
    assert (vault_home / "vault" / str(submission.blob_id)).exists()
    assert DeletionCertificate.objects.get().files_removed_at is None
    # A file no key opens (vault check calls it an orphan); retention verify names it.
    anchor_head()
    assert [p.code for p in retention_verify().findings] == ["blob-file-remains"]

    report = retention_run(now=noon(DELETE_BY + timedelta(days=1)), run_by="cron")

    assert report.completed == 1
    assert report.issued == []
    assert not (vault_home / "vault" / str(submission.blob_id)).exists()
    assert vault_check().clean
    anchor_head()
    assert audit_verify().intact
    assert retention_verify().findings == []


def test_verify_names_an_altered_certificate_and_exits_1(shared):
    retention_run(now=noon(DELETE_BY), run_by="cron")
    anchor_head()
    runner = CliRunner()
    good = runner.invoke(main, ["retention", "verify"])
    assert good.exit_code == 0, good.output
    assert good.output.strip().splitlines()[-1] == "1 certificate verified, 0 problems"
    certificate = DeletionCertificate.objects.get()
    certificate.body = {**certificate.body, "issued_by": "someone else"}
    certificate.save(update_fields=["body"])
    bad = runner.invoke(main, ["retention", "verify"])
    assert bad.exit_code == 1
    assert "[certificate-altered]" in bad.output
    assert bad.output.strip().splitlines()[-1] == "1 certificate verified, 1 problem"


def test_the_command_deletes_what_is_due_and_refuses_as_of_without_dry_run(shared):
    agreement, dataset, _ = shared
    runner = CliRunner()
    refused = runner.invoke(main, ["retention", "run", "--as-of", DELETE_BY.isoformat()])
    assert refused.exit_code == 2
    dry = runner.invoke(main, ["retention", "run", "--dry-run", "--as-of", DELETE_BY.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert f"Would delete {dataset.slug} ({agreement.reference})" in dry.output
    nothing = runner.invoke(main, ["retention", "run"])
    assert "0 dataset(s) deleted" in nothing.output
    # Time passes: the delete-by date is today.
    Agreement.objects.filter(pk=agreement.pk)  # the terms stay as signed
    agreement.current().__class__.objects.filter(pk=agreement.current().pk).update(
        delete_by=DELETE_BY - timedelta(days=40)
    )
    done = runner.invoke(main, ["retention", "run"])
    assert done.exit_code == 0, done.output
    assert "Deleted" in done.output
    assert "certificate DEL-" in done.output
