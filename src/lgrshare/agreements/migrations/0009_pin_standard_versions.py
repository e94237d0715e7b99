"""Each agreement version's data items name the version of the standard they use: a built-in
standard's shipped version; an area standard's version agreed under the agreement, else the
one in use when this ran (the latest agreed, else the latest draft). Items described in words
are left as they were written (a signed text never changes; a draft's are drafted as standards
when it is next edited). A signed version's page and PDF come from its document as signed, so
they do not change."""

from django.db import migrations

from lgrshare.domain.standards.model import builtin_standards


def _pin(apps, schema_editor):
    AgreementVersion = apps.get_model("agreements", "AgreementVersion")
    AreaStandard = apps.get_model("standards", "AreaStandard")
    builtin = {standard.name: standard.version for standard in builtin_standards()}
    for version in AgreementVersion.objects.select_related("agreement").order_by("pk"):
        reference = f"DSA-{version.agreement_id:05d}"
        items, changed = [], False
        for item in version.data_items or []:
            if "standard" in item and not item.get("version"):
                name = item["standard"]
                pinned = builtin.get(name)
                if pinned is None:
                    rows = AreaStandard.objects.filter(name=name)
                    row = (
                        rows.filter(agreed_under=reference).first()
                        or rows.filter(state="agreed").order_by("-agreed_at").first()
                        or rows.order_by("-drafted_at", "-pk").first()
                    )
                    pinned = row.version if row else None
                if pinned:
                    item = {"standard": name, "version": pinned, "fields": item.get("fields", [])}
                    changed = True
            items.append(item)
        if changed:
            AgreementVersion.objects.filter(pk=version.pk).update(data_items=items)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0008_retention_status"),
        ("standards", "0002_area_standard_source"),
    ]

    operations = [migrations.RunPython(_pin, migrations.RunPython.noop)]
