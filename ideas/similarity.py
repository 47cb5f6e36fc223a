"""Finding ideas that say the same thing: stemmed lexical overlap combined with embeddings.

Lexical: cosine over the sets of German Snowball stems (ideas.text), candidates fetched by
stem from the database and capped. Semantic: cosine of multilingual-e5 embeddings held as one
matrix in memory and refreshed when ideas change. Without a model, lexical alone decides.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Max, Q

from ideas.embeddings import embed_query, from_bytes, get_embedder
from ideas.models import Idea, Moderation
from ideas.text import stems_of

LEXICAL_CANDIDATES = 400
# e5 cosines of unrelated German sentences sit around 0.8; rescale the useful band to 0..1.
SEMANTIC_FLOOR = 0.80
LEXICAL_WEIGHT = 0.4


@dataclass(frozen=True)
class Match:
    id: int
    title: str
    score: float
    status: str


def _matchable() -> "Q":
    return Q(moderation=Moderation.PUBLISHED) & ~Q(status=Idea.Status.MERGED)


def lexical_scores(text: str, *, exclude_id: int | None = None) -> dict[int, float]:
    query = stems_of(text)
    if not query:
        return {}
    # The longest stems are the most specific; eight of them keep the candidate query cheap.
    probe = sorted(query, key=len, reverse=True)[:8]
    condition = Q()
    for stem in probe:
        condition |= Q(search_stems__contains=stem)
    rows = (
        Idea.objects.filter(_matchable() & condition)
        .exclude(pk=exclude_id)
        .order_by("-last_activity_at")
        .values_list("pk", "search_stems")[:LEXICAL_CANDIDATES]
    )
    scores = {}
    for pk, stems in rows:
        document = set(stems.split())
        shared = len(query & document)
        if shared:
            scores[pk] = shared / math.sqrt(len(query) * len(document))
    return scores


class _EmbeddingIndex:
    """All matchable ideas' embeddings as one matrix, rebuilt when ideas change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 384), dtype=np.float32)

    def _current_version(self) -> tuple:
        summary = Idea.objects.filter(_matchable()).aggregate(changed=Max("updated_at"), top=Max("pk"))
        count = Idea.objects.filter(_matchable(), embedding__isnull=False).count()
        return (summary["changed"], summary["top"], count)

    def search(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        version = self._current_version()
        with self._lock:
            if version != self._version:
                rows = Idea.objects.filter(_matchable(), embedding__isnull=False).values_list("pk", "embedding")
                pairs = [(pk, v) for pk, data in rows if (v := from_bytes(data)) is not None]
                self._ids = np.array([pk for pk, _ in pairs], dtype=np.int64)
                self._matrix = np.vstack([v for _, v in pairs]) if pairs else np.zeros((0, 384), dtype=np.float32)
                self._version = version
            ids, matrix = self._ids, self._matrix
        return ids, matrix @ vector if len(ids) else np.zeros(0, dtype=np.float32)


_index = _EmbeddingIndex()


def semantic_scores(text: str, *, exclude_id: int | None = None, top: int = 50) -> dict[int, float]:
    if get_embedder() is None:
        return {}
    vector = embed_query(text)
    if vector is None:
        return {}
    ids, cosines = _index.search(vector)
    if not len(ids):
        return {}
    best = np.argsort(-cosines)[: top + 1]
    return {
        int(ids[i]): max(0.0, (float(cosines[i]) - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR))
        for i in best
        if int(ids[i]) != exclude_id
    }


def similar_ideas(text: str, *, limit: int = 5, exclude_id: int | None = None) -> list[Match]:
    """The published ideas most similar to a text, best first."""
    text = (text or "").strip()[:2000]
    if len(text) < 3:
        return []
    lexical = lexical_scores(text, exclude_id=exclude_id)
    semantic = semantic_scores(text, exclude_id=exclude_id)
    if semantic:
        combined = {
            pk: LEXICAL_WEIGHT * lexical.get(pk, 0.0) + (1 - LEXICAL_WEIGHT) * semantic.get(pk, 0.0)
            for pk in lexical.keys() | semantic.keys()
        }
    else:
        combined = lexical
    ranked = sorted(combined.items(), key=lambda item: (-item[1], -item[0]))[:limit]
    ranked = [(pk, score) for pk, score in ranked if score > 0]
    rows = {
        pk: (title, status)
        for pk, title, status in Idea.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list(
            "pk", "title", "status"
        )
    }
    return [
        Match(id=pk, title=rows[pk][0], score=round(score, 4), status=rows[pk][1]) for pk, score in ranked if pk in rows
    ]
