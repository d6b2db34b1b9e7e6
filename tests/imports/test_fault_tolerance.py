"""Nothing is lost or doubled when a worker dies: the lease, the checkpoint, the watchdog, a real SIGKILL."""

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from imports.jobs import create_import_job
from imports.lease import LeaseLost, claim_job, heartbeat, recover_stalled_jobs
from imports.models import ImportJob
from imports.run import ImportRun, run_import
from prisoners.models import Detention, ExternalId, NameVariant, Prisoner, Source
from releases.models import Destination, Release
from tracker.celery_app import app as celery_app

PROJECT = Path(__file__).resolve().parents[2]


def synthetic_file(rows, event_slug="2025-12-13-release"):
    lines = ["external_id,full_name,aliases,detained_on,charges,status,release_event,destination,sources"]
    for n in range(1, rows + 1):
        if n % 97 == 0:
            lines.append(f"S{n},Broken {n},,2021-02-30,,,,,")  # a bad date: a row error
            continue
        release = f"{event_slug},{'LT' if n % 2 else 'UA'}" if n % 3 == 0 else ","
        lines.append(
            f"S{n},Person {n},Alias {n},2021-{1 + n % 12:02d},342|{n % 400},,{release},https://src.example/{n % 7}"
        )
    return ("\n".join(lines) + "\n").encode()


def new_job(content, user=None, enqueue=False):
    return create_import_job(user=user, fileobj=io.BytesIO(content), file_name="people.csv", enqueue=enqueue)


def end_state():
    """Everything an import writes, without ids or timestamps, to compare two runs."""
    people = []
    for prisoner in Prisoner.objects.prefetch_related(
        "external_ids", "name_variants", "detentions", "releases__event", "releases__destination", "sources"
    ):
        people.append(
            (
                tuple(sorted((e.source_list, e.external_id) for e in prisoner.external_ids.all())),
                prisoner.full_name,
                prisoner.status,
                prisoner.visibility,
                tuple(sorted(v.name for v in prisoner.name_variants.all())),
                tuple(sorted((str(d.detained_on), d.charges) for d in prisoner.detentions.all())),
                tuple(
                    sorted(
                        (r.event.slug if r.event else "", str(r.date), r.destination.code if r.destination else "")
                        for r in prisoner.releases.all()
                    )
                ),
                tuple(sorted(s.link for s in prisoner.sources.all())),
            )
        )
    counts = tuple(m.objects.count() for m in (Prisoner, NameVariant, Detention, Release, ExternalId, Source))
    return sorted(people), counts


def job_outcome(job):
    job.refresh_from_db()
    errors = sorted((e.row or 0, e.field, e.message) for e in job.row_errors.all())
    return job.status, job.counts, job.rows_done, job.total_rows, errors


def clear_imported_records():
    Prisoner.objects.all().delete()
    Source.objects.all().delete()
    for model in (Prisoner, NameVariant, Detention, Release, ExternalId, Source):
        model.history.all().delete()


# --- In-process: the lease and the checkpoint ------------------------------------------------


@pytest.mark.django_db
def test_only_one_worker_holds_a_job_until_its_lease_goes_stale(settings):
    settings.IMPORT_LEASE_SECONDS = 30
    job = new_job(b"external_id,full_name\nA1,One\n")

    assert claim_job(job.pk, "worker-1") is not None
    assert claim_job(job.pk, "worker-2") is None  # fresh lease: the second worker backs off
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=31))
    assert claim_job(job.pk, "worker-2") is not None
    with pytest.raises(LeaseLost):
        heartbeat(job.pk, "worker-1")


@pytest.mark.django_db
def test_a_worker_that_lost_its_lease_writes_nothing(settings, importer):
    job = new_job(b"external_id,full_name\nA1,One\nA2,Two\n", user=importer)
    first = claim_job(job.pk, "worker-1")
    run = ImportRun(first, "worker-1", importer)
    ImportJob.objects.filter(pk=job.pk).update(lease_owner="worker-2", heartbeat_at=timezone.now())

    with pytest.raises(LeaseLost):
        run.run()
    assert Prisoner.objects.count() == 0
    assert ImportJob.objects.get(pk=job.pk).rows_done == 0


class WorkerKilled(BaseException):
    """Stands in for SIGKILL in-process: nothing after it runs, no handler catches it."""


@pytest.mark.django_db
def test_a_job_stopped_mid_way_resumes_from_its_checkpoint_and_matches_an_undisturbed_run(
    settings, monkeypatch, importer, december_event
):
    settings.IMPORT_BATCH_SIZE = 40
    content = synthetic_file(300)
    undisturbed = run_import(new_job(content, user=importer).pk)
    expected_state, expected_outcome = end_state(), job_outcome(undisturbed)[1:]
    clear_imported_records()

    job = new_job(content, user=importer)
    real_apply = ImportRun.apply_batch
    calls = {"n": 0}

    def dies_on_the_fourth_batch(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise WorkerKilled
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(ImportRun, "apply_batch", dies_on_the_fourth_batch)
    with pytest.raises(WorkerKilled):
        run_import(job.pk, worker_id="doomed")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.lease_owner) == ("running", 120, "doomed")
    assert Prisoner.objects.count() == job.created_count > 0

    monkeypatch.setattr(ImportRun, "apply_batch", real_apply)
    assert run_import(job.pk, worker_id="eager") is None  # the lease is still fresh
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    run_import(job.pk, worker_id="rescuer")

    assert end_state() == expected_state
    assert job_outcome(job)[1:] == expected_outcome
    # The dead batch left no stray history either: one creation entry per person, its job's.
    assert Prisoner.history.count() == 0
    assert Prisoner.objects.filter(created_by_import_job=job.pk).count() == Prisoner.objects.count()


