"""Six registrations of one address at once: no server error, one account. Needs real
concurrent connections, so it runs in the PostgreSQL pass and is skipped on SQLite."""

import threading
import unittest

from django.core import mail
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from accounts.models import User
from accounts.tests.test_login import link_in

PARALLEL = 6


def in_parallel(send) -> list:
    barrier = threading.Barrier(PARALLEL)
    results: list = []

    def run() -> None:
        try:
            client = Client()
            barrier.wait()
            results.append(send(client))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@unittest.skipUnless(connection.vendor == "postgresql", "runs in the PostgreSQL pass")
class ConcurrentRegistrationTests(TransactionTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_parallel_registrations_and_confirmations_of_one_address(self) -> None:
        responses = in_parallel(lambda client: client.post(reverse("accounts:register"), {"email": "neu@example.org"}))
        self.assertEqual([response.status_code for response in responses], [200] * PARALLEL)
        self.assertEqual(len(mail.outbox), PARALLEL)
        self.assertFalse(User.objects.filter(email="neu@example.org").exists())

        form = {
            "full_name": "Neue Bürgerin",
            "password1": "ein-sicheres-passwort-42",
            "password2": "ein-sicheres-passwort-42",
            "consent": "on",
        }
        paths = iter([link_in(message) for message in mail.outbox])
        lock = threading.Lock()

        def confirm(client: Client):
            with lock:
                path = next(paths)
            return client.post(path, form)

        statuses = sorted(response.status_code for response in in_parallel(confirm))
        self.assertEqual(statuses, [302] + [400] * (PARALLEL - 1))
        self.assertEqual(User.objects.filter(email="neu@example.org").count(), 1)
