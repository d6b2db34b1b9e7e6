"""Settings read the environment and fall back as the README says (Configuration); checked in a clean subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST", ""),
    "broker": settings.CELERY_BROKER_URL,
    "queue": settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""),
    "cache": settings.CACHES["default"]["BACKEND"],
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "secret_key_set": bool(settings.SECRET_KEY),
}))
"""


def load_settings(**env):
    """Import the settings with exactly `env` (plus PATH), as a fresh process would."""
    environment = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "tracker.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=PROJECT, env=environment, capture_output=True, text=True
    )


def settings_with(**env):
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set unless DEBUG is on" in result.stderr


def test_debug_runs_without_a_secret_key():
    settings = settings_with(DEBUG="1")
    assert settings["debug"] is True and settings["secret_key_set"]


def test_debug_is_off_by_default():
    assert settings_with(SECRET_KEY="x")["debug"] is False


def test_without_database_url_an_sqlite_file_in_the_project_folder():
    settings = settings_with(SECRET_KEY="x")
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert Path(settings["name"]) == PROJECT / "db.sqlite3"


def test_database_url_selects_postgresql():
    settings = settings_with(SECRET_KEY="x", DATABASE_URL="postgres://someone@db.internal:5432/tracker")
    assert settings["engine"] == "django.db.backends.postgresql"
    assert (settings["name"], settings["host"]) == ("tracker", "db.internal")


def test_without_redis_url_the_broker_needs_no_server():
    settings = settings_with(SECRET_KEY="x")
    assert settings["broker"] == "filesystem://"
    assert settings["queue"].startswith(str(PROJECT))
    assert settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_is_the_broker_and_the_cache():
    settings = settings_with(SECRET_KEY="x", REDIS_URL="redis://cache.internal:6379/2")
    assert settings["broker"] == "redis://cache.internal:6379/2"
    assert settings["cache"] == "tracker.cache.ResilientRedisCache"  # Redis, falling back while it is down


def test_allowed_hosts_default_and_override():
    assert settings_with(SECRET_KEY="x")["allowed_hosts"] == ["localhost", "127.0.0.1"]
    hosts = settings_with(SECRET_KEY="x", ALLOWED_HOSTS="tracker.example.org,www.tracker.example.org")
    assert hosts["allowed_hosts"] == ["tracker.example.org", "www.tracker.example.org"]
