"""Notifications moved to their own app (``notifications.0001_initial`` copies them first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0002_attachment_vault"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
