"""“Who has done this before?”: received projects and lessons similar to a local idea or project.

Two signals, combined by core/similarity.py as for similar ideas (ideas/similarity.py):

- lexical: one OR query over the text's most telling words (German full text with its GIN index
  on PostgreSQL, word matching on SQLite) yields a capped set of candidates, scored by the cosine
  of their sets of German Snowball stems;
- semantic: the dense multilingual-e5 cosine against an in-memory matrix of the most recently
  changed received items that have a vector (at most ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE items,
  default 50,000), z-scored over that matrix; vectors stored since the last look are merged in.

Both on one scale: the cosine in standard deviations above an unrelated pair (the reference values
of core/similarity.py, not the spread of whatever the index holds: in the demo's six items the
least unrelated one always stood out) plus LEXICAL_WEIGHT times the word cosine. An item is shown
only when it reaches SHOW_FROM; judged by words alone (no model, or no vector), its word cosine
must reach SHOW_FROM_WORDS. Both were chosen on hand-written pairs that must and must not match
(tests/data/done_before_pairs_de.json, part "tuning"; numbers in docs/exchange.md).

Vectors are computed in the background (the `embed_received` task after each sync that stored
items, `manage.py exchange_embed` for a backfill), never in a request. Items without a vector
yet, items older than the index window, and everything when ETAPPE_EMBEDDINGS=off are matched by
their words alone. Withdrawn items are never shown: rows are read again, current only.

Only the dense vector is stored, not the sparse latent terms ideas also keep: on the ideas' labelled
pairs the sparse terms lift recall@5 from 0.83 to 0.88, but they would more than double the
memory of a hub's index (see docs/exchange.md).
"""

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from core.similarity import (
    DIMENSIONS,
    Embedder,
    EmbedRun,
    TextVectors,
    dense_deviations,
    dense_query,
    embed_in_batches,
    embedding_text,
    expanded,
    from_bytes,
    get_embedder,
    shown,
    word_cosine,
)
from core.similarity import fused_scores as fuse
from core.text import stems_of, telling_words
from exchange.models import ReceivedItem, ReceivedItemQuerySet

DEFAULT_INDEX_SIZE = 50_000
EMBED_BATCH = 64
# Words of four letters or more, longest first, probe the database; the longest are the most specific.
PROBE_WORDS = 6
FULL_TEXT_MATCHES = 1000
LEXICAL_CANDIDATES = 200
SEMANTIC_TOP = 50
FULL_REBUILD_SECONDS = 600
# As in ideas/similarity.py: shared stems (a cosine, 0 to 1) add a little to the semantic deviations.
LEXICAL_WEIGHT = 0.3
# What is shown at all: each the lowest round value among those that decide the most pairs of the
# tuning part of tests/data/done_before_pairs_de.json right (with the model 26 of 27, by words alone
# 26 of 27). Lower than for ideas (4.0): a received item is a title and a sentence, and it is not
# scored on the sparse terms, which add the most to a duplicate idea's score. Issue 17 tried 1.75 (the
# lowest value at which at most one of the 12 training probes without a counterpart of the findability
# set shows anything): it finds more (dev recall@5 0.63 instead of 0.47) but leaves out only 12 of the
# 15 no-match pairs of that tuning part instead of 14, so 2.5 stays (docs/findability.md).
SHOW_FROM = 2.5
SHOW_FROM_WORDS = 0.2


@dataclass(frozen=True)
class SimilarItem:
    item: ReceivedItem
    score: float
    words: tuple[str, ...] = ()
    by_meaning: bool = False

    @property
    def reason(self) -> str:
        """Why it is listed, in words a reader can check against the entry."""
        words = ", ".join(self.words)
        if self.by_meaning and words:
            return _("similar in meaning; shared words: %(words)s") % {"words": words}
        if words:
            return _("shared words: %(words)s") % {"words": words}
        return _("similar in meaning")


def index_size() -> int:
    """How many received items the semantic index holds at most (the most recently changed ones)."""
    return max(0, int(os.environ.get("ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE", "") or DEFAULT_INDEX_SIZE))


def item_text(title: str, summary: str) -> str:
    """What of a received item is embedded."""
    return embedding_text(title, summary)


# What a lesson's own project says of its goal, at most this much of it (a summary holds up to 1,000 characters).
PROJECT_GOAL_CHARS = 300


