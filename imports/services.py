"""The import pipeline: one service behind the API, the admin upload page, the command and the task.

Stream the stored file, check each row with `imports.rows.clean_row`, match people by external id
(or `prisoners.names.matching.match_existing_prisoner`), write each batch with its history, its row errors and
the job's checkpoint in one transaction. Error policy: a bad row is reported as {row, field, message}
and skipped; the good rows go in; only an unreadable file fails the job.

Fault tolerance: a worker holds a job through a lease (`lease_owner` + `heartbeat_at`, renewed by every
batch's checkpoint under a row lock). A worker that dies leaves a stale heartbeat; the watchdog
(`recover_stalled_jobs`, run by every worker and by celery beat) re-enqueues the job, and the next
worker resumes after the last committed batch. Batches are idempotent, so nothing is lost or doubled.
"""

import logging
import os
import socket
import time
import uuid
from array import array
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from imports.copy_writer import copy_table, insert_links
from imports.models import ImportJob, ImportProfile, ImportRowError
from imports.readers import ColumnMapping, ImportFileError, normalise_encoding, open_records, sniff_upload, store_upload
from imports.rows import RowContext, clean_row
from prisoners.models import Detention, ExternalId, NameVariant, Prisoner, Source, Visibility
from prisoners.names import keys as name_keys
from prisoners.names import matching as name_matching
from prisoners.timeline import KEPT_WHILE_HELD, DetentionSpan, ReleaseStep, derive_status
from releases.models import Destination, Release, ReleaseEvent
from tracker.history import acting_as, system_user

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
ERRORS_SHOWN = 1000


try:
    from psycopg2 import IntegrityError as PostgresIntegrityError
except ImportError:  # SQLite-only installs
    PostgresIntegrityError = IntegrityError
# COPY goes past Django's error wrapper, so psycopg2's own IntegrityError can surface too.
WRITE_CONFLICTS = (IntegrityError, PostgresIntegrityError)


class ImportRejected(Exception):
    """The upload or its options are plainly unusable: answered at once (400), no job is run."""

    def __init__(self, message, field="file"):
        super().__init__(message)
        self.message = message
        self.field = field


class LeaseLost(Exception):
    """Another worker holds the job now: stop without writing."""


def setting(name, default):
    return getattr(settings, name, default)


# --- Creating a job (every door) -------------------------------------------------------------


@transaction.atomic
def create_import_job(
    *,
    user,
    fileobj,
    file_name,
    dry_run=False,
    profile_name="",
    encoding="",
    default_visibility="",
    source_list="",
    enqueue=True,
) -> ImportJob:
    """Check the upload, store it in the database and (after commit) enqueue its task.

    Raises ImportRejected for what can be told at once: too large, empty, binary, not CSV/JSON/XLSX,
    an undecodable declared encoding, no header, an unknown profile or option.
    """
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    limit = setting("IMPORT_MAX_BYTES", 512 * 1024 * 1024)
    if size > limit:
        raise ImportRejected(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.") % {"size": size, "limit": limit}
        )
    profile = None
    if profile_name:
        profile = ImportProfile.objects.filter(name=profile_name).first()
        if profile is None:
            raise ImportRejected(_("No import profile named '%(name)s'.") % {"name": profile_name}, "profile")
    if default_visibility and default_visibility not in Visibility.values:
        raise ImportRejected(
            _("default_visibility must be one of: %(values)s.") % {"values": ", ".join(Visibility.values)},
            "default_visibility",
        )
    try:
        if encoding:
            normalise_encoding(encoding)
    except ImportFileError as exc:
        raise ImportRejected(str(exc), "encoding") from None
    try:
        sniffed = sniff_upload(fileobj, file_name=file_name, encoding=encoding)
    except ImportFileError as exc:
        raise ImportRejected(str(exc)) from None
    mapping = profile.as_mapping() if profile else {}
    if sniffed.header:
        columns = ColumnMapping(sniffed.header, mapping)
        if "full_name" not in columns.columns:
            raise ImportRejected(columns.missing_full_name_message())

    job = ImportJob.objects.create(
        created_by=user if user is not None and user.is_authenticated else None,
        file_name=os.path.basename(file_name)[:255] or "upload",
        file_format=sniffed.file_format,
        encoding=sniffed.encoding,
        dry_run=dry_run,
        profile=profile,
        mapping=mapping,
        source_list=(source_list or mapping.get("source_list") or setting("IMPORT_DEFAULT_SOURCE_LIST", "import"))[
            :100
        ],
        default_visibility=default_visibility or settings.DEFAULT_VISIBILITY,
    )
    store_upload(job, fileobj)
    if enqueue:
        enqueue_import(job)
    return job


