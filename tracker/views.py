"""Project-level views: the health check that load balancers, compose and operators poll.

200 "ok": everything answers. 200 "degraded": the database answers but the cache or the broker
does not (reads keep working, imports wait for the broker, the watchdog sends them later).
503 "error": the database does not answer; a load balancer should take this instance out.
"""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_cache():
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return {"ok": ping(), "kind": "redis"}
    cache.set("health-check", "1", 5)
    return {"ok": cache.get("health-check") == "1", "kind": "local"}


def _check_broker():
    if not settings.REDIS_URL:
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return {"ok": folder.is_dir(), "kind": "filesystem"}
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    return {"ok": True, "kind": "redis"}


CHECKS = (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker))


def health(request):
    """Each dependency's state; 503 only when the database is down."""
    checks = {}
    for name, check in CHECKS:
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports every failure instead of raising
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
    if not checks["database"]["ok"]:
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    state = "ok" if all(check["ok"] for check in checks.values()) else "degraded"
    return JsonResponse({"status": state, "checks": checks}, status=200)
