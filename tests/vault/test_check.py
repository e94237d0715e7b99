"""``lgrshare vault check [--repair]``: integrity, orphans both ways, leftovers, exit codes."""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import transaction

from lgrshare.audit.models import AuditEntry
from lgrshare.cli import main
from lgrshare.vault import services
from lgrshare.vault.errors import BlobLost
from lgrshare.vault.integrity import vault_check
from lgrshare.vault.models import Blob
from lgrshare.vault.storage import LocalStorage
from tests.vault.conftest import stored_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def _codes(report) -> list[tuple[str, bool]]:
    return sorted((f.code, f.repaired) for f in report.findings)


def test_a_clean_vault_exits_zero(run):
    services.blob_store(source=io.BytesIO(b"a,b\n1,2\n"))
    result = run("vault", "check")
    assert result.exit_code == 0, result.output
    assert "Verified 1 blob(s), 8 bytes" in result.output
    assert "0 problem(s) remain" in result.output


def test_orphans_both_ways_and_leftovers_are_reported_then_repaired(run, vault_dir: Path):
    kept = services.blob_store(source=io.BytesIO(b"kept"))
    lost = services.blob_store(source=io.BytesIO(b"lost"))
    (vault_dir / str(lost.id)).unlink()
    orphan = str(uuid.uuid4())
    shutil.copy(vault_dir / str(kept.id), vault_dir / orphan)
    (vault_dir / f"{orphan}.0a1b2c3d.tmp").write_bytes(b"half a container")

    report = vault_check()
    assert _codes(report) == [
        ("blob-missing", False),
        ("orphan-file", False),
        ("temporary-file", False),
    ]
    assert {f.name for f in report.findings} == {str(lost.id), orphan, f"{orphan}.0a1b2c3d.tmp"}
    result = run("vault", "check")
    assert result.exit_code == 1
    assert f"problem [orphan-file] {orphan}" in result.output

    result = run("vault", "check", "--repair")
    assert result.exit_code == 0, result.output
    assert "3 repaired" in result.output
    assert stored_names(vault_dir) == [str(kept.id)]
    assert Blob.objects.get(pk=lost.pk).lost_at is not None
    assert Blob.objects.get(pk=kept.pk).lost_at is None

    again = vault_check()
    assert again.clean
    assert (again.verified, again.lost) == (1, 1)
    with pytest.raises(BlobLost) as failure:
        services.blob_open(blob=Blob.objects.get(pk=lost.pk))
    assert failure.value.code == "blob-lost"


def test_a_file_whose_writer_holds_its_lock_is_left_alone_and_any_other_goes_at_any_age(
    vault_dir: Path,
):
    # The trial's "0 problems" straight after crashes: an hour of grace hid the orphans. Now
    # a whole file without a row is left alone only while a live writer holds its lock.
    services.blob_store(source=io.BytesIO(b"kept"))
    orphan = vault_dir / str(uuid.uuid4())
    orphan.write_bytes(b"a crash's leftover, a second old")
    with orphan.open("rb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)
        report = vault_check(repair=True)
        assert report.clean
        assert report.in_flight == 1
        assert orphan.exists()
    assert _codes(vault_check(repair=True)) == [("orphan-file", True)]
    assert not orphan.exists()


@pytest.mark.django_db(transaction=True)
def test_a_blob_keeps_its_lock_until_its_transaction_commits(vault_dir: Path):
    # Stored in this test's transaction, never committed: its file is in flight, not an orphan
    # (it would be under the old hour of grace only by its age).
    with transaction.atomic():
        blob = services.blob_store(source=io.BytesIO(b"a row not yet committed"))
        storage = LocalStorage(vault_dir)
        assert storage.being_written(str(blob.id))
        report = vault_check(repair=True)
        assert report.clean
        assert (report.verified, report.in_flight) == (1, 0)
    assert not storage.being_written(str(blob.id))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_blob_is_deleted_and_its_lock_released(vault_dir: Path):
    storage = LocalStorage(vault_dir)
    held: list[bool] = []

    def fail_after_storing() -> None:
        with transaction.atomic():
            blob = services.blob_store(source=io.BytesIO(b"rolled back"))
            held.append(storage.being_written(str(blob.id)))
            raise RuntimeError("the service failed after storing")

    with pytest.raises(RuntimeError):
        fail_after_storing()
    assert held == [True]
    assert stored_names(vault_dir) == []
    committed = services.blob_store(source=io.BytesIO(b"committed"))
    assert not storage.being_written(str(committed.id))
    assert vault_check().clean


def test_a_destroyed_blobs_leftover_file_is_an_orphan(vault_dir: Path):
    blob = services.blob_store(source=io.BytesIO(b"x"))
    services.blob_destroy(blob=blob)  # the file goes on commit, which this test never reaches
    report = vault_check(repair=True)
    assert _codes(report) == [("orphan-file", True)]
    assert report.destroyed == 1
    assert stored_names(vault_dir) == []


def test_a_tampered_blob_fails_the_check_with_integrity_error(run, vault_dir: Path):
    blob = services.blob_store(source=io.BytesIO(os.urandom(300_000)))
    path = vault_dir / str(blob.id)
    content = bytearray(path.read_bytes())
    content[-5] ^= 0x80
    path.write_bytes(bytes(content))
    report = vault_check(repair=True)
    assert _codes(report) == [("integrity-error", False)]
    assert path.exists()  # never "repaired" away: restore it from a backup
    result = run("vault", "check", "--repair")
    assert result.exit_code == 1
    assert f"problem [integrity-error] {blob.id}" in result.output


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"plaintext_sha256": "0" * 64}, "blob-mismatch"),
        ({"plaintext_bytes": 1}, "blob-mismatch"),
        ({"wrapped_key": "kw1:0123456789abcdef:" + "A" * 54 + "=="}, "kek-unknown"),
        ({"wrapped_key": "not a key"}, "wrapped-key-invalid"),
    ],
)
def test_an_altered_row_is_found(change, code):
    blob = services.blob_store(source=io.BytesIO(b"name\nAda\n"))
    Blob.objects.filter(pk=blob.pk).update(**change)
    assert _codes(vault_check()) == [(code, False)]


