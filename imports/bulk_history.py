"""Who and when for the records an import created in bulk, read from the import job.

The bulk writer gives each record it creates the job's id (`created_by_import_job`) instead of a history row;
`tracker.history.bulk_creations` asks this module (registered in `ImportsConfig.ready`) for the jobs behind
those ids. The job was run as its creator (`imports.run`: the `system` user when nobody is named).
"""

from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from imports.models import ImportJob
from tracker.history import SYSTEM_USERNAME, BulkCreation


def jobs(ids):
    found = ImportJob.objects.filter(pk__in=ids).select_related("created_by")
    system = None
    result = {}
    for job in found:
        user = job.created_by
        if user is None and job.created_by_id is None:
            if system is None:
                system = get_user_model().objects.filter(username=SYSTEM_USERNAME).first()
            user = system
        result[job.pk] = BulkCreation(
            job_id=job.pk,
            label=_("import job #%(id)s (%(file)s)") % {"id": job.pk, "file": job.file_name},
            user=user,
            at=job.started_at or job.created_at,
            url=reverse("admin:imports_importjob_change", args=[job.pk]),
        )
    return result


def latest():
    jobs_that_wrote = ImportJob.objects.filter(Q(created_count__gt=0) | Q(updated_count__gt=0), dry_run=False)
    return jobs_that_wrote.aggregate(last=Max(Coalesce("finished_at", "heartbeat_at", "started_at")))["last"]
