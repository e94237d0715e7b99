"""Blobs through the services: round trip, keys out of the database, rollbacks, destruction."""

from __future__ import annotations

import base64
import io
import os
import stat
from pathlib import Path

import pytest
from django.db import connection, transaction

from lgrshare.domain.crypto import IntegrityError, KekFileInsecure, KekFileMissing
from lgrshare.vault import services
from lgrshare.vault.errors import BlobDestroyed, BlobMissing
from lgrshare.vault.models import Blob
from lgrshare.vault.rollback import delete_on_rollback
from lgrshare.vault.storage import default_storage
from tests.vault.conftest import stored_names

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def _data(size: int) -> bytes:
    return os.urandom(size)


class Boom(Exception):
    pass


def test_store_and_read_back_round_trip(vault_dir: Path):
    data = _data(2 * MIB + 123)
    blob = services.blob_store(source=io.BytesIO(data))
    blob.refresh_from_db()
    assert services.blob_read_bytes(blob=blob) == data
    assert b"".join(services.blob_open(blob=blob)) == data
    assert blob.plaintext_bytes == len(data)
    assert blob.ciphertext_bytes == (vault_dir / str(blob.id)).stat().st_size
    assert stored_names(vault_dir) == [str(blob.id)]
    assert stat.S_IMODE((vault_dir / str(blob.id)).stat().st_mode) == 0o600
    assert data[:4096] not in (vault_dir / str(blob.id)).read_bytes()


def test_an_empty_stream_is_a_blob_too():
    blob = services.blob_store(source=io.BytesIO(b""))
    assert services.blob_read_bytes(blob=blob) == b""


