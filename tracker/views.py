"""Project-level views: the health check that load balancers and compose poll."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_broker():
    if not settings.REDIS_URL:
        return {"ok": True, "kind": "filesystem"}
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    return {"ok": True, "kind": "redis"}


def health(request):
    """200 when the database answers; each dependency's state in the body."""
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports every failure instead of raising
            checks[name] = {"ok": False, "error": exc.__class__.__name__}
    status = 200 if checks["database"]["ok"] else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "checks": checks}, status=status)