def test_a_key_from_another_blob_fails_integrity():
    first = services.blob_store(source=io.BytesIO(b"first"))
    second = services.blob_store(source=io.BytesIO(b"second"))
    Blob.objects.filter(pk=second.pk).update(wrapped_key=first.wrapped_key)
    report = vault_check()
    assert [(f.code, f.name) for f in report.findings] == [("integrity-error", str(second.id))]


def test_an_insecure_kek_stops_the_check_with_exit_two(run, vault_home: Path):
    services.blob_store(source=io.BytesIO(b"x"))
    (vault_home / "kek").chmod(0o604)
    result = CliRunner().invoke(main, ["vault", "check"])
    assert result.exit_code == 2
    assert "Error [kek-file-insecure]" in result.output


def test_a_crash_s_partial_write_is_found_at_once_and_a_write_in_progress_is_not(
    vault_dir: Path,
):
    # The trial's "0 problems straight after crashes": the default hour of grace hid them.
    # A write in progress holds its temporary file's lock; a dead writer's lock is gone.
    vault_dir.mkdir(parents=True, exist_ok=True)
    abandoned = vault_dir / f"{uuid.uuid4()}.0a1b2c3d.tmp"
    abandoned.write_bytes(b"half a container")
    writing = vault_dir / f"{uuid.uuid4()}.1b2c3d4e.tmp"
    with writing.open("wb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)
        report = vault_check(repair=True)
        assert [(f.code, f.name, f.repaired) for f in report.findings] == [
            ("temporary-file", abandoned.name, True)
        ]
        assert report.in_flight == 1
        assert not abandoned.exists()
        assert writing.exists()


def test_a_repair_is_audited_with_what_it_deleted_and_marked(run, vault_dir: Path):
    kept = services.blob_store(source=io.BytesIO(b"kept"))
    lost = services.blob_store(source=io.BytesIO(b"lost"))
    (vault_dir / str(lost.id)).unlink()
    orphan = str(uuid.uuid4())
    shutil.copy(vault_dir / str(kept.id), vault_dir / orphan)
    (vault_dir / f"{orphan}.0a1b2c3d.tmp").write_bytes(b"half a container")

    assert run("vault", "check").exit_code == 1
    assert not AuditEntry.objects.filter(
        action="vault-repaired"
    ).exists()  # a check changes nothing

    assert run("vault", "check", "--repair").exit_code == 0
    (entry,) = AuditEntry.objects.filter(action="vault-repaired")
    assert entry.actor.startswith("cli:")
    assert (entry.target_type, entry.target_id) == ("vault", "blobs")
    assert json.loads(entry.detail) == {
        "orphans_deleted": 1,
        "temporary_deleted": 1,
        "marked_lost": 1,
        "deleted": f"{orphan},{orphan}.0a1b2c3d.tmp",
        "lost": str(lost.id),
    }

    # A repair with nothing to repair records nothing.
    assert run("vault", "check", "--repair").exit_code == 0
    assert AuditEntry.objects.filter(action="vault-repaired").count() == 1
