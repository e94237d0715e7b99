"""DPIA documents move out of the database into the vault, encrypted (issue 12, point 6).

Forward: each DPIA's clear ``document`` is encrypted into a new vault blob, the row points at
it (with the document's type, from its name), and the clear column is dropped. Backward: each
blob is read back (verified) into a restored ``document`` column and then destroyed (its key
shredded). As in ``requests.0002_attachment_vault``, the vault's own services do the
encrypting; they need the key-encryption key only when there are documents to move.

Named 0004 and depending on 0001 only: other work of issue 12 adds 0002 and 0003, and the
dependencies are joined when the branches merge.
"""

import io

import django.db.models.deletion
from django.db import migrations, models

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def to_vault(apps, schema_editor):
    from lgrshare.vault.services import blob_store

    Dpia = apps.get_model("agreements", "Dpia")
    for dpia in Dpia.objects.filter(document__isnull=False, document_blob__isnull=True):
        content = bytes(dpia.document)
        if not content:
            continue
        blob = blob_store(source=io.BytesIO(content))
        extension = dpia.document_name.rsplit(".", 1)[-1].lower()
        dpia.document_blob_id = blob.pk
        dpia.document_type = TYPES.get(extension, "application/octet-stream")
        dpia.document = None
        dpia.save(update_fields=["document_blob", "document_type", "document"])


def from_vault(apps, schema_editor):
    from lgrshare.vault.models import Blob
    from lgrshare.vault.services import blob_destroy, blob_read_bytes

    Dpia = apps.get_model("agreements", "Dpia")
    for dpia in Dpia.objects.filter(document_blob__isnull=False):
        blob = Blob.objects.get(pk=dpia.document_blob_id)
        dpia.document = blob_read_bytes(blob=blob)
        dpia.document_blob_id = None
        dpia.save(update_fields=["document", "document_blob"])
        blob_destroy(blob=blob)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_readiness"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dpia",
            name="document_type",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="dpia",
            name="document_blob",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="vault.blob",
            ),
        ),
        migrations.RunPython(to_vault, from_vault),
        migrations.RemoveField(model_name="dpia", name="document"),
    ]
