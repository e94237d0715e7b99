"""Readiness and frozen versions: the DPIA's residual risk, ICO consultation and appropriate
policy document; names as signed; a version's first-signature time and signed document.

Versions already signed are frozen at their first signature, and the names of their DPOs and
signatories are copied as they stand now (their document is built from their own records until
a new version is signed).
"""

from django.db import migrations, models


def _name(user):  # type: ignore[no-untyped-def]
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _names_and_freezing(apps, schema_editor):  # type: ignore[no-untyped-def]
    party_model = apps.get_model("agreements", "Party")
    version_model = apps.get_model("agreements", "AgreementVersion")
    for party in party_model.objects.select_related("dpo_by", "signed_by"):
        # Historical models have no methods: the name is spelled out as get_full_name does.
        if party.dpo_by is not None:
            party.dpo_name = _name(party.dpo_by)
        if party.signed_by is not None:
            party.signatory_name = _name(party.signed_by)
        party.save(update_fields=["dpo_name", "signatory_name"])
    for version in version_model.objects.filter(parties__signed_at__isnull=False).distinct():
        first = version.parties.exclude(signed_at=None).order_by("signed_at").first()
        version_model.objects.filter(pk=version.pk).update(frozen_at=first.signed_at)


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0002_flows'),
    ]

    operations = [
        migrations.AddField(
            model_name='agreementversion',
            name='document',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='agreementversion',
            name='frozen_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='dpia',
            name='appropriate_policy_document',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='dpia',
            name='ico_consultation',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='dpia',
            name='residual_risk',
            field=models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High: the ICO must be consulted first')], max_length=6),
        ),
        migrations.AddField(
            model_name='party',
            name='dpo_name',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='party',
            name='signatory_name',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(_names_and_freezing, migrations.RunPython.noop),
    ]