def texts_to_embed(items: Sequence[ReceivedItem]) -> list[str]:
    """What is embedded of each received item, in the order given (items need peer, kind, title, summary, document).

    A project: its title and summary. A lesson: its title, then in brackets the title and summary of the
    project it belongs to (when the same installation shared it) and its tags, then its summary. A
    lesson of a failed project tells what went wrong; a plan says what is wanted. The project and the
    tags say what was intended, so a plan finds the failure too (issue 17: failures were found in 3 of 8
    cases, successes in 10 of 12; see docs/findability.md).
    """
    wanted = {
        (item.peer_id, uid)
        for item in items
        if item.kind == "lesson" and isinstance(uid := (item.document or {}).get("project_uid"), str)
    }
    projects = {}
    if wanted:
        rows = ReceivedItem.objects.current().filter(kind="project", uid__in={uid for _, uid in wanted})
        for peer_id, uid, title, summary in rows.values_list("peer_id", "uid", "title", "summary"):
            projects[(peer_id, uid)] = f"{title}: {summary[:PROJECT_GOAL_CHARS]}" if summary else title
    texts = []
    for item in items:
        if item.kind != "lesson":
            texts.append(item_text(item.title, item.summary))
            continue
        document = item.document or {}
        tags = [tag for tag in document.get("tags") or [] if isinstance(tag, str)]
        project = projects.get((item.peer_id, str(document.get("project_uid"))))
        context = "; ".join(([project] if project else []) + tags)
        texts.append(item_text(f"{item.title} ({context})" if context else item.title, item.summary))
    return texts


# Lexical --------------------------------------------------------------------------------------


def _candidates(words: list[str]) -> list[tuple[int, str, str]]:
    """Current items containing any of the words: (pk, title, summary), capped."""
    items = ReceivedItem.objects.current()
    if connection.vendor == "postgresql":
        query = " or ".join(words)
        match = "exchange_receiveditem.search_vector @@ websearch_to_tsquery('german', %s)"
        # Matches come from the GIN index unordered and capped; only those are ranked (read first:
        # in a subquery the table would get another alias than the raw condition names).
        matching = items.extra(where=[match], params=[query])  # noqa: S610 - fixed SQL, bound parameter
        found = list(matching.order_by().values_list("pk", flat=True)[:FULL_TEXT_MATCHES])
        rank = RawSQL("ts_rank(exchange_receiveditem.search_vector, websearch_to_tsquery('german', %s))", [query])
        ranked = ReceivedItem.objects.filter(pk__in=found).annotate(rank=rank).order_by("-rank", "-pk")
        return list(ranked.values_list("pk", "title", "summary")[:LEXICAL_CANDIDATES])
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(summary__icontains=word)
    newest = items.filter(condition).order_by("-remote_changed_at", "-id")
    return list(newest.values_list("pk", "title", "summary")[:LEXICAL_CANDIDATES])


def lexical_scores(text: str) -> tuple[dict[int, float], dict[int, tuple[str, ...]]]:
    """Cosine of stem sets for items sharing a telling word, and the words each one shares."""
    query = telling_words(text)
    probe = sorted({w.lower() for w in query.values() if len(w) >= 4}, key=lambda w: (-len(w), w))[:PROBE_WORDS]
    if not probe:
        return {}, {}
    scores: dict[int, float] = {}
    shared_words: dict[int, tuple[str, ...]] = {}
    for pk, title, summary in _candidates(probe):
        document = stems_of(f"{title} {summary}")
        shared = query.keys() & document
        if shared:
            scores[pk] = word_cosine(len(shared), len(query), len(document))
            shared_words[pk] = tuple(sorted((query[s] for s in shared), key=lambda w: (-len(w), w))[:3])
    return scores, shared_words


# Semantic -------------------------------------------------------------------------------------


def _indexed() -> ReceivedItemQuerySet:
    return ReceivedItem.objects.current().filter(embedding__isnull=False)


