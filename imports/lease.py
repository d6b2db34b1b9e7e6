"""The lease a worker holds on an import job, its heartbeat, and the watchdog for stalled jobs.

A worker holds a job through `lease_owner` + `heartbeat_at`, renewed by every batch's checkpoint
under a row lock. A worker that dies leaves a stale heartbeat; the watchdog (`recover_stalled_jobs`,
run by every worker and by celery beat) re-enqueues the job, and the next worker resumes after the
last committed batch.
"""

import logging
import os
import socket
import uuid
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from imports.limits import setting
from imports.models import ImportJob, ImportJobPart

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker holds the job now: stop without writing."""


def new_worker_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_job(job_id, worker_id):
    """Take the job if nobody holds a fresh lease on it (compare-and-set); None when it is not ours."""
    now = timezone.now()
    stale = now - timedelta(seconds=setting("IMPORT_LEASE_SECONDS", 30))
    claimed = (
        ImportJob.objects.filter(pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING])
        .filter(parts_count=0)  # a split job is held by its parts
        .filter(Q(lease_owner="") | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
        .update(
            lease_owner=worker_id,
            heartbeat_at=now,
            status=ImportJob.Status.RUNNING,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.started_at is None:
        job.started_at = now
        ImportJob.objects.filter(pk=job_id).update(started_at=now)
    return job


def hold_lease(job_id, worker_id):
    """Inside a transaction: lock the job row while we still own it, or raise LeaseLost."""
    held = (
        ImportJob.objects.select_for_update()
        .filter(pk=job_id, lease_owner=worker_id, status=ImportJob.Status.RUNNING)
        .values_list("pk", flat=True)
    )
    if not list(held):
        raise LeaseLost(job_id)


def heartbeat(job_id, worker_id):
    if not ImportJob.objects.filter(pk=job_id, lease_owner=worker_id).update(heartbeat_at=timezone.now()):
        raise LeaseLost(job_id)


def claim_part(part_id, worker_id):
    """Take a part of a running job as `claim_job` takes a job; None when it is not ours (or done)."""
    now = timezone.now()
    stale = now - timedelta(seconds=setting("IMPORT_LEASE_SECONDS", 30))
    claimed = (
        ImportJobPart.objects.filter(
            pk=part_id,
            status__in=[ImportJobPart.Status.PENDING, ImportJobPart.Status.RUNNING],
            job__status=ImportJob.Status.RUNNING,
        )
        .filter(Q(lease_owner="") | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
        .update(
            lease_owner=worker_id,
            heartbeat_at=now,
            status=ImportJobPart.Status.RUNNING,
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    return ImportJobPart.objects.select_related("job", "job__created_by").get(pk=part_id)


def hold_part(part_id, worker_id):
    """Inside a transaction: lock the part's row while we own it and its job still runs, or raise LeaseLost."""
    held = (
        ImportJobPart.objects.select_for_update(of=("self",))
        .filter(
            pk=part_id,
            lease_owner=worker_id,
            status=ImportJobPart.Status.RUNNING,
            job__status=ImportJob.Status.RUNNING,
        )
        .values_list("pk", flat=True)
    )
    if not list(held):
        raise LeaseLost(part_id)


def part_heartbeat(part_id, worker_id):
    if not ImportJobPart.objects.filter(pk=part_id, lease_owner=worker_id).update(heartbeat_at=timezone.now()):
        raise LeaseLost(part_id)


def recover_stalled_jobs():
    """Re-enqueue jobs whose worker stopped renewing the lease (or whose message was lost)."""
    from imports.tasks import send_import, send_part

    now = timezone.now()
    lease = timedelta(seconds=setting("IMPORT_LEASE_SECONDS", 30))
    stale = now - lease
    pending_grace = now - max(lease * 4, timedelta(seconds=120))
    candidates = ImportJob.objects.filter(
        Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=ImportJob.Status.PENDING, enqueued_at__lt=pending_grace)
        | Q(status=ImportJob.Status.PENDING, enqueued_at__isnull=True, created_at__lt=pending_grace)
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale), parts_count=0)
    recovered = []
    for job_id, enqueued_at in candidates.values_list("pk", "enqueued_at"):
        # Compare-and-set on enqueued_at: two watchdogs never send the same job twice at once.
        if ImportJob.objects.filter(pk=job_id, enqueued_at=enqueued_at).update(enqueued_at=now):
            if send_import(job_id, from_watchdog=True):
                recovered.append(job_id)
    # The parts of split jobs: a part whose worker died (or whose message was lost) is sent again.
    parts = ImportJobPart.objects.filter(
        Q(status=ImportJobPart.Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=ImportJobPart.Status.PENDING, enqueued_at__lt=pending_grace),
        job__status=ImportJob.Status.RUNNING,
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
    for part_id, job_id, enqueued_at in parts.values_list("pk", "job_id", "enqueued_at"):
        if ImportJobPart.objects.filter(pk=part_id, enqueued_at=enqueued_at).update(enqueued_at=now):
            if send_part(part_id, from_watchdog=True) and job_id not in recovered:
                recovered.append(job_id)
    if recovered:
        logger.warning("Re-enqueued stalled import jobs: %s", recovered)
    return recovered
