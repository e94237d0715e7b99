"""Move the cells a validation report quotes (its errors and profile) out of the clear.

Each existing submission's errors and profile are sealed under its file's data key
(``vault.services.blob_seal``: a container whose file id is ``<blob id>/report``); the database
keeps only the summary. A submission whose file was already destroyed (withdrawn) keeps no
errors or profile at all: the data they quoted is gone with the file.
"""

import base64
import io
import json

from django.db import migrations, models

from lgrshare.domain.crypto import WrappedKey, encrypt_stream, unwrap_key
from lgrshare.vault.keys import keyring

SEALED_PARTS = ("errors", "profile")


def seal_reports(apps, schema_editor):
    Submission = apps.get_model("submissions", "Submission")
    ring = None
    for submission in Submission.objects.select_related("blob").iterator(chunk_size=200):
        report = submission.report or {}
        if not any(part in report for part in SEALED_PARTS):
            continue
        summary = {k: v for k, v in report.items() if k not in SEALED_PARTS}
        sealed = ""
        blob = submission.blob
        if blob.destroyed_at is None and blob.wrapped_key:
            ring = ring or keyring()
            data_key = unwrap_key(WrappedKey.from_str(blob.wrapped_key), ring)
            cells = {part: report.get(part, []) for part in SEALED_PARTS}
            out = io.BytesIO()
            encrypt_stream(
                io.BytesIO(json.dumps(cells, default=str).encode()),
                out,
                data_key=data_key,
                file_id=f"{blob.id}/report",
            )
            sealed = base64.b64encode(out.getvalue()).decode("ascii")
        submission.report, submission.report_sealed = summary, sealed
        submission.save(update_fields=["report", "report_sealed"])


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="report_sealed",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="submission",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for the data lead"),
                    ("accepted", "Accepted"),
                    ("withdrawn", "Withdrawn"),
                    ("superseded", "Superseded by a later version"),
                    ("deleted", "Deleted under the agreement's retention rules"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.RunPython(seal_reports, migrations.RunPython.noop),
    ]
