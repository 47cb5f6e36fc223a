"""Redis down: logged-in people, logins, logouts and the rate limits go on working (sessions from
the database, a local cache per process), and nothing stale comes back when Redis returns."""

import os
import socket
import unittest
from unittest import mock

import redis
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core.cache import ResilientRedisCache
from core.ratelimit import allow
from installation.testing import PASSWORD, BaseTestCase


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nobody listens once the probe is closed


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@override_settings(
    CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0"),
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
)
class RedisDownTests(BaseTestCase):
    def test_pages_logins_and_logouts_keep_working(self) -> None:
        self.assertEqual(self.client.get("/").status_code, 200)
        response = self.client.post(reverse("accounts:login"), {"username": "staff@example.org", "password": PASSWORD})
        self.assertRedirects(response, reverse("workspace:home"))
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 200)
        self.client.post(reverse("accounts:logout"))
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 302)

    def test_rate_limits_still_limit(self) -> None:
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
        self.assertEqual(
            [allow(request, scope="t", limit=3, window_seconds=60) for _ in range(4)], [True] * 3 + [False]
        )


@unittest.skipUnless(os.environ.get("REDIS_URL"), "needs a Redis server (the PostgreSQL pass has one)")
class RedisBackAgainTests(BaseTestCase):
    def test_keys_changed_during_the_outage_are_dropped_from_redis_when_it_returns(self) -> None:
        cache = ResilientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "etappe-test-outage"})
        cache.set("session", "logged in")
        cache.set("other", "kept")
        client = cache._cache
        unavailable = mock.patch.object(client, "get_client", side_effect=redis.exceptions.ConnectionError("down"))
        with unavailable:
            cache.delete("session")  # a logout while Redis is down
            self.assertIsNone(cache.get("session"))
            self.assertIsNone(cache.get("other"))  # not reachable: a miss, not an error
        client._down_until = 1  # the retry pause is over
        self.assertIsNone(cache.get("session"))  # not the stale copy
        self.assertEqual(cache.get("other"), "kept")
        cache.delete_many(["session", "other"])
        caches.close_all()

    def test_another_thread_drops_what_went_stale(self) -> None:
        """Django has one cache object per thread; the outage is known to all of them."""
        first = ResilientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "etappe-test-outage"})
        second = ResilientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "etappe-test-outage"})
        first.set("session", "logged in")
        with mock.patch.object(first._cache, "get_client", side_effect=redis.exceptions.ConnectionError("down")):
            first.delete("session")
        self.assertIsNone(second.get("session"))  # within the retry pause: the local cache
        second._cache._down_until = 1
        self.assertIsNone(second.get("session"))  # Redis again, without the stale copy
        self.assertIsNone(first.get("session"))
        caches.close_all()