def test_neither_the_data_key_nor_the_kek_reaches_the_database(monkeypatch, vault_home: Path):
    keys: list[bytes] = []
    original = services.new_data_key

    def spy() -> bytes:
        keys.append(original())
        return keys[-1]

    monkeypatch.setattr(services, "new_data_key", spy)
    blob = services.blob_store(source=io.BytesIO(b"name,age\nAda,36\n"))
    kek = base64.b64decode((vault_home / "kek").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM vault_blob WHERE id = %s", [blob.id.hex])
        row = cursor.fetchone()
    assert row is not None
    stored = " ".join(str(value) for value in row)
    assert blob.wrapped_key in stored
    for secret in (keys[0], kek):
        for form in (secret.hex(), base64.b64encode(secret).decode(), repr(secret)):
            assert form not in stored


def _store_then_fail(vault_dir: Path, data: bytes) -> None:
    """Store a blob in a transaction that then fails (the file is in place until then)."""
    before = len(stored_names(vault_dir))
    with transaction.atomic():
        services.blob_store(source=io.BytesIO(data))
        assert len(stored_names(vault_dir)) == before + 1
        raise Boom


def test_a_rollback_of_the_callers_transaction_leaves_no_file(vault_dir: Path):
    with pytest.raises(Boom):
        _store_then_fail(vault_dir, b"a,b\n1,2\n")
    assert stored_names(vault_dir) == []
    assert not Blob.objects.exists()


def test_a_rolled_back_savepoint_leaves_no_file_and_the_rest_commits(vault_dir: Path):
    with transaction.atomic():
        kept = services.blob_store(source=io.BytesIO(b"kept"))
        with pytest.raises(Boom):
            _store_then_fail(vault_dir, b"dropped")
    assert stored_names(vault_dir) == [str(kept.id)]
    assert services.blob_read_bytes(blob=kept) == b"kept"


class FailingSource(io.RawIOBase):
    def __init__(self, fail_after: int) -> None:
        self.left = fail_after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            raise OSError("the upload was cut off")
        count = min(len(buffer), self.left)
        buffer[:count] = b"x" * count
        self.left -= count
        return count


def test_a_failure_while_streaming_leaves_no_file_and_no_row(vault_dir: Path):
    with pytest.raises(OSError, match="cut off"):
        services.blob_store(source=FailingSource(3 * MIB))
    assert stored_names(vault_dir) == []
    assert not Blob.objects.exists()


def test_a_failed_insert_leaves_no_file(monkeypatch, vault_dir: Path):
    def refuse(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(Blob, "save", refuse)
    with pytest.raises(Boom):
        services.blob_store(source=io.BytesIO(b"data"))
    assert stored_names(vault_dir) == []


def test_a_hook_dropped_outside_a_rollback_keeps_the_file(vault_dir: Path):
    # After a commit, an earlier on_commit hook that raises makes Django skip ours: the data is
    # committed, so the guard must not take the file away.
    storage = default_storage()
    blob = services.blob_store(source=io.BytesIO(b"committed"))
    with transaction.atomic():
        delete_on_rollback(storage=storage, blob_id=str(blob.id))
        dropped = connection.run_on_commit.pop()
        del dropped
        assert stored_names(vault_dir) == [str(blob.id)]
    assert stored_names(vault_dir) == [str(blob.id)]


def test_a_committed_blob_is_kept(django_capture_on_commit_callbacks, vault_dir: Path):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        blob = services.blob_store(source=io.BytesIO(b"kept"))
    assert callbacks
    assert stored_names(vault_dir) == [str(blob.id)]


def test_a_tampered_blob_never_returns_wrong_data(vault_dir: Path):
    data = _data(3 * MIB)
    blob = services.blob_store(source=io.BytesIO(data))
    path = vault_dir / str(blob.id)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01  # a byte of the second chunk
    path.write_bytes(bytes(content))
    released: list[bytes] = []
    with pytest.raises(IntegrityError) as failure:
        released.extend(services.blob_open(blob=blob))
    assert failure.value.code == "integrity-error"
    assert failure.value.chunk == 1
    assert b"".join(released) == data[:MIB]  # only the authentic prefix, then the error
    with pytest.raises(IntegrityError):
        services.blob_read_bytes(blob=blob)


def test_a_damaged_header_fails_before_any_data():
    blob = services.blob_store(source=io.BytesIO(b"secret"))
    path = Path(default_storage().root) / str(blob.id)  # type: ignore[attr-defined]
    path.write_bytes(b"X" + path.read_bytes()[1:])
    with pytest.raises(IntegrityError) as failure:
        services.blob_open(blob=blob)
    assert failure.value.chunk is None


def test_a_missing_file_is_a_clear_error(vault_dir: Path):
    blob = services.blob_store(source=io.BytesIO(b"gone"))
    (vault_dir / str(blob.id)).unlink()
    with pytest.raises(BlobMissing) as failure:
        services.blob_open(blob=blob)
    assert failure.value.code == "blob-missing"


def test_destroy_shreds_the_key_deletes_the_file_and_keeps_the_row(
    django_capture_on_commit_callbacks, vault_dir: Path
):
    blob = services.blob_store(source=io.BytesIO(b"to be deleted"))
    with django_capture_on_commit_callbacks(execute=True):
        services.blob_destroy(blob=blob)
    row = Blob.objects.get(pk=blob.pk)
    assert row.wrapped_key == ""
    assert row.destroyed_at is not None
    assert row.plaintext_sha256 == blob.plaintext_sha256
    assert stored_names(vault_dir) == []
    with pytest.raises(BlobDestroyed) as failure:
        services.blob_open(blob=row)
    assert (failure.value.code, failure.value.status) == ("blob-destroyed", 410)
    assert services.blob_destroy(blob=row).destroyed_at == row.destroyed_at  # idempotent


def test_the_default_kek_is_created_at_first_use_private(vault_home: Path):
    services.blob_store(source=io.BytesIO(b"x"))
    assert stat.S_IMODE((vault_home / "kek").stat().st_mode) == 0o600


def test_a_kek_file_readable_by_others_is_refused(vault_home: Path, vault_dir: Path):
    services.blob_store(source=io.BytesIO(b"x"))
    before = stored_names(vault_dir)
    (vault_home / "kek").chmod(0o644)
    with pytest.raises(KekFileInsecure) as failure:
        services.blob_store(source=io.BytesIO(b"y"))
    assert failure.value.code == "kek-file-insecure"
    assert stored_names(vault_dir) == before


def test_a_configured_kek_file_that_is_missing_is_refused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("LGRSHARE_KEK_FILE", str(tmp_path / "mounted" / "kek"))
    with pytest.raises(KekFileMissing):
        services.blob_store(source=io.BytesIO(b"x"))
    assert not (tmp_path / "mounted").exists()


def test_the_system_check_reports_an_insecure_kek(vault_home: Path):
    from lgrshare.vault.checks import kek_files_check

    assert kek_files_check() == []  # no file yet: it will be created at first use
    services.blob_store(source=io.BytesIO(b"x"))
    assert kek_files_check() == []
    (vault_home / "kek").chmod(0o640)
    errors = kek_files_check()
    assert [e.id for e in errors] == ["lgrshare.vault.E001"]
    assert "kek-file-insecure" in errors[0].msg