def enqueue_import(job) -> None:
    """Send the job to a worker once the transaction that created it has committed."""
    from imports.tasks import run_import_job

    ImportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())
    transaction.on_commit(lambda: run_import_job.delay(job.pk))


def visible_jobs(user):
    from imports.models import IMPORT_PERMISSION

    if not (user and user.is_authenticated):
        return ImportJob.objects.none()
    if user.has_perm(IMPORT_PERMISSION):
        return ImportJob.objects.all()
    return ImportJob.objects.filter(created_by=user)


def job_errors(job, limit=None):
    queryset = ImportRowError.objects.filter(job=job).order_by(F("row").asc(nulls_first=True), "id")
    return queryset[:limit] if limit else queryset


# --- The lease -------------------------------------------------------------------------------


def new_worker_id():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_job(job_id, worker_id):
    """Take the job if nobody holds a fresh lease on it (compare-and-set); None when it is not ours."""
    now = timezone.now()
    stale = now - timedelta(seconds=setting("IMPORT_LEASE_SECONDS", 30))
    claimed = (
        ImportJob.objects.filter(pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING])
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


def _hold_lease(job_id, worker_id):
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


def recover_stalled_jobs():
    """Re-enqueue jobs whose worker stopped renewing the lease (or whose message was lost)."""
    from imports.tasks import run_import_job

    now = timezone.now()
    lease = timedelta(seconds=setting("IMPORT_LEASE_SECONDS", 30))
    stale = now - lease
    pending_grace = now - max(lease * 4, timedelta(seconds=120))
    candidates = ImportJob.objects.filter(
        Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=ImportJob.Status.PENDING, enqueued_at__lt=pending_grace)
        | Q(status=ImportJob.Status.PENDING, enqueued_at__isnull=True, created_at__lt=pending_grace)
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
    recovered = []
    for job_id, enqueued_at in candidates.values_list("pk", "enqueued_at"):
        # Compare-and-set on enqueued_at: two watchdogs never send the same job twice at once.
        if ImportJob.objects.filter(pk=job_id, enqueued_at=enqueued_at).update(enqueued_at=now):
            run_import_job.delay(job_id)
            recovered.append(job_id)
    if recovered:
        logger.warning("Re-enqueued stalled import jobs: %s", recovered)
    return recovered


# --- Running a job ---------------------------------------------------------------------------


def run_import(job_id, *, worker_id=None):
    """Run (or resume) the job if no other worker holds it; returns the job, or None if not ours."""
    worker_id = worker_id or new_worker_id()
    job = claim_job(job_id, worker_id)
    if job is None:
        return None
    user = job.created_by or system_user()
    try:
        with acting_as(user):
            ImportRun(job, worker_id, user).run()
    except LeaseLost:
        logger.warning("Import job %s: lease lost, another worker continues it.", job_id)
        return ImportJob.objects.get(pk=job_id)
    except ImportFileError as exc:
        _finish_failed(job_id, worker_id, str(exc))
    except Exception as exc:
        logger.exception("Import job %s stopped on an unexpected error", job_id)
        _finish_failed(
            job_id,
            worker_id,
            _("The import stopped on an unexpected error (%(error)s); rows before the last checkpoint are in.")
            % {"error": exc.__class__.__name__},
        )
    return ImportJob.objects.get(pk=job_id)


