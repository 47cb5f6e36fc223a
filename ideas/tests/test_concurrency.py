"""Concurrent clicks on "support": counted exactly once. Needs real concurrent connections,
so it runs in the PostgreSQL pass of `./etappe test` and is skipped on SQLite."""

import threading
import unittest

from django.db import connection, connections
from django.test import TransactionTestCase

from ideas.models import Idea, Support
from ideas.services import idea_support
from installation.testing import make_idea, make_user


@unittest.skipUnless(connection.vendor == "postgresql", "runs in the PostgreSQL pass")
class ConcurrentSupportTests(TransactionTestCase):
    def test_parallel_supports_by_one_person_count_once_and_by_many_count_each(self) -> None:
        idea = make_idea()
        one = make_user(role="citizen")
        many = [make_user(role="citizen") for _ in range(8)]
        barrier = threading.Barrier(16)
        results: list[bool] = []

        def click(user) -> None:
            try:
                barrier.wait()
                results.append(idea_support(idea=idea, user=user))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=click, args=(one,)) for _ in range(8)]
        threads += [threading.Thread(target=click, args=(user,)) for user in many]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        idea.refresh_from_db()
        self.assertEqual(results.count(True), 9)
        self.assertEqual(Support.objects.filter(idea=idea).count(), 9)
        self.assertEqual(idea.support_count, 9)
        self.assertEqual(Idea.objects.get(pk=idea.pk).support_count, Support.objects.filter(idea=idea).count())