def _arrays(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, vectors, changed-at timestamps) from rows of (pk, embedding, remote_changed_at)."""
    ids, vectors, changed = [], [], []
    for pk, data, changed_at in rows:
        vector = from_bytes(data)
        if vector is not None:
            ids.append(pk)
            vectors.append(vector)
            changed.append(changed_at.timestamp())
    return (
        np.array(ids, dtype=np.int64),
        np.vstack(vectors) if vectors else np.zeros((0, DIMENSIONS), dtype=np.float32),
        np.array(changed, dtype=np.float64),
    )


class _ReceivedIndex:
    """The dense vectors of the newest received items as one matrix, kept up to date as vectors arrive.

    Reading 50,000 vectors takes about a second on PostgreSQL, too long to repeat whenever the
    background task stored a batch: new vectors (those with a newer `embedded_at`) are merged in,
    replacing a re-embedded item's row and dropping the oldest beyond the size. A full rebuild
    happens when the size changes, when vectors disappeared, and with the first change after
    FULL_REBUILD_SECONDS; it also drops rows of items withdrawn meanwhile (never shown anyway:
    matches are read again, current only) and of vectors stored by a concurrent transaction with
    an older timestamp.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple | None = None
        self._checked_at = 0.0
        self._built_at = 0.0
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.changed = np.zeros(0, dtype=np.float64)

    def _current_version(self) -> tuple:
        """The newest vector's time and the size; checked at most every SIMILARITY_INDEX_RECHECK_SECONDS."""
        now = time.monotonic()
        if self._version is not None and now - self._checked_at < settings.SIMILARITY_INDEX_RECHECK_SECONDS:
            return self._version
        self._checked_at = now
        return (ReceivedItem.objects.order_by().aggregate(at=Max("embedded_at"))["at"], index_size())

    def _rebuild(self, size: int) -> None:
        rows = _indexed().order_by("-remote_changed_at", "-id").values_list("pk", "embedding", "remote_changed_at")
        self.ids, self.matrix, self.changed = _arrays(rows[:size].iterator(chunk_size=2000))
        self._built_at = time.monotonic()

    def _merge_newer(self, since, size: int) -> None:
        """Write the vectors stored since `since` into the matrix in place: a re-embedded item into its
        own row, a new one into the row of the oldest item it pushes out of the window (or appended
        while the window is not full). Copying the whole matrix for every batch would cost more than
        the batch."""
        rows = _indexed().filter(embedded_at__gt=since).values_list("pk", "embedding", "remote_changed_at")
        new_ids, new_matrix, new_changed = _arrays(rows.iterator(chunk_size=2000))
        if not len(new_ids):
            return
        own = self._rows_of(new_ids)
        known = own >= 0
        self.matrix[own[known]] = new_matrix[known]
        self.changed[own[known]] = new_changed[known]
        self._place(new_ids[~known], new_matrix[~known], new_changed[~known], size)

    def _rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Each id's row in the index, -1 where it has none."""
        rows = np.full(len(ids), -1, dtype=np.int64)
        if len(self.ids):
            order = np.argsort(self.ids)
            found = np.minimum(np.searchsorted(self.ids, ids, sorter=order), len(self.ids) - 1)
            hit = self.ids[order[found]] == ids
            rows[hit] = order[found[hit]]
        return rows

    def _place(self, ids: np.ndarray, matrix: np.ndarray, changed: np.ndarray, size: int) -> None:
        total = len(self.ids) + len(ids)
        if total > size:
            # The oldest of old and new rows together fall out of the window.
            everything = np.lexsort((np.concatenate([self.ids, ids]), np.concatenate([self.changed, changed])))
            dropped = everything[: total - size]
            freed = np.sort(dropped[dropped < len(self.ids)])
            kept = np.setdiff1d(np.arange(len(ids)), dropped[dropped >= len(self.ids)] - len(self.ids))
            ids, matrix, changed = ids[kept], matrix[kept], changed[kept]
            reused = len(freed)
            self.ids[freed], self.matrix[freed], self.changed[freed] = ids[:reused], matrix[:reused], changed[:reused]
            ids, matrix, changed = ids[reused:], matrix[reused:], changed[reused:]
        if len(ids):
            self.ids = np.concatenate([self.ids, ids])
            self.matrix = np.vstack([self.matrix, matrix])
            self.changed = np.concatenate([self.changed, changed])

    def _needs_rebuild(self, previous: tuple | None, version: tuple) -> bool:
        return (
            previous is None
            or previous[0] is None
            or version[0] is None
            or version[0] < previous[0]
            or version[1] != previous[1]
            or time.monotonic() - self._built_at > FULL_REBUILD_SECONDS
        )

    def scores(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every indexed item's dense cosine with the query. Under the lock, because merges write in place."""
        version = self._current_version()
        with self._lock:
            if version != self._version:
                if self._version is None or self._needs_rebuild(self._version, version):
                    self._rebuild(version[1])
                else:
                    self._merge_newer(self._version[0], version[1])
                self._version = version
            return self.ids.copy(), self.matrix @ query

    def reset(self) -> None:
        with self._lock:
            self._version = None


_index = _ReceivedIndex()


@lru_cache(maxsize=256)
def _query_vector(text: str, embedder: Embedder) -> np.ndarray:
    """The panel of one idea is asked for on every view of its page: its vector is computed once."""
    return dense_query(embedder, text)


def semantic_scores(text: str, *, top: int = SEMANTIC_TOP) -> tuple[dict[int, float], np.ndarray]:
    """The best indexed items by meaning, in standard deviations above an unrelated pair, and the ids
    of every item the index holds (the others are judged by their words)."""
    embedder = get_embedder()
    if embedder is None:
        return {}, np.zeros(0, dtype=np.int64)
    # The model is hashable (by identity), but core.similarity.Embedder does not declare __hash__.
    ids, cosines = _index.scores(_query_vector(text, embedder))  # type: ignore[arg-type]
    if not len(ids):
        return {}, ids
    scores = dense_deviations(cosines)
    best = np.argpartition(-scores, min(top, len(ids) - 1))[:top]
    return {int(ids[i]): float(scores[i]) for i in best}, ids


# Both -----------------------------------------------------------------------------------------


def fused_scores(
    lexical: dict[int, float], semantic: dict[int, float], indexed: np.ndarray
) -> tuple[dict[int, float], set[int]]:
    """Each candidate's score on the semantic scale (shown from SHOW_FROM on), and those judged by meaning.

    An item the index holds is judged by meaning and words together; one it does not hold (no model,
    no vector yet, older than the index window) by its word cosine (see core.similarity.fused_scores).
    """
    return fuse(
        lexical,
        semantic,
        indexed,
        lexical_weight=LEXICAL_WEIGHT,
        show_from=SHOW_FROM,
        show_from_words=SHOW_FROM_WORDS,
    )


def similar_items(text: str, *, limit: int = 5) -> list[SimilarItem]:
    """Current received items most similar to a text, best first, each with the reason it is listed."""
    text = (text or "").strip()[:2000]
    if len(text) < 3:
        return []
    # Matched with the lexicon's expansions ("Perso" → Personalausweis); the shared words shown are only
    # those of the text as written, so the explanation never names a word the person did not use.
    # An item's word cosine is the better of the text as written and expanded: the expansions' extra
    # words must not dilute the cosine of an item that shares the person's own words.
    query = expanded(text)
    lexical, shared_words = lexical_scores(text)
    if query != text:
        more, more_words = lexical_scores(query)
        own = stems_of(text)
        for pk, score in more.items():
            if score > lexical.get(pk, 0.0):
                lexical[pk] = score
                shared_words[pk] = tuple(w for w in more_words[pk] if stems_of(w) & own)
    combined, by_meaning = fused_scores(lexical, *semantic_scores(query))
    # A few spare ones in case some were withdrawn since the index was built.
    ranked = shown(combined, show_from=SHOW_FROM)[: limit * 3]
    rows = ReceivedItem.objects.current().filter(pk__in=[pk for pk, _ in ranked]).defer("embedding", "document")
    items = {item.pk: item for item in rows}
    found = [
        SimilarItem(
            item=items[pk],
            score=round(score, 4),
            words=shared_words.get(pk, ()),
            by_meaning=pk in by_meaning,
        )
        for pk, score in ranked
        if pk in items
    ]
    return found[:limit]


# Embedding in the background ------------------------------------------------------------------


def pending() -> ReceivedItemQuerySet:
    """Current items inside the index window (the newest ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE) without a vector.

    Older items are never embedded: the index would not hold them anyway.
    """
    window = ReceivedItem.objects.current().order_by("-remote_changed_at", "-id").values("pk")[: index_size()]
    return ReceivedItem.objects.filter(pk__in=window, embedding__isnull=True)


def received_embed_pending(*, limit: int | None = None, batch_size: int = EMBED_BATCH) -> EmbedRun:
    """Compute and store the vectors of pending items, newest first, in batches, at most `limit`.

    A vector is stored only while the item still has the text that was embedded and no vector:
    a sync that changed the item meanwhile (and cleared its vector) is never overwritten with the
    vector of the old text, and running this twice does no harm.
    """
    if get_embedder() is None:
        return EmbedRun()

    def next_batch(size: int) -> list[tuple[int, str, str, str]]:
        rows = list(
            pending()
            .order_by("-remote_changed_at", "-id")
            .only("pk", "peer", "kind", "title", "summary", "document")[:size]
        )
        return [(row.pk, row.title, row.summary, text) for row, text in zip(rows, texts_to_embed(rows), strict=True)]

    def store(batch: Sequence[tuple[int, str, str, str]], vectors: list[TextVectors]) -> int:
        return _store_vectors([row[:3] for row in batch], [v.dense for v in vectors])

    def text_of(row: tuple[int, str, str, str]) -> str:
        return row[3]

    return embed_in_batches(next_batch, text_of, store, limit=limit, batch_size=batch_size)


def _store_vectors(batch: list[tuple[int, str, str]], vectors: list[bytes]) -> int:
    stored = 0
    now = timezone.now()
    with transaction.atomic():
        for (pk, title, summary), vector in zip(batch, vectors, strict=True):
            stored += ReceivedItem.objects.filter(pk=pk, embedding__isnull=True, title=title, summary=summary).update(
                embedding=vector, embedded_at=now
            )
    return stored