def _finish_failed(job_id, worker_id, message):
    with transaction.atomic():
        try:
            _hold_lease(job_id, worker_id)
        except LeaseLost:
            return
        ImportRowError.objects.create(job_id=job_id, row=None, field="file", message=message)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message=message,
            finished_at=timezone.now(),
            lease_owner="",
            error_count=F("error_count") + 1,
        )


class SeenKeys:
    """The 64-bit hashes of the external ids met so far, in one flat array (open addressing).

    A Python set would keep one int object per id, scattered among each batch's short-lived objects,
    so the worker's memory would creep up with the file; this array grows only by doubling.
    """

    def __init__(self, capacity=1 << 16):
        self._slots = array("q", bytes(8 * capacity))
        self._mask = capacity - 1
        self._count = 0

    def __len__(self):
        return self._count

    def add(self, key) -> bool:
        """Remember `key`; True if it was already there."""
        key = key or 1  # 0 marks an empty slot
        slots, mask = self._slots, self._mask
        index = key & mask
        while True:
            current = slots[index]
            if current == 0:
                slots[index] = key
                self._count += 1
                if self._count * 2 > len(slots):
                    self._grow()
                return False
            if current == key:
                return True
            index = (index + 1) & mask

    def _grow(self):
        old = self._slots
        self._slots = array("q", bytes(16 * len(old)))
        self._mask = len(self._slots) - 1
        self._count = 0
        for key in old:
            if key:
                self.add(key)


