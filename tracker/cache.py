"""A Redis cache that degrades to a per-process cache instead of failing the request.

Throttle counts and cached values live in Redis. When Redis is unreachable every operation falls
back to an in-process LocMemCache (throttling then counts per worker process: looser, not off), the
fall-back is logged once per outage, and Redis is tried again after REDIS_RETRY_SECONDS, so a
request never waits on a dead Redis more than once per interval.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

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
            except Exception as exc:  # redis-py's ConnectionError, TimeoutError, or a pool error
                self._mark_down(exc)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
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
