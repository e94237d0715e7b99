"""SQLite only: the FTS5 table behind catalogue search (PostgreSQL uses to_tsvector instead)."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_dataset_fts USING fts5("
    "title, description, fields, standard, publisher, tokenize = 'porter unicode61')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalogue_dataset_fts")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