class ImportRun:
    """One worker's pass over one job, from its checkpoint to the end of the file."""

    def __init__(self, job, worker_id, user):
        self.job = job
        self.worker_id = worker_id
        self.user = user
        self.batch_size = max(1, setting("IMPORT_BATCH_SIZE", 2000))
        self.timings = defaultdict(float, job.timings or {})
        self.seen_external_ids = SeenKeys()  # hash() of each external id met in this file
        self.source_ids = {}
        self.destination_ids = dict(Destination.objects.values_list("country", "pk"))
        events = list(ReleaseEvent.objects.values_list("slug", "pk", "date"))
        self.context = RowContext(events={slug: (pk, on) for slug, pk, on in events})
        self.event_dates = {pk: on for _slug, pk, on in events}
        self.preview = list(job.preview or [])
        self.reported_columns = set(
            ImportRowError.objects.filter(job=job, row__isnull=True).values_list("field", flat=True)
        )

    def run(self):
        job = self.job
        started = time.perf_counter()
        stream = open_records(job)
        self.timings["open"] += time.perf_counter() - started
        if job.total_rows is None:
            counted = time.perf_counter()
            job.total_rows = stream.count_rows()
            self.timings["count"] += time.perf_counter() - counted
            ImportJob.objects.filter(pk=job.pk, lease_owner=self.worker_id).update(
                total_rows=job.total_rows, heartbeat_at=timezone.now()
            )
        resume_after = job.rows_done
        batch = []
        last_row = 0
        mark = time.perf_counter()
        for row, values, problem in stream:
            last_row = row
            if row <= resume_after:
                # Done before a restart: only remember its external id, so duplicates are still caught.
                external_id = values.get("external_id")
                if isinstance(external_id, str) and external_id:
                    self.seen_external_ids.add(hash(external_id))
                if row % 20000 == 0:
                    heartbeat(job.pk, self.worker_id)
                continue
            batch.append((row, values, problem))
            if len(batch) >= self.batch_size:
                self.timings["read"] += time.perf_counter() - mark
                self.apply_batch(batch, stream.mapping, last_row=row)
                batch = []
                mark = time.perf_counter()
        self.timings["read"] += time.perf_counter() - mark
        if batch or last_row > resume_after or not job.header_checked:
            self.apply_batch(batch, stream.mapping, last_row=max(last_row, resume_after))
        self.finish(max(last_row, resume_after))

    def finish(self, last_row):
        job = self.job
        with transaction.atomic():
            _hold_lease(job.pk, self.worker_id)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.SUCCEEDED,
                finished_at=timezone.now(),
                total_rows=last_row,
                lease_owner="",
                timings=self.rounded_timings(),
            )

    def rounded_timings(self):
        return {name: round(seconds, 3) for name, seconds in self.timings.items()}

    # One batch: validate, match, write, checkpoint; all of it or none of it.
    def apply_batch(self, batch, mapping, *, last_row):
        job = self.job
        errors = []
        failed = 0
        plans = []
        started = time.perf_counter()
        for row, values, problem in batch:
            external_id = values.get("external_id")
            duplicate = False
            if isinstance(external_id, str) and external_id:
                duplicate = self.seen_external_ids.add(hash(external_id))
            plan, row_errors = clean_row(row, values, self.context)
            if problem:
                row_errors = [("", problem), *row_errors]
            if duplicate:
                row_errors = [
                    (
                        "external_id",
                        _("The external_id '%(id)s' appears earlier in this file; each person once per file.")
                        % {"id": external_id},
                    ),
                    *row_errors,
                ]
            if row_errors:
                failed += 1
                errors.extend(ImportRowError(job_id=job.pk, row=row, field=f, message=m) for f, m in row_errors)
            else:
                plans.append(plan)
        self.timings["validate"] += time.perf_counter() - started

        for name in mapping.unknown:
            if name not in self.reported_columns:
                self.reported_columns.add(name)
                errors.append(
                    ImportRowError(
                        job_id=job.pk,
                        row=None,
                        field=name[:200],
                        message=_("Unknown column '%(name)s': its values are not imported.") % {"name": name},
                        kind=ImportRowError.Kind.WARNING,
                    )
                )

        for attempt in range(1, 4):
            try:
                self.write_batch(plans, errors, failed, last_row)
                return
            except WRITE_CONFLICTS:
                # Another import wrote the same people meanwhile: match again against what it committed.
                if attempt == 3:
                    raise
                logger.warning("Import job %s: batch ending at row %s conflicted; retrying.", job.pk, last_row)
                self.source_ids.clear()
                self.destination_ids = dict(Destination.objects.values_list("country", "pk"))

    def write_batch(self, plans, errors, failed, last_row):
        job = self.job
        errors = list(errors)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The checkpoint commits with the batch, so a batch lost in a database crash is redone
                # from the previous checkpoint: no need to wait for each batch's WAL flush.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            _hold_lease(job.pk, self.worker_id)
            outcome = BatchWriter(self, plans).write()
            for row, field, message, kind in outcome.errors:
                errors.append(ImportRowError(job_id=job.pk, row=row, field=field, message=message, kind=kind))
            failed += outcome.failed
            started = time.perf_counter()
            ImportRowError.objects.bulk_create(errors, batch_size=1000)
            if job.dry_run and len(self.preview) < PREVIEW_ROWS:
                self.preview.extend(outcome.previews[: PREVIEW_ROWS - len(self.preview)])
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=last_row,
                created_count=F("created_count") + outcome.created,
                updated_count=F("updated_count") + outcome.updated,
                unchanged_count=F("unchanged_count") + outcome.unchanged,
                failed_count=F("failed_count") + failed,
                error_count=F("error_count") + len(errors),
                header_checked=True,
                preview=self.preview,
                heartbeat_at=timezone.now(),
                timings=self.rounded_timings(),
            )
            committing = time.perf_counter()
            self.timings["checkpoint"] += committing - started
        self.timings["commit"] += time.perf_counter() - committing
        job.rows_done = last_row
        job.header_checked = True


class BatchOutcome:
    def __init__(self):
        self.created = self.updated = self.unchanged = self.failed = 0
        self.errors = []  # (row, field, message, kind)
        self.previews = []


PRISONER_FIELDS = ("full_name", "native_name", "country", "gender", "notes", "visibility")
DETENTION_FIELDS = (
    "detained_on_precision",
    "sentenced_on",
    "sentenced_on_precision",
    "sentence",
    "sentence_months",
    "charges",
    "place_of_detention",
)


