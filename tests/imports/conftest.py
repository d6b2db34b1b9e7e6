import io

import pytest

from imports.jobs import create_import_job
from imports.run import run_import
from tracker.celery_app import app as celery_app

HEADER = "external_id,full_name,aliases,citizenship,country,gender,birth_date,detained_on,sentence_months,charges,status,released_on,release_event,destination,sources,notes"  # noqa: E501


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def import_file(content, name="people.csv", user=None, **options):
    """Store and run an import in the foreground, as the command does; returns the finished job."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    job = create_import_job(user=user, fileobj=io.BytesIO(content), file_name=name, enqueue=False, **options)
    return run_import(job.pk)


def errors_of(job):
    return [(e.row, e.field, e.message) for e in job.row_errors.order_by("row", "id")]


@pytest.fixture
def eager_celery():
    """Tasks run in-process (the SQLite pass has no broker server); the worker tests use a real one."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def importer(build):
    return build.user(username="importer", perms=["imports.import_records"])


@pytest.fixture
def december_event(build):
    return build.event(title="13 December 2025 release", slug="2025-12-13-release")
