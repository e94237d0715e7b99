"""Forum attachments move out of the database into the vault, encrypted (issue 12, point 6).

Forward: each attachment's clear ``content`` is encrypted into a new vault blob (one data key
per file, as for submissions), the row points at it, and the clear column is dropped.
Backward: each blob is read back (verified) into a restored ``content`` column and then
destroyed (its key shredded), so going back leaves no encrypted copy nobody can reach.

The move calls the vault's own services rather than historical models: encrypting is the
vault's job and must not be written twice. They need the key-encryption key, as at any
upload; a database with no attachments needs nothing.
"""

import io

import django.db.models.deletion
from django.db import migrations, models


def to_vault(apps, schema_editor):
    from lgrshare.vault.services import blob_store

    Attachment = apps.get_model("requests", "Attachment")
    for attachment in Attachment.objects.filter(blob__isnull=True).iterator():
        content = bytes(attachment.content or b"")
        blob = blob_store(source=io.BytesIO(content))
        attachment.blob_id = blob.pk
        attachment.size = blob.plaintext_bytes
        attachment.sha256 = blob.plaintext_sha256
        attachment.content = None
        attachment.save(update_fields=["blob", "size", "sha256", "content"])


def from_vault(apps, schema_editor):
    from lgrshare.vault.models import Blob
    from lgrshare.vault.services import blob_destroy, blob_read_bytes

    Attachment = apps.get_model("requests", "Attachment")
    for attachment in Attachment.objects.filter(blob__isnull=False).iterator():
        blob = Blob.objects.get(pk=attachment.blob_id)
        attachment.content = blob_read_bytes(blob=blob)
        attachment.blob_id = None
        attachment.save(update_fields=["content", "blob"])
        blob_destroy(blob=blob)


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0001_initial"),
        ("vault", "0001_initial"),
    ]

    # The clear column is made nullable before the move and dropped after it, so that going
    # back restores it nullable, refills it, and only then makes it required again.
    operations = [
        migrations.AddField(
            model_name="attachment",
            name="blob",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="vault.blob",
            ),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="content",
            field=models.BinaryField(null=True),
        ),
        migrations.RunPython(to_vault, from_vault),
        migrations.RemoveField(model_name="attachment", name="content"),
        migrations.AlterField(
            model_name="attachment",
            name="blob",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="vault.blob",
            ),
        ),
    ]
