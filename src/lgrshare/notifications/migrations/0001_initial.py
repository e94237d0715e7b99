"""Notifications become their own app: the table, and the requests app's notifications copied in.

The copy keeps each notification's person, words, time and whether it was read; its link is the
request it was about. ``requests.0003_move_notifications`` then drops the old table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_from_requests(apps, schema_editor):
    Old = apps.get_model("requests", "Notification")
    New = apps.get_model("notifications", "Notification")
    for old in Old.objects.order_by("pk").iterator():
        new = New.objects.create(
            user_id=old.user_id,
            kind="request-update",
            text=old.text[:300],
            link=f"/requests/{old.request_id}/" if old.request_id else "",
            read_at=old.read_at,
        )
        # created_at is set on creation (auto_now_add): put the original time back.
        New.objects.filter(pk=new.pk).update(created_at=old.created_at)


def copy_back_to_requests(apps, schema_editor):
    Old = apps.get_model("requests", "Notification")
    New = apps.get_model("notifications", "Notification")
    for new in New.objects.filter(link__startswith="/requests/").order_by("pk").iterator():
        request_id = new.link.strip("/").split("/")[-1]
        old = Old.objects.create(
            user_id=new.user_id,
            request_id=int(request_id) if request_id.isdigit() else None,
            text=new.text,
            read_at=new.read_at,
        )
        Old.objects.filter(pk=old.pk).update(created_at=new.created_at)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("requests", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("text", models.CharField(max_length=300)),
                ("link", models.CharField(blank=True, max_length=300)),
                ("once_key", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["user", "read_at"], name="notification_unread")],
                "constraints": [models.UniqueConstraint(condition=models.Q(("once_key", ""), _negated=True), fields=("user", "once_key"), name="notify_once_per_key")],
            },
        ),
        migrations.RunPython(copy_from_requests, copy_back_to_requests),
    ]
