"""Agreements hold directed flows (each version gets explicit flows from its terms as they were)
and may ask a second person to accept each submission.

An existing version's flows follow the rule a new draft's defaults follow: each providing council
gives the fields its data items name (every field of the standard when they name none) to the
parties that do not provide; where every party provides, each gives them to all the others.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from lgrshare.standards.services import standard_get


def _flows(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("agreements", "AgreementVersion")
    party_model = apps.get_model("agreements", "Party")
    for version in version_model.objects.all():
        parties = {
            p.council_id: p.provides_data for p in party_model.objects.filter(version=version)
        }
        providers = [code for code, provides in parties.items() if provides]
        receivers = [code for code, provides in parties.items() if not provides] or list(parties)
        flows = []
        for item in version.data_items or []:
            if "standard" not in item:
                continue
            fields = list(item.get("fields") or [])
            if not fields:
                fields = [f.name for f in standard_get(name=item["standard"]).fields]
            flows += [
                {"standard": item["standard"], "provider": p, "recipient": r, "fields": fields}
                for p in providers
                for r in receivers
                if r != p
            ]
        version.flows = flows
        version.save(update_fields=["flows"])


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="agreementversion",
            name="flows",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(_flows, migrations.RunPython.noop),
        migrations.AddField(
            model_name="agreementversion",
            name="second_person_acceptance",
            field=models.BooleanField(default=False),
        ),
    ]
