"""The local storage: atomic writes, listings that see only what they should, safe names."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from lgrshare.vault.errors import BlobMissing
from lgrshare.vault.storage import LocalStorage


def test_a_write_appears_whole_under_its_name(tmp_path: Path):
    storage = LocalStorage(tmp_path / "vault")
    blob_id = str(uuid.uuid4())
    assert storage.write_atomic(blob_id, lambda dst: dst.write(b"container")) == 9
    with storage.open(blob_id) as handle:
        assert handle.read() == b"container"
    assert list(storage.list_ids()) == [blob_id]
    assert list(storage.list_temporary()) == []
    assert oct((tmp_path / "vault").stat().st_mode & 0o777) == "0o700"


def test_a_failed_write_leaves_nothing(tmp_path: Path):
    storage = LocalStorage(tmp_path)

    def fail(dst) -> None:
        dst.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        storage.write_atomic(str(uuid.uuid4()), fail)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_blob_is_never_replaced(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    blob_id = str(uuid.uuid4())
    storage.write_atomic(blob_id, lambda dst: dst.write(b"first"))
    with pytest.raises(FileExistsError):
        storage.write_atomic(blob_id, lambda dst: dst.write(b"second"))
    assert (tmp_path / blob_id).read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == [blob_id]


def test_listings_ignore_other_files_and_names_cannot_escape(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    (tmp_path / "README").write_text("operator's note")
    (tmp_path / "x.tmp").write_text("")
    assert list(storage.list_ids()) == []
    assert list(storage.list_temporary()) == ["x.tmp"]
    for name in ("../kek", "a/b", ".hidden", ""):
        with pytest.raises(ValueError, match="not a storage name"):
            storage.delete(name)
    with pytest.raises(ValueError, match="not a blob id"):
        storage.write_atomic("../../etc/passwd", lambda dst: None)
    with pytest.raises(BlobMissing):
        storage.open(str(uuid.uuid4()))
    assert storage.delete(str(uuid.uuid4())) is False
    assert storage.modified_at("x.tmp") is not None