class BatchWriter:
    """Turns a batch of valid rows into creates and updates, compares with what is stored, writes."""

    def __init__(self, run, plans):
        self.run = run
        self.plans = plans
        self.dry_run = run.job.dry_run
        self.outcome = BatchOutcome()
        self.now = timezone.now()

    def write(self):
        run = self.run
        started = time.perf_counter()
        self.match_people()
        existing_ids = {plan.prisoner_id for plan in self.plans if plan.prisoner_id}
        self.load_stored(existing_ids)
        run.timings["match"] += time.perf_counter() - started

        started = time.perf_counter()
        self.new_prisoners, self.changed_prisoners = [], {}
        self.new_external_ids, self.new_variants = [], []
        self.new_detentions, self.changed_detentions = [], {}
        self.new_releases, self.changed_releases = [], {}
        self.prisoner_source_links, self.detention_source_links, self.release_source_links = [], [], []
        self.changed_fields = defaultdict(set)
        for plan in self.plans:
            if plan.prisoner_id is None:
                self.plan_create(plan)
            else:
                self.plan_update(plan)
        run.timings["compare"] += time.perf_counter() - started

        if not self.dry_run:
            started = time.perf_counter()
            self.save()
            run.timings["write"] += time.perf_counter() - started
        return self.outcome

    # Matching and loading ---------------------------------------------------------------------
    def match_people(self):
        job = self.run.job
        for plan in self.plans:
            plan.prisoner_id = None
        wanted = [plan.external_id for plan in self.plans if plan.external_id]
        known = {}
        if wanted:
            known = dict(
                ExternalId.objects.filter(source_list=job.source_list, external_id__in=wanted).values_list(
                    "external_id", "prisoner_id"
                )
            )
        # Rows without an external id are matched by name key and birth date, the whole batch at once.
        unkeyed = [plan for plan in self.plans if not plan.external_id]
        matches = name_matching.match_existing_prisoners(
            [
                (plan.full_name, plan.birth_date and (plan.birth_date, plan.birth_date_precision), plan.aliases)
                for plan in unkeyed
            ]
        )
        match_of = {id(plan): match for plan, match in zip(unkeyed, matches, strict=True)}
        for plan in self.plans:
            if plan.external_id:
                plan.prisoner_id = known.get(plan.external_id)
                continue
            prisoner_id, unsure = match_of[id(plan)]
            if prisoner_id and not unsure:
                plan.prisoner_id = prisoner_id
            elif prisoner_id:
                self.outcome.errors.append(
                    (
                        plan.row,
                        "full_name",
                        _("May be the same person as record #%(id)s; imported as a new person: please review.")
                        % {"id": prisoner_id},
                        ImportRowError.Kind.WARNING,
                    )
                )

    def load_stored(self, ids):
        self.prisoners = Prisoner.objects.in_bulk(ids) if ids else {}
        self.detentions = defaultdict(list)
        self.releases = defaultdict(list)
        self.variants = set()
        self.prisoner_sources = set()
        if ids:
            for detention in Detention.objects.filter(prisoner_id__in=ids):
                self.detentions[detention.prisoner_id].append(detention)
            for release in Release.objects.filter(prisoner_id__in=ids):
                self.releases[release.prisoner_id].append(release)
            self.variants = set(NameVariant.objects.filter(prisoner_id__in=ids).values_list("prisoner_id", "name"))
            through = Prisoner.sources.through
            self.prisoner_sources = set(
                through.objects.filter(prisoner_id__in=ids).values_list("prisoner_id", "source_id")
            )
        links = {link for plan in self.plans for link in plan.sources if link not in self.run.source_ids}
        if links:
            self.run.source_ids.update(Source.objects.filter(link__in=links).values_list("link", "pk"))
        if len(self.run.source_ids) > 100_000:
            self.run.source_ids.clear()

    # Planning ---------------------------------------------------------------------------------
    def destination_id(self, code):
        if not code:
            return None
        known = self.run.destination_ids.get(code)
        if known is None and not self.dry_run:
            destination, _created = Destination.objects.get_or_create(country=code)
            known = self.run.destination_ids[code] = destination.pk
        return known

    def plan_create(self, plan):
        visibility = plan.visibility or self.run.job.default_visibility
        prisoner = Prisoner(
            full_name=plan.full_name,
            native_name=plan.native_name,
            citizenship=plan.citizenship,
            country=plan.country,
            gender=plan.gender or "unknown",
            birth_date=plan.birth_date,
            birth_date_precision=plan.birth_date_precision,
            notes=plan.notes,
            visibility=visibility,
            status=plan.status,
        )
        self.new_prisoners.append((plan, prisoner))
        self.outcome.created += 1
        if self.dry_run and len(self.outcome.previews) < PREVIEW_ROWS:
            preview = plan.preview("create")
            preview["visibility"] = visibility
            self.outcome.previews.append(preview)

    def plan_update(self, plan):
        prisoner = self.prisoners.get(plan.prisoner_id)
        if prisoner is None:  # matched by name to a record deleted since: import as new
            plan.prisoner_id = None
            return self.plan_create(plan)
        pid = prisoner.pk
        changes = {}
        fields = PRISONER_FIELDS
        if not plan.external_id:
            # Attached by name: the row's spelling is one more name variant, not a new display name.
            fields = tuple(name for name in PRISONER_FIELDS if name != "full_name")
            if plan.full_name != prisoner.full_name and plan.full_name not in plan.aliases:
                plan.aliases.append(plan.full_name)
        for name in fields:
            value = getattr(plan, name)
            if value and value != getattr(prisoner, name):
                changes[name] = value
        if plan.citizenship and sorted(plan.citizenship) != sorted(c.code for c in prisoner.citizenship):
            changes["citizenship"] = plan.citizenship
        if (
            plan.birth_date
            and (plan.birth_date, plan.birth_date_precision) != (prisoner.birth_date, prisoner.birth_date_precision)
            and not _vaguer_form_of(
                plan.birth_date, plan.birth_date_precision, prisoner.birth_date, prisoner.birth_date_precision
            )
        ):
            changes["birth_date"] = plan.birth_date
            changes["birth_date_precision"] = plan.birth_date_precision

        detention_match, detention_changes = None, {}
        if plan.detention is not None:
            wanted = plan.detention
            detention_match = next((d for d in self.detentions[pid] if d.detained_on == wanted.detained_on), None)
            if detention_match is not None:
                for name in DETENTION_FIELDS:
                    value = getattr(wanted, name)
                    if name.endswith("_precision"):
                        related = getattr(wanted, name.removesuffix("_precision"))
                        if related is None:
                            continue
                    elif value in ("", None):
                        continue
                    if value != getattr(detention_match, name):
                        detention_changes[name] = value

        release_match, release_changes = None, {}
        destination_id = None
        if plan.release is not None:
            wanted = plan.release
            if wanted.event_id:
                release_match = next((r for r in self.releases[pid] if r.event_id == wanted.event_id), None)
            else:
                release_match = next(
                    (r for r in self.releases[pid] if r.event_id is None and r.date == wanted.date), None
                )
            destination_id = self.destination_id(wanted.destination)
            if release_match is not None:
                if wanted.date and (wanted.date, wanted.date_precision) != (
                    release_match.date,
                    release_match.date_precision,
                ):
                    release_changes.update(date=wanted.date, date_precision=wanted.date_precision)
                if wanted.destination and (destination_id is None or destination_id != release_match.destination_id):
                    release_changes["destination_id"] = destination_id

        # The status once this row joins the stored timeline (the same rule as the service layer).
        spans = []
        for detention in self.detentions[pid]:
            sentenced = detention.is_sentenced
            if detention is detention_match:
                sentenced = sentenced or plan.detention.is_sentenced
            spans.append(DetentionSpan(detention.detained_on, detention.ended_on, sentenced))
        if plan.detention is not None and detention_match is None:
            spans.append(DetentionSpan(plan.detention.detained_on, None, plan.detention.is_sentenced))
        steps = []
        for release in self.releases[pid]:
            on = release.date or self.run.event_dates.get(release.event_id)
            if release is release_match and "date" in release_changes:
                on = release_changes["date"]
            steps.append(ReleaseStep(on, release.outcome))
        if plan.release is not None and release_match is None:
            steps.append(ReleaseStep(plan.release.on))
        declared = plan.declared_status or None
        if declared is None and (prisoner.status in KEPT_WHILE_HELD or not (spans or steps)):
            declared = prisoner.status
        try:
            status = derive_status(spans, steps, declared)
        except ValidationError as exc:
            self.outcome.failed += 1
            for message in exc.message_dict.get("status", exc.messages):
                self.outcome.errors.append((plan.row, "status", message, ImportRowError.Kind.ERROR))
            return None
        if status != prisoner.status:
            changes["status"] = status

        new_variants = [name for name in plan.aliases if (pid, name) not in self.variants]
        known_sources = self.run.source_ids
        new_sources = [
            link
            for link in plan.sources
            if known_sources.get(link) is None or (pid, known_sources[link]) not in self.prisoner_sources
        ]
        new_detention = plan.detention is not None and detention_match is None
        new_release = plan.release is not None and release_match is None
        changed = bool(changes or detention_changes or release_changes or new_variants or new_sources)
        changed = changed or new_detention or new_release
        if not changed:
            self.outcome.unchanged += 1
            if self.dry_run and len(self.outcome.previews) < PREVIEW_ROWS:
                self.outcome.previews.append(plan.preview("unchanged"))
            return None
        self.outcome.updated += 1
        if self.dry_run:
            if len(self.outcome.previews) < PREVIEW_ROWS:
                self.outcome.previews.append(plan.preview("update"))
            return None

        # Apply to the loaded objects; later rows of this batch see the new state.
        if changes:
            for name, value in changes.items():
                setattr(prisoner, name, value)
            prisoner.updated_at = self.now
            self.changed_prisoners[pid] = prisoner
            self.changed_fields[Prisoner].update(changes, {"updated_at"})
        if detention_changes:
            for name, value in detention_changes.items():
                setattr(detention_match, name, value)
            detention_match.updated_at = self.now
            self.changed_detentions[detention_match.pk] = detention_match
            self.changed_fields[Detention].update(detention_changes, {"updated_at"})
        if release_changes:
            for name, value in release_changes.items():
                setattr(release_match, name, value)
            release_match.updated_at = self.now
            self.changed_releases[release_match.pk] = release_match
            self.changed_fields[Release].update(release_changes, {"updated_at"})
        for name in new_variants:
            self.variants.add((pid, name))
            self.new_variants.append(NameVariant(prisoner_id=pid, name=name, kind=NameVariant.Kind.ALIAS))
        for link in new_sources:
            self.prisoner_source_links.append((pid, link))
        if new_detention:
            detention = self.detention_object(plan, pid)
            self.detentions[pid].append(detention)
            self.new_detentions.append((plan, detention))
        if new_release:
            release = self.release_object(plan, pid, destination_id)
            self.releases[pid].append(release)
            self.new_releases.append((plan, release))
        return None

    def detention_object(self, plan, prisoner_id):
        d = plan.detention
        return Detention(
            prisoner_id=prisoner_id,
            detained_on=d.detained_on,
            detained_on_precision=d.detained_on_precision,
            sentenced_on=d.sentenced_on,
            sentenced_on_precision=d.sentenced_on_precision,
            sentence=d.sentence,
            sentence_months=d.sentence_months,
            charges=d.charges,
            place_of_detention=d.place_of_detention,
        )

    def release_object(self, plan, prisoner_id, destination_id):
        r = plan.release
        return Release(
            prisoner_id=prisoner_id,
            event_id=r.event_id,
            date=r.date,
            date_precision=r.date_precision,
            destination_id=destination_id,
        )

    # Writing ----------------------------------------------------------------------------------
    def save(self):
        user = self.run.user
        history = {"default_user": user, "default_date": self.now, "batch_size": 1000}
        use_copy = connection.vendor == "postgresql" and setting("IMPORT_USE_COPY", True)
        with connection.cursor() as cursor:

            def create(objs, model):
                if not objs:
                    return
                if use_copy:
                    copy_table(model).insert(cursor, objs, now=self.now, user_id=user.pk)
                else:
                    bulk_create_with_history(objs, model, **history)

            self.ensure_sources(history)
            if self.new_prisoners:
                create([p for _plan, p in self.new_prisoners], Prisoner)
                external_ids = []
                source_list = self.run.job.source_list
                for plan, prisoner in self.new_prisoners:
                    pid = prisoner.pk
                    if plan.external_id:
                        external_ids.append(
                            ExternalId(prisoner_id=pid, source_list=source_list, external_id=plan.external_id)
                        )
                    for name in plan.aliases:
                        self.new_variants.append(NameVariant(prisoner_id=pid, name=name, kind=NameVariant.Kind.ALIAS))
                    for link in plan.sources:
                        self.prisoner_source_links.append((pid, link))
                    if plan.detention is not None:
                        self.new_detentions.append((plan, self.detention_object(plan, pid)))
                    if plan.release is not None:
                        destination_id = self.destination_id(plan.release.destination)
                        self.new_releases.append((plan, self.release_object(plan, pid, destination_id)))
                create(external_ids, ExternalId)
            create(self.new_variants, NameVariant)
            create([d for _plan, d in self.new_detentions], Detention)
            create([r for _plan, r in self.new_releases], Release)
            for model, changed in (
                (Prisoner, self.changed_prisoners),
                (Detention, self.changed_detentions),
                (Release, self.changed_releases),
            ):
                if changed:
                    fields = sorted(self.changed_fields[model])
                    bulk_update_with_history(list(changed.values()), model, fields, **history)
            self.link_sources(cursor if use_copy else None)
        touched = [p.pk for _plan, p in self.new_prisoners] + list(self.changed_prisoners)
        touched += [v.prisoner_id for v in self.new_variants]
        if touched:
            started = time.perf_counter()
            name_keys.refresh_name_keys(sorted(set(touched)))
            self.run.timings["name_keys"] += time.perf_counter() - started

    def ensure_sources(self, history):
        links = {link for plan in self.plans for link in plan.sources}
        missing = sorted(link for link in links if link not in self.run.source_ids)
        if not missing:
            return
        try:
            with transaction.atomic():
                created = bulk_create_with_history([Source(link=link) for link in missing], Source, **history)
            self.run.source_ids.update((s.link, s.pk) for s in created)
        except IntegrityError:  # another import created some of them meanwhile
            for link in missing:
                source, _created = Source.objects.get_or_create(link=link)
                self.run.source_ids[link] = source.pk

    def link_sources(self, cursor=None):
        """Sources cite the row: linked to the person, and to the detention and release it creates."""
        ids = self.run.source_ids
        links = (
            (Prisoner.sources.through, "prisoner_id", [(pid, ids[link]) for pid, link in self.prisoner_source_links]),
            (
                Detention.sources.through,
                "detention_id",
                [(d.pk, ids[link]) for plan, d in self.new_detentions for link in plan.sources],
            ),
            (
                Release.sources.through,
                "release_id",
                [(r.pk, ids[link]) for plan, r in self.new_releases for link in plan.sources],
            ),
        )
        for through, left, pairs in links:
            if not pairs:
                continue
            if cursor is not None:
                insert_links(cursor, through, left, "source_id", pairs)
            else:
                rows = [through(**{left: left_id, "source_id": source_id}) for left_id, source_id in pairs]
                through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}


def _vaguer_form_of(new, new_precision, old, old_precision):
    """True when `new` only says less of what `old` says (1962 of 1962-09-25): never a change."""
    if old is None or _PRECISION_RANK[new_precision] >= _PRECISION_RANK[old_precision]:
        return False
    same_year = new.year == old.year
    return same_year if new_precision == "year" else same_year and new.month == old.month
