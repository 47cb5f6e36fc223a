"""On PostgreSQL, received items get a generated tsvector column (German stems) with a GIN index.

SQLite has neither; there the search falls back to word matching (a hub runs on PostgreSQL).
"""

from django.db import migrations

FORWARD = [
    """ALTER TABLE exchange_receiveditem ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('german', coalesce(summary, '')), 'B')
    ) STORED""",
    "CREATE INDEX exchange_receiveditem_search ON exchange_receiveditem USING GIN (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS exchange_receiveditem_search",
    "ALTER TABLE exchange_receiveditem DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
