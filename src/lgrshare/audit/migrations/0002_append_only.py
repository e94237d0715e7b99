"""The database refuses to change an audit row, whoever asks (the ORM refuses already).

Only UPDATE is refused: ``flush`` and the test runner empty tables with DELETE, and a deleted
row breaks the chain visibly anyway. The lock row is created here for the first append.

On SQLite, Django alters a table by rebuilding it, which drops its triggers: a later migration
that alters ``audit_auditentry`` must create this trigger again.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
    """
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_auditentry_no_update"]
POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditentry_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$
    """,
    """
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_update()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_auditentry_refuse_update()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def create_lock_row(apps, schema_editor):
    apps.get_model("audit", "AuditLock").objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
        migrations.RunPython(create_lock_row, migrations.RunPython.noop),
    ]
