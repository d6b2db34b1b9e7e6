"""Celery tasks for imports: thin wrappers over `imports.run` and `imports.lease`, plus the worker-side watchdog.

The watchdog runs in every worker (and as a celery beat task): a job whose worker died is found by
its stale lease and re-enqueued within IMPORT_LEASE_SECONDS + IMPORT_WATCHDOG_SECONDS, without
waiting for the broker's visibility timeout (an hour on Redis).
"""

import logging
import threading
import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import close_old_connections
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


@shared_task(name="imports.run_import_job", acks_late=True, ignore_result=True, bind=True)
def run_import_job(self, job_id):
    from imports.run import run_import

    run_import(job_id, split=True, hostname=getattr(self.request, "hostname", None))


@shared_task(name="imports.run_import_part", acks_late=True, ignore_result=True)
def run_import_part(part_id):
    from imports.run import run_part

    run_part(part_id)


BROKER_RETRY_SECONDS = 30.0
_broker_down_until = 0.0


def send_import(job_id, *, from_watchdog=False) -> bool:
    """Hand the job to the broker; False (logged) when the broker is down: the job stays pending and
    the watchdog sends it once the broker is back, so the upload is still answered 202. After a failed
    send, requests in this process do not try again for BROKER_RETRY_SECONDS (only one pays the wait);
    the watchdog always tries."""
    global _broker_down_until
    if not from_watchdog and time.monotonic() < _broker_down_until:
        logger.warning("Import job %s: broker unreachable; the watchdog will send it.", job_id)
        return False
    try:
        run_import_job.apply_async((job_id,), retry=False)
    except (OperationalError, OSError) as exc:
        _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        logger.warning("Import job %s: broker unreachable (%s); the watchdog will send it.", job_id, exc)
        return False
    return True


def send_part(part_id, *, from_watchdog=False) -> bool:
    """Hand one part of a split job to the broker; False (logged) when the broker is down (the watchdog sends it)."""
    try:
        run_import_part.apply_async((part_id,), retry=False)
    except (OperationalError, OSError) as exc:
        logger.warning("Import part %s: broker unreachable (%s); the watchdog will send it.", part_id, exc)
        return False
    return True


@shared_task(name="imports.recover_stalled_imports", ignore_result=True)
def recover_stalled_imports():
    from imports.lease import recover_stalled_jobs

    return recover_stalled_jobs()


def _watch(stop: threading.Event):
    from imports.lease import recover_stalled_jobs

    interval = max(1, getattr(settings, "IMPORT_WATCHDOG_SECONDS", 10))
    while not stop.wait(interval):
        try:
            close_old_connections()
            recover_stalled_jobs()
        except Exception:  # the watchdog must outlive a database hiccup
            logger.exception("Import watchdog check failed")


@worker_ready.connect
def start_import_watchdog(sender=None, **kwargs):
    """Every worker checks for stalled imports at start and then every IMPORT_WATCHDOG_SECONDS."""
    from imports.lease import recover_stalled_jobs

    try:
        recover_stalled_jobs()
    except Exception:
        logger.exception("Import watchdog check failed")
    thread = threading.Thread(target=_watch, args=(threading.Event(),), name="import-watchdog", daemon=True)
    thread.start()
