"""The full-text part of the index, per database. Used by the migrations; keep it stable.

SQLite: an FTS5 table over the stems Python wrote into `search_document`, kept in step by
triggers (so loaddata, flush and every ORM write keep it right). Django rebuilds a SQLite table
when a later migration alters it, which drops its triggers: such a migration must call
`drop()` before and `create()` after its own operations.

PostgreSQL: generated `tsvector` columns in the `german` configuration with GIN indexes.
"""

# ruff: noqa: S608 - statements built from constants only, never from input

# The third column holds filter tokens made from the row: a<audience> k<kind> s<status> f<field id>,
# so audience and filters are answered inside FTS5 instead of by looking up every matching row.
_META = """'a' || {row}.audience || ' k' || {row}.kind
    || CASE WHEN {row}.status <> '' THEN ' s' || replace({row}.status, '_', '') ELSE '' END
    || CASE WHEN {row}.field_ids <> '' THEN ' f' || replace(trim({row}.field_ids, ','), ',', ' f') ELSE '' END"""


def _insert(row: str) -> str:
    return (
        f"INSERT INTO search_fts(rowid, title_stems, body_stems, meta) "
        f"VALUES ({row}.id, {row}.title_stems, {row}.body_stems, {_META.format(row=row)});"
    )


def _delete(row: str) -> str:
    return (
        f"INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems, meta) "
        f"VALUES ('delete', {row}.id, {row}.title_stems, {row}.body_stems, {_META.format(row=row)});"
    )


SQLITE_CREATE = [
    # Contentless: FTS5 keeps only the index; the text itself stays in search_document.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_stems, body_stems, meta, content='',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN {_insert('new')} END",
    f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN {_delete('old')} END",
    f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN {_delete('old')} {_insert('new')} END",
    "INSERT INTO search_fts(rowid, title_stems, body_stems, meta) "
    f"SELECT d.id, d.title_stems, d.body_stems, {_META.format(row='d')} FROM search_document d",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_CREATE = [
    """ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, title), 'A')
        || setweight(to_tsvector('german'::regconfig, body), 'B')) STORED""",
    """ALTER TABLE search_document ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('german'::regconfig, title)) STORED""",
    "CREATE INDEX search_document_vector_idx ON search_document USING gin (search_vector)",
    "CREATE INDEX search_document_title_vector_idx ON search_document USING gin (title_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_document_title_vector_idx",
    "DROP INDEX IF EXISTS search_document_vector_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
]


def create(schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop(schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {vendor}.")
    for sql in statements[vendor]:
        schema_editor.execute(sql)
