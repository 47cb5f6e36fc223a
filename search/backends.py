"""The two full-text engines behind one interface. Each stems with its own rules, never the other's.

- SQLite: FTS5 over Snowball stems made in Python (core.text), bm25 ranking, highlights in Python.
- PostgreSQL: the `german` text search configuration, ts_rank and ts_headline.

Every value reaches the database as a parameter; the only text spliced into a query is the FTS5
expression, built from quoted stems that consist of letters and digits only.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html import escape

from django.db import connection

from core.text import STOP_WORDS, WORD, normalise, stem
from search.models import Audience
from search.query import Query, Term
from search.registry import MARK_END, MARK_START

TITLE_WEIGHT = 3.0  # a match in the title counts this much more than one in the text (SQLite's bm25)
SNIPPET_WORDS = 30
# A query counts as frequent when it matches at least this share of the newest documents; only
# then are just its newest matches ranked (engine.RANK_WINDOW), otherwise all of them.
PROBE_DOCUMENTS = 500
FREQUENT_SHARE = 0.1


@dataclass(frozen=True)
class Hit:
    id: int
    kind: str
    status: str
    fields: tuple[int, ...]
    date: datetime | None
    score: float


@dataclass(frozen=True)
class Candidates:
    """The best hits; `windowed`: there were more matches than the window, only the newest were ranked."""

    hits: list[Hit]
    windowed: bool


@lru_cache(maxsize=4096)
def _field_ids(text: str) -> tuple[int, ...]:
    return tuple(int(pk) for pk in text.strip(",").split(",") if pk) if text else ()


@dataclass(frozen=True)
class Shown:
    """What a result shows: its address and the title and snippet as safe HTML with <mark>s."""

    kind: str
    object_id: int
    url: str
    title_html: str
    snippet_html: str


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    field: int | None = None


def _sees_everything(audiences: list[str]) -> bool:
    return set(audiences) >= set(Audience.values)


def _where(audiences: list[str], filters: Filters) -> tuple[str, list]:
    sql, params = ["TRUE"], []
    if not _sees_everything(audiences):
        sql.append(f"d.audience IN ({', '.join(['%s'] * len(audiences))})")
        params += audiences
    if filters.kinds:
        sql.append(f"d.kind IN ({', '.join(['%s'] * len(filters.kinds))})")
        params += filters.kinds
    if filters.statuses:
        sql.append(f"d.status IN ({', '.join(['%s'] * len(filters.statuses))})")
        params += filters.statuses
    if filters.field is not None:
        sql.append("d.field_ids LIKE %s")
        params.append(f"%,{filters.field},%")
    return " AND ".join(sql), params


def marked_html(text: str) -> str:
    """Text with MARK_START/MARK_END around matches → escaped HTML with <mark> elements."""
    return escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


class SqliteBackend:
    vendor = "sqlite"

    # --- the FTS5 expression -------------------------------------------------------------
    @staticmethod
    def _phrase(term: Term) -> str | None:
        stems = [stem(w) for w in term.words if w not in STOP_WORDS]
        if not stems:
            return None
        return '"' + " ".join(stems).replace('"', '""') + '"'

    def expression(self, query: Query) -> str | None:
        clauses = []
        for clause in query.clauses:
            alternatives = [p for p in map(self._phrase, clause) if p]
            if alternatives:
                clauses.append(alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})")
        if not clauses:
            return None
        expression = " AND ".join(clauses)
        excluded = [p for p in map(self._phrase, query.excluded) if p]
        if excluded:
            expression = f"({expression}) NOT ({' OR '.join(excluded)})"
        return expression

    def title_expression(self, typed: list[str]) -> str | None:
        """Words typed so far: all but the last as stems, the last also as a prefix; titles only."""
        parts = [f'"{stem(w)}"' for w in typed[:-1] if w not in STOP_WORDS]
        if typed:
            last = typed[-1]
            options = [] if last in STOP_WORDS else [f'"{stem(last)}"']
            if len(last) >= 2:
                options.append(f'"{normalise(last)}"*')
            if options:
                parts.append(f"({' OR '.join(options)})")
        if not parts:
            return None
        return "title_stems : (" + " AND ".join(parts) + ")"

    @staticmethod
    def _meta(audiences: list[str], filters: Filters) -> str:
        """Audience and filters as tokens of the `meta` column (see search.fulltext)."""

        def either(tokens: list[str]) -> str:
            return "meta : (" + " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens) + ")"

        # Nothing to exclude for the strategy team; for others the (larger) allowed set is required.
        parts = [] if _sees_everything(audiences) else [either([f"a{a}" for a in audiences])]
        if filters.kinds:
            parts.append(either([f"k{k}" for k in filters.kinds]))
        if filters.statuses:
            parts.append(either(["s" + s.replace("_", "") for s in filters.statuses]))
        if filters.field is not None:
            parts.append(either([f"f{filters.field}"]))
        return "".join(f" AND {part}" for part in parts)

    def _ranked(
        self, columns: str, match: str, limit: int, *, meta: str = "", window: int | None = None
    ) -> list[tuple]:
        """The best `limit` rows by bm25 as (columns…, score, windowed); FTS5 ranks and cuts first,
        only those rows are then read from search_document.

        Without a `window` every match of `match` + `meta` is ranked (titles). With one, the rows
        to rank are chosen first, by cheap scans in rowid order (FTS5 reads its doclists that way):
        `probe` counts the matches with audience and filters (`meta`) among the newest
        PROBE_DOCUMENTS documents; if at least FREQUENT_SHARE of them match, only the newest
        `window` matches are ranked (without the `meta` tokens: their weight is 0, but bm25 would
        count the rows of each token, for "apublic" nearly all of them), otherwise all matches,
        as before. `windowed` is the number of rows ranked when the window applied, else 0.
        """
        bm25 = f"-bm25(search_fts, {TITLE_WEIGHT}, 1.0, 0.0)"
        if window is None:
            sql = f"""
                SELECT {columns}, m.score, 0
                FROM (SELECT rowid, {bm25} AS score FROM search_fts WHERE search_fts MATCH %s
                      ORDER BY score DESC LIMIT %s) m
                JOIN search_document d ON d.id = m.rowid
                ORDER BY m.score DESC, d.id"""  # noqa: S608 - constants only
            params: list[str | int] = [match + meta, limit]
        else:
            # Two branches; the LIMITs from the probe make SQLite skip the one not wanted (a
            # condition in WHERE would not stop FTS5 from reading its doclists). `+rowid` keeps
            # the IN out of FTS5's index (it would look up every row on its own).
            sql = f"""
                WITH probe AS MATERIALIZED (
                    SELECT count(*) >= %s AS frequent FROM search_fts WHERE search_fts MATCH %s
                    AND rowid >= (SELECT coalesce(min(id), 0) FROM
                                  (SELECT id FROM search_document ORDER BY id DESC LIMIT %s))),
                w AS MATERIALIZED (
                    SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC
                    LIMIT (SELECT CASE WHEN frequent THEN %s ELSE 0 END FROM probe)),
                newest AS (
                    SELECT rowid, {bm25} AS score FROM search_fts
                    WHERE search_fts MATCH %s AND rowid >= (SELECT min(rowid) FROM w)
                      AND +rowid IN (SELECT rowid FROM w)
                    ORDER BY score DESC LIMIT (SELECT CASE WHEN frequent THEN %s ELSE 0 END FROM probe)),
                every AS (
                    SELECT rowid, {bm25} AS score FROM search_fts WHERE search_fts MATCH %s
                    ORDER BY score DESC LIMIT (SELECT CASE WHEN frequent THEN 0 ELSE %s END FROM probe))
                SELECT {columns}, m.score, (SELECT count(*) FROM w)
                FROM (SELECT * FROM newest UNION ALL SELECT * FROM every) m
                JOIN search_document d ON d.id = m.rowid
                ORDER BY m.score DESC, d.id"""  # noqa: S608 - constants only
            frequent_at = max(1, round(PROBE_DOCUMENTS * FREQUENT_SHARE))
            params = [
                *(frequent_at, match + meta, PROBE_DOCUMENTS),  # probe
                *(match + meta, window, match, limit),  # the newest matches of a frequent query
                *(match + meta, limit),  # every match of any other query
            ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # --- queries ---------------------------------------------------------------------------
    def candidates(
        self, query: Query, *, audiences: list[str], filters: Filters, limit: int, window: int
    ) -> Candidates:
        """The best `limit` matches, best first; for a frequent query those of the newest `window`."""
        expression = self.expression(query)
        if expression is None:
            return Candidates([], False)
        match = f"{{title_stems body_stems}} : ({expression})"
        columns = "d.id, d.kind, d.status, d.field_ids, d.date"
        rows = self._ranked(columns, match, limit, meta=self._meta(audiences, filters), window=window)
        hits = [Hit(r[0], r[1], r[2], _field_ids(r[3]), _as_datetime(r[4]), r[5]) for r in rows]
        return Candidates(hits, bool(rows) and rows[0][6] >= window)

    def shown(self, query: Query, ids: list[int]) -> dict[int, Shown]:
        if not ids:
            return {}
        wanted = {stem(w) for w in query.positive_words if w not in STOP_WORDS}
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"SELECT id, kind, object_id, url, title, body FROM search_document WHERE id IN ({placeholders})",  # noqa: S608
                ids,
            )
            rows = cursor.fetchall()
        return {
            r[0]: Shown(r[1], r[2], r[3], marked_html(highlight(r[4], wanted)), marked_html(excerpt(r[5], wanted)))
            for r in rows
        }

    def titles(self, typed: list[str], *, audiences: list[str], limit: int) -> list[Shown]:
        expression = self.title_expression(typed)
        if expression is None:
            return []
        rows = self._ranked(
            "d.kind, d.object_id, d.url, d.title", expression, limit, meta=self._meta(audiences, Filters())
        )
        stems = {stem(w) for w in typed if w not in STOP_WORDS}
        prefix = normalise(typed[-1]) if typed and len(typed[-1]) >= 2 else None
        return [Shown(r[0], r[1], r[2], marked_html(highlight(r[3], stems, prefix)), "") for r in rows]


class PostgresBackend:
    vendor = "postgresql"

    @staticmethod
    def tsquery(query: Query) -> tuple[str, list] | None:
        """The query as a tsquery expression; PostgreSQL stems each word in its `german` configuration."""
        params: list[str] = []

        def phrase(term: Term) -> str:
            params.append(" ".join(term.words))
            return "phraseto_tsquery('german', %s)"

        clauses = [f"({' || '.join(phrase(t) for t in clause)})" for clause in query.clauses]
        if not clauses:
            return None
        sql = " && ".join(clauses)
        if query.excluded:
            sql = f"({sql}) && !!({' || '.join(phrase(t) for t in query.excluded)})"
        return sql, params

    def candidates(
        self, query: Query, *, audiences: list[str], filters: Filters, limit: int, window: int
    ) -> Candidates:
        """The best `limit` matches, best first; for a frequent query those of the newest `window`.

        Reading all matches costs PostgreSQL about as much as ranking them (one heap row each), so a
        frequent query must not collect them through the GIN index. One statement decides at run
        time: `probe` counts the matches among the newest PROBE_DOCUMENTS documents (with audience
        and filters). If at least FREQUENT_SHARE of them match, the first branch walks the primary
        key backwards and stops after `window` matches; otherwise the second collects all matches
        through the GIN index and ranks them, as before. The fences (`OFFSET 0`, the materialized
        probe) keep the planner from choosing between the two itself: its estimates for several
        frequent words (which often occur together) are far off. Costs about 2–3 ms per search.
        """
        tsquery = self.tsquery(query)
        if tsquery is None:
            return Candidates([], False)
        tsql, tparams = tsquery
        where, params = _where(audiences, filters)
        columns = "d.id, d.kind, d.status, d.field_ids, d.date, d.search_vector, d.audience"
        q = f"(SELECT {tsql} AS q) q"  # a constant for the planner
        sql = f"""
            WITH probe AS MATERIALIZED (
                SELECT count(*) >= %s AS frequent
                FROM (SELECT {columns} FROM search_document d ORDER BY d.id DESC LIMIT %s) d, {q}
                WHERE d.search_vector @@ q.q AND {where})
            SELECT n.id, n.kind, n.status, n.field_ids, n.date, ts_rank(n.search_vector, q.q, 1) AS score,
                   count(*) OVER () AS ranked
            FROM (SELECT d.* FROM (SELECT {columns} FROM search_document d ORDER BY d.id DESC OFFSET 0) d, {q}
                  WHERE (SELECT frequent FROM probe) AND d.search_vector @@ q.q AND {where}
                  LIMIT %s) n, {q}
            UNION ALL
            SELECT d.id, d.kind, d.status, d.field_ids, d.date, ts_rank(d.search_vector, q.q, 1), 0
            FROM search_document d, {q}
            WHERE NOT (SELECT frequent FROM probe) AND d.search_vector @@ q.q AND {where}
            ORDER BY score DESC, id LIMIT %s"""  # noqa: S608 - placeholders and constant fragments only
        frequent_at = max(1, round(PROBE_DOCUMENTS * FREQUENT_SHARE))
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    frequent_at, PROBE_DOCUMENTS, *tparams, *params,  # probe
                    *tparams, *params, window, *tparams,  # the newest matches of a frequent query
                    *tparams, *params, limit,  # every match of any other query
                ],
            )  # fmt: skip
            rows = cursor.fetchall()
        hits = [Hit(r[0], r[1], r[2], _field_ids(r[3]), r[4], r[5]) for r in rows]
        return Candidates(hits, bool(rows) and rows[0][6] >= window)

    def shown(self, query: Query, ids: list[int]) -> dict[int, Shown]:
        tsquery = self.tsquery(query)
        if not ids or tsquery is None:
            return {}
        tsql, tparams = tsquery
        marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
        sql = f"""
            SELECT d.id, d.kind, d.object_id, d.url,
                   ts_headline('german', d.title, q.q, %s),
                   ts_headline('german', d.body, q.q, %s)
            FROM search_document d, (SELECT {tsql} AS q) q
            WHERE d.id = ANY(%s)"""  # noqa: S608 - placeholders and constant fragments only
        body_options = f'{marks}, MaxFragments=2, MaxWords={SNIPPET_WORDS}, MinWords=12, FragmentDelimiter=" … "'
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"{marks}, HighlightAll=true", body_options, *tparams, list(ids)])
            rows = cursor.fetchall()
        return {r[0]: Shown(r[1], r[2], r[3], marked_html(r[4]), marked_html(r[5])) for r in rows}

    def titles(self, typed: list[str], *, audiences: list[str], limit: int) -> list[Shown]:
        if not typed:
            return []
        where, params = _where(audiences, Filters())
        # Complete words as typed, the last one also as a prefix ('…':*); every word is a
        # parameter, quoted for to_tsquery with its quotes doubled.
        parts = ["plainto_tsquery('german', %s)"] if len(typed) > 1 else []
        tparams = [" ".join(typed[:-1])] if len(typed) > 1 else []
        last = typed[-1].replace("'", "''")
        parts.append("(plainto_tsquery('german', %s) || to_tsquery('german', %s))")
        tparams += [typed[-1], f"'{last}':*" if len(typed[-1]) >= 2 else f"'{last}'"]
        marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'
        sql = f"""
            SELECT d.kind, d.object_id, d.url, ts_headline('german', d.title, q.q, %s)
            FROM search_document d, (SELECT {" && ".join(parts)} AS q) q
            WHERE d.title_vector @@ q.q AND {where}
            ORDER BY ts_rank(d.title_vector, q.q) DESC, d.id LIMIT %s"""  # noqa: S608 - placeholders and constant fragments only
        with connection.cursor() as cursor:
            cursor.execute(sql, [marks, *tparams, *params, limit])
            rows = cursor.fetchall()
        return [Shown(r[0], r[1], r[2], marked_html(r[3]), "") for r in rows]


def backend() -> SqliteBackend | PostgresBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value)
    if parsed is not None and parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# --- highlighting for SQLite (Python stems, the same as the index) ---------------------------
def _is_match(word: str, stems: set[str], prefix: str | None) -> bool:
    lower = word.lower()
    if prefix and normalise(lower).startswith(prefix):
        return True
    return lower not in STOP_WORDS and stem(lower) in stems


def highlight(text: str, stems: set[str], prefix: str | None = None) -> str:
    """The whole text with every matching word between MARK_START and MARK_END."""
    out, last = [], 0
    for match in WORD.finditer(text):
        if _is_match(match.group(0), stems, prefix):
            out += [text[last : match.start()], MARK_START, match.group(0), MARK_END]
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def excerpt(text: str, stems: set[str], words: int = SNIPPET_WORDS) -> str:
    """About `words` words around the densest cluster of matches, with the matches marked."""
    tokens = list(WORD.finditer(text))
    if not tokens:
        return text[:200]
    hits = [i for i, m in enumerate(tokens) if _is_match(m.group(0), stems, None)]
    start = 0
    if hits:
        best, start = -1, hits[0]
        right = 0
        for left, first in enumerate(hits):
            while right < len(hits) and hits[right] < first + words:
                right += 1
            if right - left > best:
                best, start = right - left, first
        start = max(0, start - 5)
    end = min(len(tokens), start + words)
    begin_char = tokens[start].start() if start else 0
    end_char = tokens[end - 1].end() if end < len(tokens) else len(text)
    piece = highlight(text[begin_char:end_char], stems)
    return ("… " if begin_char else "") + piece.strip() + (" …" if end_char < len(text) else "")
