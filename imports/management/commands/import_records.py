"""`manage.py import_records FILE`: the same pipeline as the API and admin, run in the foreground.

Exit status: 0 when every row went in, 1 when the job failed (the file could not be read), 2 when
some rows failed (they are listed; the good rows went in).
"""

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.api.serializers import ImportJobSerializer
from imports.jobs import ImportRejected, create_import_job, job_errors
from imports.lease import new_worker_id
from imports.models import ImportJob
from imports.run import run_import
from tracker.history import system_user

EXIT_OK, EXIT_FAILED, EXIT_ROWS_FAILED = 0, 1, 2


class Command(BaseCommand):
    help = "Import people, detentions and releases from a CSV, JSON or XLSX file (see docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing.")
        parser.add_argument(
            "--keep-bad-fields", action="store_true", help="Store a row without its bad fields (reported)."
        )
        parser.add_argument("--profile", default="", help="A saved mapping's name.")
        parser.add_argument("--encoding", default="", help="The file's encoding (default: detected).")
        parser.add_argument("--default-visibility", default="", help="For rows that do not say (public, ...).")
        parser.add_argument("--source-list", default="", help="The list the file's external ids belong to.")
        parser.add_argument("--user", default="", help="Username to record in history (default: system).")
        parser.add_argument("--json", action="store_true", help="Print the job as the API shows it.")

    def handle(self, *args, **options):
        user = system_user()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        try:
            fileobj = open(options["file"], "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(f"Cannot open {options['file']}: {exc.strerror}.") from None
        try:
            job = create_import_job(
                user=user,
                fileobj=fileobj,
                file_name=options["file"],
                dry_run=options["dry_run"],
                keep_bad_fields=options["keep_bad_fields"],
                profile_name=options["profile"],
                encoding=options["encoding"],
                default_visibility=options["default_visibility"],
                source_list=options["source_list"],
                enqueue=False,
            )
        except ImportRejected as exc:
            if options["json"]:
                error = {"row": None, "field": exc.field, "message": exc.message}
                self.stdout.write(json.dumps({"status": "failed", "errors": [error]}, indent=2))
            else:
                self.stderr.write(f"{exc.field}: {exc.message}")
            sys.exit(EXIT_FAILED)
        finally:
            fileobj.close()

        job = run_import(job.pk, worker_id=f"command:{new_worker_id()}") or ImportJob.objects.get(pk=job.pk)
        if options["json"]:
            self.stdout.write(json.dumps(ImportJobSerializer(job).data, indent=2, default=str))
        else:
            self.report(job)
        if job.status == ImportJob.Status.FAILED:
            sys.exit(EXIT_FAILED)
        if job.failed_count:
            sys.exit(EXIT_ROWS_FAILED)
        sys.exit(EXIT_OK)

    def report(self, job):
        counts = ", ".join(f"{name} {value}" for name, value in job.counts.items())
        verb = "would be" if job.dry_run else "done"
        self.stdout.write(f"Import #{job.pk} {job.status}: {job.rows_done} rows read; {verb}: {counts}.")
        for error in job_errors(job, 50):
            where = "file" if error.row is None else f"row {error.row}"
            field = f" {error.field}:" if error.field else ""
            self.stdout.write(f"  {where}{field} {error.message}")
        if job.error_count > 50:
            self.stdout.write(f"  ... {job.error_count - 50} more (download them as CSV from the API or admin).")
