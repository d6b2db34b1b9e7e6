"""Degrade, don't fall over: Redis down leaves reads working and /health/ truthful; the database down
is a 503; an import sent while the broker is down is accepted and run later; a retried upload never
creates a second job."""

import io
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from imports import tasks as import_tasks
from imports.lease import recover_stalled_jobs
from imports.models import ImportJob
from tracker.cache import redis_cache_settings
from tracker.celery_app import app as celery_app

PROJECT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
GOOD = b"external_id,full_name\nX1,Ales Bialiatski\n"


@pytest.fixture
def redis_down(settings, monkeypatch):
    settings.CACHES = {"default": redis_cache_settings(DEAD_REDIS)}
    settings.REDIS_URL = DEAD_REDIS
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1000/minute")


@pytest.mark.django_db
def test_reads_keep_working_with_redis_down_and_the_fall_back_is_logged(client, build, redis_down, caplog):
    build.prisoner(full_name="Synthetic Reader Check")
    with caplog.at_level(logging.WARNING, logger="tracker.cache"):
        api = client.get("/api/v1/prisoners/")
        page = client.get("/prisoners/")

    assert api.status_code == 200 and api.json()["results"][0]["full_name"] == "Synthetic Reader Check"
    assert page.status_code == 200
    assert "Redis cache unreachable" in caplog.text


@pytest.mark.django_db
def test_health_says_degraded_and_names_the_cache_and_broker_when_redis_is_down(client, redis_down):
    response = client.get("/health/")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False


@pytest.mark.django_db
def test_health_is_ok_when_everything_answers(client):
    body = client.get("/health/").json()
    assert body["status"] == "ok", body
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_health_is_503_when_the_database_is_down():
    """A real outage: a fresh process whose database URL points at a closed port."""
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/health/'); print(r.status_code, json.loads(r.content)['status'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split()[-2:] == ["503", "error"], result.stderr[-2000:]


# --- Imports while the broker is down -----------------------------------------------------------


@pytest.fixture
def broker_down(monkeypatch):
    """Point the Celery app at a dead Redis for the test (its connection pools rebuilt), then back."""
    monkeypatch.setattr(import_tasks, "_broker_down_until", 0.0)
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = DEAD_REDIS, False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    conf.broker_url, conf.task_always_eager = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def api(build):
    client = APIClient()
    client.force_authenticate(build.user(username="importer", perms=["imports.import_records"]))
    return client


def post_file(api, content=GOOD, key=None):
    handle = io.BytesIO(content)
    handle.name = "people.csv"
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post("/api/v1/imports/", {"file": handle}, format="multipart", **headers)


@pytest.mark.django_db
def test_an_import_sent_while_the_broker_is_down_is_accepted_and_run_by_the_watchdog_later(
    api, broker_down, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING, logger="imports.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_file(api)

    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert job.status == "pending"
    assert "broker unreachable" in caplog.text

    celery_app.conf.task_always_eager = True  # the broker is back (tasks run in-process here)
    ImportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(minutes=10))
    assert recover_stalled_jobs() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("succeeded", 1)


# --- Idempotency-Key ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_returns_the_first_job(api):
    first = post_file(api, key="upload-2025-12-13-a")
    second = post_file(api, key="upload-2025-12-13-a")

    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_for_another_file_is_a_409_naming_the_header(api):
    post_file(api, key="k-1")
    response = post_file(api, GOOD + b"X2,Maria Kalesnikava\n", key="k-1")

    assert response.status_code == 409
    assert "another file" in response.json()["Idempotency-Key"][0]
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["has space", "x" * 201, "ключ"])
def test_a_malformed_idempotency_key_is_a_400(api, key):
    response = post_file(api, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


@pytest.mark.django_db
def test_keys_belong_to_their_user(api, build):
    post_file(api, key="shared")
    other = APIClient()
    other.force_authenticate(build.user(username="other", perms=["imports.import_records"]))
    post_file(other, key="shared")
    assert ImportJob.objects.count() == 2
