"""``lgrshare vault rotate-kek``: data keys re-wrapped, data untouched, the old KEK retired."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lgrshare.audit.models import AuditEntry
from lgrshare.cli import main
from lgrshare.domain.crypto import (
    KekUnknown,
    Keyring,
    KeyUnwrapFailed,
    WrappedKey,
    create_kek_file,
    load_kek,
    unwrap_key,
)
from lgrshare.vault import services
from lgrshare.vault.models import Blob

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def _ciphertexts(vault_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in vault_dir.iterdir()}


def test_rotation_rewraps_keys_and_leaves_the_data(
    run, monkeypatch, vault_home, vault_dir, django_capture_on_commit_callbacks
):
    blobs = [services.blob_store(source=io.BytesIO(f"row {n}\n".encode())) for n in range(3)]
    destroyed = services.blob_store(source=io.BytesIO(b"gone"))
    with django_capture_on_commit_callbacks(execute=True):  # its file goes, as on a commit
        services.blob_destroy(blob=destroyed)
    old = load_kek(vault_home / "kek")
    before = _ciphertexts(vault_dir)
    new_file = vault_home / "keys" / "kek-2"

    result = run("vault", "rotate-kek", "--new-kek-file", str(new_file))
    assert result.exit_code == 0, result.output
    new = load_kek(new_file)
    assert f"Re-wrapped 3 data key(s) with KEK {new.kek_id}; 0 already were." in result.output
    assert _ciphertexts(vault_dir) == before  # not one byte of data re-encrypted
    rows = list(Blob.objects.readable())
    assert {WrappedKey.from_str(b.wrapped_key).kek_id for b in rows} == {new.kek_id}
    assert Blob.objects.get(pk=destroyed.pk).wrapped_key == ""  # never given a key back

    # The old KEK alone opens nothing: the ids differ, and forcing it fails the unwrap.
    for row in rows:
        wrapped = WrappedKey.from_str(row.wrapped_key)
        with pytest.raises(KekUnknown):
            unwrap_key(wrapped, Keyring(current=old))
        with pytest.raises(KeyUnwrapFailed):
            unwrap_key(WrappedKey(kek_id=old.kek_id, wrapped=wrapped.wrapped), Keyring(old))

    # The operator switches to the new file: everything reads, with no previous file at all.
    monkeypatch.setenv("LGRSHARE_KEK_FILE", str(new_file))
    for n, blob in enumerate(blobs):
        blob.refresh_from_db()
        assert services.blob_read_bytes(blob=blob) == f"row {n}\n".encode()
    assert run("vault", "check").exit_code == 0

    again = run("vault", "rotate-kek")  # idempotent
    assert "Re-wrapped 0 data key(s)" in again.output
    assert "3 already were" in again.output
    entries = list(AuditEntry.objects.filter(action="rotate-kek"))
    assert [e.target_id for e in entries] == [new.kek_id, new.kek_id]
    assert entries[0].actor.startswith("cli:")


def test_the_clean_flow_switches_first_then_rewraps(run, monkeypatch, vault_home):
    old_blob = services.blob_store(source=io.BytesIO(b"old"))
    new_file = vault_home / "kek-2"
    create_kek_file(new_file)
    monkeypatch.setenv("LGRSHARE_KEK_FILE", str(new_file))
    monkeypatch.setenv("LGRSHARE_KEK_PREVIOUS_FILES", str(vault_home / "kek"))
    # Straight after the switch, old blobs read through the previous KEK, new ones use the new.
    assert services.blob_read_bytes(blob=old_blob) == b"old"
    new_blob = services.blob_store(source=io.BytesIO(b"new"))
    result = run("vault", "rotate-kek")
    assert "Re-wrapped 1 data key(s)" in result.output
    assert "1 already were" in result.output
    monkeypatch.delenv("LGRSHARE_KEK_PREVIOUS_FILES")  # the old KEK is retired
    for blob, text in ((old_blob, b"old"), (new_blob, b"new")):
        blob.refresh_from_db()
        assert services.blob_read_bytes(blob=blob) == text


def test_a_key_that_cannot_be_unwrapped_is_reported_and_the_rest_rotate(run, vault_home):
    good = services.blob_store(source=io.BytesIO(b"good"))
    bad = services.blob_store(source=io.BytesIO(b"bad"))
    Blob.objects.filter(pk=bad.pk).update(wrapped_key="kw1:0123456789abcdef:" + "A" * 54 + "==")
    result = run("vault", "rotate-kek", "--new-kek-file", str(vault_home / "kek-2"))
    assert result.exit_code == 1
    assert f"problem [kek-unknown] {bad.id}" in result.output
    good.refresh_from_db()
    assert WrappedKey.from_str(good.wrapped_key).kek_id == load_kek(vault_home / "kek-2").kek_id


def test_an_insecure_new_kek_file_is_refused_before_anything_changes(vault_home):
    blob = services.blob_store(source=io.BytesIO(b"x"))
    new_file = vault_home / "kek-2"
    create_kek_file(new_file)
    new_file.chmod(0o644)
    result = CliRunner().invoke(main, ["vault", "rotate-kek", "--new-kek-file", str(new_file)])
    assert result.exit_code == 2
    assert "Error [kek-file-insecure]" in result.output
    assert Blob.objects.get(pk=blob.pk).wrapped_key == blob.wrapped_key


def test_a_rotation_is_audited_without_any_key(run, vault_home):
    services.blob_store(source=io.BytesIO(b"a,b\n1,2\n"))
    old = load_kek(vault_home / "kek")
    new_file = vault_home / "kek-2"

    assert run("vault", "rotate-kek", "--new-kek-file", str(new_file)).exit_code == 0

    new = load_kek(new_file)
    (entry,) = AuditEntry.objects.filter(action="rotate-kek")
    assert (entry.target_type, entry.target_id) == ("kek", new.kek_id)
    assert json.loads(entry.detail)["rewrapped"] == 1
    # Neither key, in any spelling, nor any wrapped data key is in the record.
    record = repr(entry.__dict__)
    wrapped = Blob.objects.get().wrapped_key
    for secret in (old.key, new.key):
        for spelling in (secret.hex(), base64.b64encode(secret).decode(),
                         base64.urlsafe_b64encode(secret).decode().rstrip("=")):  # fmt: skip
            assert spelling not in record
    assert wrapped not in record
