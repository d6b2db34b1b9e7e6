"""A Redis cache that degrades to a per-process cache instead of failing the request.

Throttle counts and cached values live in Redis. When Redis is unreachable every operation falls
back to an in-process LocMemCache (throttling then counts per worker process: looser, not off), the
fall-back is logged once per outage, and Redis is tried again after REDIS_RETRY_SECONDS, so a
request never waits on a dead Redis more than once per interval. Only Redis's own errors (and socket errors)
count as an outage: a ValueError from `incr` on a missing key is the cache's answer, passed on as Django's
caches do.

Release day counts round trips: the redis-py client is made once per connection pool (Django makes one per
operation), and `count_and_get_many` counts a request's throttle hits (SET NX EX and INCR each) and reads what
else it needs in one pipeline: the page throttle with the read cache's version and page (a cached page is one
trip), the API's anonymous and per-user throttles together (`count_many_in_window`).
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_RETRY_SECONDS = 10.0
# Short socket timeouts: a dead Redis costs a request at most this long.
REDIS_SOCKET_TIMEOUT = 0.5


def redis_cache_settings(url):
    """CACHES["default"] for a Redis URL: short timeouts and no reconnect loop (the fall-back is the retry)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "BACKEND": "tracker.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
            "retry": Retry(NoBackoff(), 0),
        },
    }


def _falls_back(name):
    def method(self, *args, **kwargs):
        if not self.redis_is_down():
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except (RedisError, OSError) as exc:  # redis-py's ConnectionError, TimeoutError, or a pool error
                self._mark_down(exc)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class _ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis-py client (and its table of ~170 reply callbacks) for every
    operation; a redis-py client on a connection pool is safe to share between threads, so build one per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


def count_in_window(cache, key, seconds):
    """Add one to the counter `key` (created for `seconds`) and return its new value: a throttle's hit."""
    return count_and_get_many(cache, [(key, seconds)])[0][0]


def count_many_in_window(cache, windows):
    """`count_in_window` for several (key, seconds) at once, in one trip to Redis: their new values, in order."""
    return count_and_get_many(cache, windows)[0]


def count_and_get_many(cache, windows, keys=()):
    """Add one to each counter of `windows` ((key, seconds) pairs) and read `keys`, in one trip to Redis where the
    cache can: ([the counters' new values, in order], {key: value found})."""
    both = getattr(cache, "count_and_get_many", None)
    if both is not None:
        return both(windows, keys)
    counts = []
    for key, seconds in windows:
        cache.add(key, 0, seconds)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, seconds)
            counts.append(1)
    return counts, (cache.get_many(keys) if keys else {})


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient
        self.fallback = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def redis_is_down(self):
        return time.monotonic() < self._down_until

    def _mark_down(self, exc):
        with self._lock:
            first = not self.redis_is_down()
            self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
        if first:
            logger.warning(
                "Redis cache unreachable (%s); using a per-process cache for %.0f s.",
                exc.__class__.__name__,
                REDIS_RETRY_SECONDS,
            )

    def ping(self):
        """True when Redis answers now (the health check asks this, past any fall-back)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except Exception as exc:
            self._mark_down(exc)
            return False

    def count_and_get_many(self, windows, keys=()):
        if (windows or keys) and not self.redis_is_down():
            try:
                counters = [(self.make_and_validate_key(key), seconds) for key, seconds in windows]
                names = {self.make_and_validate_key(wanted): wanted for wanted in keys}
                first = counters[0][0] if counters else next(iter(names))
                pipe = self._cache.get_client(first, write=True).pipeline(transaction=False)
                for name, seconds in counters:
                    pipe.set(name, 0, ex=seconds, nx=True)
                    pipe.incr(name)
                if names:
                    pipe.mget(list(names))
                answers = pipe.execute()
                found = {}
                if names:
                    loads = self._cache._serializer.loads
                    values = answers[-1]
                    found = {names[n]: loads(v) for n, v in zip(names, values, strict=True) if v is not None}
                return answers[1 : 2 * len(counters) : 2], found
            except (RedisError, OSError) as exc:
                self._mark_down(exc)
        return count_and_get_many(self.fallback, windows, keys)

    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    clear = _falls_back("clear")
