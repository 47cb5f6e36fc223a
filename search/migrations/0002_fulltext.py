"""The full-text index beside search_document: FTS5 on SQLite, tsvector columns on PostgreSQL."""

from django.db import migrations

from search import fulltext


def forwards(apps, schema_editor) -> None:
    fulltext.create(schema_editor)


def backwards(apps, schema_editor) -> None:
    fulltext.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
