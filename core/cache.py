"""Django's Redis cache, made to survive Redis being down.

With plain RedisCache every request that touches the cache (a session of a logged-in person, a
rate-limited form) ends in a 500 while Redis is unreachable. ResilientRedisCache keeps the site
working instead:

- Every operation that fails with a connection error or timeout is done on a small in-process
  memory cache instead (one per worker process, as without REDIS_URL). Rate limits then count
  per process, and sessions (cached_db) are read from the database, where they are always kept.
- After a failure Redis is left alone for RETRY_SECONDS, so a hanging server does not make
  every request wait for its timeout.
- Every key written or deleted during the outage is deleted from Redis when it answers again,
  before anything else is done there: a session ended (logout, idle timeout) while Redis was down
  does not come back with the stale copy Redis still holds.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("etappe.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """What a process knows about an outage of one Redis server. Django makes one cache object per
    thread; this is shared by all of them, so a key written by one thread during the outage is
    dropped from Redis by whichever thread reaches Redis first afterwards."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.stale: set[str] = set()
        self.cleared = False


_outages: dict[tuple[str, ...], _Outage] = {}
_outages_lock = threading.Lock()


class ResilientRedisCacheClient(RedisCacheClient):
    RETRY_SECONDS = 5.0

    def __init__(self, servers, **options) -> None:
        super().__init__(servers, **options)
        # LocMemCache instances of one name share their storage within the process.
        self._fallback = LocMemCache("etappe-redis-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        with _outages_lock:
            self._outage = _outages.setdefault(tuple(servers), _Outage())

    @property
    def _down_until(self) -> float:
        return self._outage.down_until

    @_down_until.setter
    def _down_until(self, value: float) -> None:
        self._outage.down_until = value

    @property
    def _lock(self) -> threading.Lock:
        return self._outage.lock

    def _run(self, operation: str, args: tuple, written: list[str] | None = None):
        """`operation` on Redis, or on the fallback while Redis is unavailable."""
        if time.monotonic() >= self._down_until:
            try:
                self._recover()
                return getattr(super(), operation)(*args)
            except UNAVAILABLE as error:
                with self._lock:
                    if not self._down_until:
                        logger.warning("Redis is unavailable, using a local cache: %s", error)
                    self._down_until = time.monotonic() + self.RETRY_SECONDS
        with self._lock:
            if written is not None:
                self._outage.stale.update(written)
            elif operation == "clear":
                self._outage.cleared = True
        return getattr(self._fallback, operation)(*args)

    def _recover(self) -> None:
        """First contact after an outage: drop what went stale in Redis meanwhile."""
        if not self._down_until:
            return
        with self._lock:
            stale, cleared = list(self._outage.stale), self._outage.cleared
        self.get_client(None, write=True).ping()
        if cleared:
            super().clear()
        elif stale:
            super().delete_many(stale)
        with self._lock:
            self._outage.stale.difference_update(stale)
            self._outage.cleared = False
            self._down_until = 0.0
            self._fallback.clear()
        logger.warning("Redis is available again.")

    def add(self, key, value, timeout):
        return self._run("add", (key, value, timeout), [key])

    def get(self, key, default):
        return self._run("get", (key, default))

    def set(self, key, value, timeout):
        return self._run("set", (key, value, timeout), [key])

    def touch(self, key, timeout):
        return self._run("touch", (key, timeout), [key])

    def delete(self, key):
        return self._run("delete", (key,), [key])

    def get_many(self, keys):
        return self._run("get_many", (keys,))

    def has_key(self, key):
        return self._run("has_key", (key,))

    def incr(self, key, delta):
        return self._run("incr", (key, delta), [key])

    def set_many(self, data, timeout):
        return self._run("set_many", (data, timeout), list(data))

    def delete_many(self, keys):
        return self._run("delete_many", (keys,), list(keys))

    def clear(self):
        return self._run("clear", ())


class ResilientRedisCache(RedisCache):
    """RedisCache that falls back to a local memory cache while Redis is unavailable."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
