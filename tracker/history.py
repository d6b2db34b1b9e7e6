"""Change history for writes from every door: requests, commands and tasks.

django-simple-history takes the user from the current request; commands and tasks have none,
so they run inside `acting_as(user)`, which gives simple-history the same thread-local context.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.models import HistoricalRecords

SYSTEM_USERNAME = "system"


def system_user():
    """The account that commands and tasks write as when no person is named."""
    user, created = get_user_model().objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextmanager
def acting_as(user):
    """Attribute every history record written inside the block to `user`."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield user
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


# Records created in bulk ---------------------------------------------------------------------
# The import's bulk writer gives the records it creates no history row each: each names its import job
# (`created_by_import_job`), and the job knows who ran it and when. This module knows no app: the imports
# app registers how to read its jobs (`register_bulk_creations`, from its AppConfig.ready), and the lower
# layers (the admin's history pages, who drafted a record) ask `bulk_creations` here.


@dataclass(frozen=True)
class BulkCreation:
    """Who created records in bulk and when: one import job."""

    job_id: int
    label: str  # "import job #12 (people.csv)"
    user: object  # the user the job wrote as (None once that account is deleted)
    at: object  # when the job ran (a record's own created_at, where it has one, is more precise)
    url: str = ""  # the job's admin page


_bulk_lookup = {"jobs": None, "latest": None}


def register_bulk_creations(*, jobs, latest):
    """`jobs(ids)` -> {job id: BulkCreation}; `latest()` -> when bulk-created records last went in (or None)."""
    _bulk_lookup.update(jobs=jobs, latest=latest)


def bulk_creations(job_ids):
    """{job id: BulkCreation} for these import job ids (those not found are left out)."""
    ids = {job_id for job_id in job_ids if job_id is not None}
    if not ids or _bulk_lookup["jobs"] is None:
        return {}
    return _bulk_lookup["jobs"](ids)


def bulk_created_last():
    """When records created in bulk (with no history rows) last went in; None if never."""
    return _bulk_lookup["latest"]() if _bulk_lookup["latest"] is not None else None


def write_creation_history(model, pks):
    """Before the first change (or the deletion) of records created in bulk, write the history row they went
    without: a "+" row of the record as it is stored (as the import created it), dated when it was created, by
    the user its import job ran as, the job named as the change reason. From then on the record's history is
    an ordinary one, and the first change shows what it changed. Records with any history row are left alone.
    Returns how many rows were written."""
    if not hasattr(model, "created_by_import_job"):
        return 0
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return 0
    stored = list(model._base_manager.filter(pk__in=pks, created_by_import_job__isnull=False).order_by("pk"))
    if not stored:
        return 0
    have = set(model.history.filter(id__in=[r.pk for r in stored]).values_list("id", flat=True).distinct())
    stored = [record for record in stored if record.pk not in have]
    if not stored:
        return 0
    creations = bulk_creations({record.created_by_import_job for record in stored})
    for record in stored:
        creation = creations.get(record.created_by_import_job)
        record._history_user = creation.user if creation else None
        record._history_date = getattr(record, "created_at", None) or (creation and creation.at) or timezone.now()
        record._change_reason = creation.label if creation else f"import job #{record.created_by_import_job}"
    model.history.bulk_history_create(stored, batch_size=500)
    return len(stored)


def creation_history_before_first_change(sender, instance, raw=False, **kwargs):
    """pre_save / pre_delete receiver of the models the import creates in bulk (`write_creation_history`)."""
    if raw or instance.pk is None or instance._state.adding:
        return
    if instance.__dict__.get("created_by_import_job") is None:  # not created in bulk (or the field deferred)
        return
    write_creation_history(sender, [instance.pk])
