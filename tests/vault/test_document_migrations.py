"""The data migrations that move forum attachments (requests 0002) and DPIA documents
(agreements 0004) out of the database into the vault, forwards and back.

Each runs in a child process with its own LGRSHARE_HOME (a fresh SQLite database and key), so
migrating an app back and forth never touches the suite's database. A row is written through
the historical model with clear content, the app is migrated forward (the clear column is
gone, the blob decrypts to the content, the file on disk is not the content) and back (the
content is restored and the blob destroyed).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.vault.test_crash import _env

CHILD = r"""
import json, sys
import django

django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

app, before, after, content = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()


def historical():
    return MigrationExecutor(connection).loader.project_state((app, before)).apps


call_command("migrate", verbosity=0)
from lgrshare.councils.services import reference_load

reference_load()
call_command("migrate", app, before, verbosity=0)
apps = historical()
if app == "requests":
    Row, blob_column = apps.get_model(app, "Attachment"), "blob_id"
    row = Row.objects.create(
        name="spec.csv", content_type="text/csv", size=len(content), sha256="-", content=content
    )
else:
    Row, blob_column = apps.get_model(app, "Dpia"), "document_blob_id"
    Agreement, Area = apps.get_model(app, "Agreement"), apps.get_model("councils", "Area")
    agreement = Agreement.objects.create(
        area_id=Area.objects.get(county_id="E10000030").pk, title="Contracts register"
    )
    row = Row.objects.create(agreement=agreement, document=content, document_name="dpia.pdf")
table = Row._meta.db_table
call_command("migrate", app, after, verbosity=0)

from lgrshare.vault.models import Blob
from lgrshare.vault.services import blob_read_bytes
from lgrshare.vault.storage import default_storage

with connection.cursor() as cursor:
    columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    cursor.execute(f"SELECT {blob_column} FROM {table} WHERE id = %s", [row.pk])
    blob = Blob.objects.get(pk=cursor.fetchone()[0])
with default_storage().open(blob.file_id) as handle:
    on_disk = handle.read()
forward = {
    "columns": columns,
    "decrypts": blob_read_bytes(blob=blob) == content,
    "clear_on_disk": content in on_disk,
}
call_command("migrate", app, before, verbosity=0)
Row = historical().get_model(app, "Attachment" if app == "requests" else "Dpia")
restored = Row.objects.get(pk=row.pk)
clear = "content" if app == "requests" else "document"
back = {
    "content": bytes(getattr(restored, clear) or b"").decode(),
    "blob_destroyed": Blob.objects.get(pk=blob.pk).destroyed_at is not None,
}
print(json.dumps({"forward": forward, "back": back}))
"""

CONTENT = "field,notes\nend_date,the last day of the contract\n"


@pytest.mark.parametrize(
    ("app", "before", "after", "clear_column"),
    [
        ("requests", "0001_initial", "0002_attachment_vault", "content"),
        ("agreements", "0001_initial", "0004_dpia_document_vault", "document"),
    ],
)
def test_documents_move_into_the_vault_and_back(tmp_path: Path, app, before, after, clear_column):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, app, before, after, CONTENT],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert clear_column not in found["forward"]["columns"]
    assert found["forward"]["decrypts"]
    assert not found["forward"]["clear_on_disk"]
    assert found["back"] == {"content": CONTENT, "blob_destroyed": True}