@pytest.mark.django_db
def test_the_watchdog_re_enqueues_stalled_jobs_once(settings, eager_celery, django_capture_on_commit_callbacks):
    settings.IMPORT_LEASE_SECONDS = 30
    stalled = new_job(b"external_id,full_name\nA1,One\n")
    claim_job(stalled.pk, "dead-worker")
    fresh = new_job(b"external_id,full_name\nA2,Two\n")
    claim_job(fresh.pk, "live-worker")
    long_ago = timezone.now() - timedelta(minutes=5)
    ImportJob.objects.filter(pk=stalled.pk).update(heartbeat_at=long_ago, enqueued_at=long_ago)

    assert recover_stalled_jobs() == [stalled.pk]
    stalled.refresh_from_db()
    assert (stalled.status, stalled.attempts) == ("succeeded", 2)
    assert ImportJob.objects.get(pk=fresh.pk).status == "running"
    assert recover_stalled_jobs() == []


# --- A real worker on Redis, killed with SIGKILL ---------------------------------------------


def worker_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(**extra_env):
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "SECRET_KEY": "worker-test",
        "IMPORT_LEASE_SECONDS": "4",
        "IMPORT_WATCHDOG_SECONDS": "1",
        **extra_env,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "--loglevel=WARNING"]
    command += ["-n", f"imports-test-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=PROJECT, env=env, start_new_session=True)


def stop(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def wait_for(predicate, timeout, every=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


@pytest.fixture
def redis_queue_purged():
    celery_app.control.purge()
    yield


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_a_real_worker_runs_an_uploaded_job(transactional_db, importer, redis_queue_purged):
    job = new_job(b"external_id,full_name\nA1,One\nA2,Two\n", user=importer, enqueue=True)
    worker = start_worker()
    try:
        done = wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, timeout=60, every=0.2)
    finally:
        stop(worker)
    assert done
    assert job_outcome(job)[:2] == ("succeeded", {"created": 2, "updated": 0, "unchanged": 0, "failed": 0})


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_a_worker_killed_mid_job_loses_nothing(transactional_db, settings, importer, build, redis_queue_purged):
    build.event(title="13 December 2025 release", slug="2025-12-13-release")
    content = synthetic_file(4000)
    job = new_job(content, user=importer, enqueue=True)

    first = start_worker(IMPORT_BATCH_SIZE="25")
    try:
        started = wait_for(lambda: ImportJob.objects.get(pk=job.pk).rows_done >= 300, timeout=60)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert started, "the first worker never got going"
    job.refresh_from_db()
    rows_when_killed = job.rows_done
    assert job.status == "running"
    assert 0 < rows_when_killed < 4000, "the kill must land mid-job"
    assert Prisoner.objects.count() == job.created_count  # exactly the committed batches are in

    killed_at = time.monotonic()
    second = start_worker(IMPORT_BATCH_SIZE="500")
    try:
        finished = wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, timeout=110, every=0.2)
    finally:
        stop(second)
    assert finished, "the job did not resume within two minutes"
    assert time.monotonic() - killed_at < 120
    disturbed_outcome = job_outcome(job)
    assert job.attempts == 2
    disturbed_state = end_state()
    assert Prisoner.history.count() == 0  # one creation entry per person, its job's
    assert Prisoner.objects.filter(created_by_import_job=job.pk).count() == Prisoner.objects.count()

    clear_imported_records()
    settings.IMPORT_BATCH_SIZE = 500
    undisturbed = run_import(new_job(content, user=importer).pk)
    assert end_state() == disturbed_state
    assert job_outcome(undisturbed)[1:] == disturbed_outcome[1:]
    assert disturbed_outcome[1]["created"] == 4000 - 4000 // 97
    assert len(disturbed_state[0]) == Prisoner.objects.count() == len({p[0] for p in disturbed_state[0]})
    assert Destination.objects.filter(country__in=["LT", "UA"]).count() == 2


@pytest.mark.django_db
def test_a_batch_that_conflicts_with_another_import_is_matched_again(monkeypatch, importer):
    """Two imports of one list at once: the loser of a unique-key race re-matches and updates."""
    from django.db import IntegrityError

    real_write_batch = ImportRun.write_batch
    raced = {"done": False}

    def another_import_wins_the_race(self, *args):
        if not raced["done"]:
            raced["done"] = True
            run_import(new_job(b"external_id,full_name\nA1,One\n", user=importer).pk)
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_write_batch(self, *args)

    monkeypatch.setattr(ImportRun, "write_batch", another_import_wins_the_race)
    job = run_import(new_job(b"external_id,full_name\nA1,One (renamed)\nA2,Two\n", user=importer).pk)

    assert job.status == "succeeded"
    assert job.counts == {"created": 1, "updated": 1, "unchanged": 0, "failed": 0}
    assert sorted(Prisoner.objects.values_list("full_name", flat=True)) == ["One (renamed)", "Two"]


@pytest.mark.django_db
def test_a_job_left_pending_by_a_dead_command_is_picked_up(settings, eager_celery):
    job = new_job(b"external_id,full_name\nA1,One\n")  # stored, never enqueued
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    assert recover_stalled_jobs() == [job.pk]
    assert ImportJob.objects.get(pk=job.pk).status == "succeeded"
