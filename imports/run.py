"""Running an import job: one worker's pass over the stored file, batch after batch, resumable.

Stream the stored file, check each row with `imports.rows.clean_row`, hand each batch of valid rows
to `imports.writer.BatchWriter`, and commit the batch with its row errors and the job's checkpoint in
one transaction. Error policy: a bad row is reported as {row, field, message} and skipped; the good
rows go in; only an unreadable file fails the job. Batches are idempotent, so a job resumed by another
worker after a crash (see `imports.lease`) loses and doubles nothing.
"""

import logging
import time
from array import array
from collections import defaultdict

from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.lease import (
    LeaseLost,
    claim_job,
    claim_part,
    heartbeat,
    hold_lease,
    hold_part,
    new_worker_id,
    part_heartbeat,
)
from imports.limits import heartbeat_seconds, setting
from imports.models import ImportJob, ImportJobPart, ImportRowError
from imports.readers import ImportFileError, open_records
from imports.rows import RowContext, clean_row
from imports.split import parts_wanted, plan_parts
from imports.writer import PREVIEW_ROWS, WRITE_CONFLICTS, write_plans
from releases.models import Destination, ReleaseEvent
from tracker.history import acting_as, system_user

logger = logging.getLogger(__name__)
# Without these a row is nobody: a profile that keeps rows with a bad field still skips such a row.
PROGRESS_STEPS = 20
MIN_STEP_ROWS = 50
ESSENTIAL_FIELDS = frozenset({"", "full_name", "external_id"})
MAX_WORDS_REMEMBERED = 100_000  # name words a run remembers having written (about 10 MB)
ANALYZE_AFTER_ROWS = 100  # see ImportRun.fresh_statistics


def run_import(job_id, *, worker_id=None, split=False, hostname=None):
    """Run (or resume) the job if no other worker holds it; returns the job, or None if not ours.

    With `split` (the worker's task), a job of more than IMPORT_SPLIT_ROWS rows is split into parts run by
    several workers (`imports.split`) when more than one can run it; the parts are sent once the split is
    committed, and this call returns with the job still running. The command door runs the job itself."""
    worker_id = worker_id or new_worker_id()
    job = claim_job(job_id, worker_id)
    if job is None:
        return None
    user = job.created_by or system_user()
    runs = []

    def body():
        runs.append(ImportRun(job, worker_id, user, split=split, hostname=hostname))
        runs[0].run()

    kept = _guarded(
        f"Import job {job_id}",
        body,
        user=user,
        fail=lambda message: _finish_failed(job_id, worker_id, message),
        lost="another worker continues it",
    )
    if kept and runs and runs[0].split_parts:
        send_parts(runs[0].split_parts)
    return ImportJob.objects.get(pk=job_id)


def _guarded(what, body, *, user, fail, lost):
    """Run `body` acting as `user`; False if its lease was lost (logged: `lost`). An error in the file or an
    unexpected one ends it through `fail(message)` with a message for the job's page."""
    try:
        with acting_as(user):
            body()
    except LeaseLost:
        logger.warning("%s: lease lost, %s.", what, lost)
        return False
    except ImportFileError as exc:
        fail(str(exc))
    except Exception as exc:
        logger.exception("%s stopped on an unexpected error", what)
        fail(
            _("The import stopped on an unexpected error (%(error)s); rows before the last checkpoint are in.")
            % {"error": exc.__class__.__name__}
        )
    return True


def send_parts(part_ids):
    """Send each part of a split job to a worker (the split is committed: a worker finds them)."""
    from imports.tasks import send_part

    for part_id in part_ids:
        send_part(part_id)


def run_part(part_id, *, worker_id=None):
    """Run (or resume) one part of a split job if no other worker holds it; returns the part, or None."""
    worker_id = worker_id or new_worker_id()
    part = claim_part(part_id, worker_id)
    if part is None:
        return None
    job = part.job
    user = job.created_by or system_user()
    _guarded(
        f"Import part {part}",
        lambda: ImportRun(job, worker_id, user, part=part).run(),
        user=user,
        fail=lambda message: _fail_part(part, worker_id, message),
        lost="another worker continues it (or the job stopped)",
    )
    return ImportJobPart.objects.get(pk=part_id)


def _fail_part(part, worker_id, message):
    """A part that cannot go on fails its job (the other parts stop at their next batch)."""
    with transaction.atomic():
        try:
            hold_part(part.pk, worker_id)
        except LeaseLost:
            return
        ImportJobPart.objects.filter(pk=part.pk).update(status=ImportJobPart.Status.FAILED, lease_owner="")
        ImportRowError.objects.create(job_id=part.job_id, row=None, field="file", message=message)
        ImportJob.objects.filter(pk=part.job_id, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED,
            message=message,
            finished_at=timezone.now(),
            lease_owner="",
            error_count=F("error_count") + 1,
        )


try:
    from psycopg2 import OperationalError as PostgresOperationalError
except ImportError:  # SQLite-only installs
    PostgresOperationalError = OperationalError
# COPY goes past Django's error wrapper, so psycopg2's own errors can surface too.
TRANSIENT = (OperationalError, PostgresOperationalError)


def is_deadlock(exc):
    """A deadlock between two transactions (PostgreSQL broke it by rolling this one back): run the batch again."""
    codes = {getattr(exc, "pgcode", None), getattr(getattr(exc, "__cause__", None), "pgcode", None)}
    return bool(codes & {"40P01", "40001"})


def _finish_failed(job_id, worker_id, message):
    with transaction.atomic():
        try:
            hold_lease(job_id, worker_id)
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


def unknown_columns_warning(job, unknown):
    """One file-level warning for all the columns not read, however many there are."""
    if len(unknown) == 1:
        field, message = unknown[0], _("Unknown column '%(name)s': its values are not imported.") % {"name": unknown[0]}
    else:
        shown = ", ".join(f"'{name}'" for name in unknown[:20])
        more = len(unknown) - 20
        if more > 0:
            shown += _(" and %(more)s more") % {"more": more}
        field = "columns"
        message = _("%(count)s unknown columns (%(names)s): their values are not imported.") % {
            "count": len(unknown),
            "names": shown,
        }
    return ImportRowError(
        job_id=job.pk,
        row=None,
        field=field[:200],
        message=message,
        kind=ImportRowError.Kind.WARNING,
        column=", ".join(unknown)[:300],
    )


def start_fields(plan, first_row):
    """Where the part whose first row is `first_row` starts reading (a CSV: where its range starts)."""
    row, position, read = plan.start_of(first_row)
    if position is None or not 0 <= position < 1 << 63:  # a reader's position past a bigint: read from the start
        return {"start_position": None, "start_row": 1, "start_read": 0}
    return {"start_position": position, "start_row": row, "start_read": read}


class ImportRun:
    """One worker's pass over one job, from its checkpoint to the end of the file."""

    def __init__(self, job, worker_id, user, *, part=None, split=False, hostname=None):
        self.job = job
        self.worker_id = worker_id
        self.user = user
        self.part = part  # an ImportJobPart: this run writes only its rows
        self.may_split = split and part is None
        self.hostname = hostname
        self.split_parts = []  # the parts this run split the job into, to be sent
        self.batch_rows = 0
        self.batch_size = max(1, setting("IMPORT_BATCH_SIZE", 2000))
        self.timings = defaultdict(float, (part.timings if part is not None else job.timings) or {})
        self.seen_external_ids = SeenKeys()  # hash() of each external id met in this file
        self.source_ids = {}
        self.words_sent = set()  # the name words this run has written (NameWord): each is sent once
        self.planner_rows = None  # table -> rows the planner's statistics know of (PostgreSQL), see fresh_statistics
        self.inserted = defaultdict(int)  # table -> rows this run inserted since the statistics were taken
        self.destination_ids = dict(Destination.objects.values_list("country", "pk"))
        events = list(ReleaseEvent.objects.values_list("slug", "pk", "date"))
        self.context = RowContext(events={slug: (pk, on) for slug, pk, on in events})
        self.event_dates = {pk: on for _slug, pk, on in events}
        self.preview = list(job.preview or [])
        self.mapping = None  # the file's ColumnMapping, once open
        self.batch_values = {}  # row -> its mapped values, for the error report
        # The unknown columns of a split job were reported when it was split.
        self.unknown_reported = None if part is None else 1 << 30
        self.beat_every = heartbeat_seconds()
        self.last_beat = time.monotonic()

    def keep_alive(self):
        """Renew the lease while reading (empty rows, long cells, counting): a live job is never handed on."""
        now = time.monotonic()
        if now - self.last_beat >= self.beat_every:
            if self.part is not None:
                part_heartbeat(self.part.pk, self.worker_id)
            else:
                heartbeat(self.job.pk, self.worker_id)
            self.last_beat = now

    def new_words(self, texts):
        """The words of these search texts not yet written by a committed batch of this run, sorted."""
        sent = self.words_sent
        return sorted({word for text in texts for word in text.split() if len(word) <= 100 and word not in sent})

    def words_committed(self, words):
        """Remember words once their batch has committed (a batch rolled back sends them again)."""
        if len(self.words_sent) + len(words) > MAX_WORDS_REMEMBERED:  # bounded memory: forget, and send some again
            self.words_sent.clear()
        self.words_sent.update(words)

    def fresh_statistics(self, inserted):
        """ANALYZE a table this run has more than doubled (PostgreSQL), so foreign-key checks stay index scans.

        The foreign-key checks of each batch are planned from the table's statistics: a table nearly empty
        when they were taken (a new database, a first large import) is scanned whole for every checked row
        until autovacuum gets to it, and each batch's checks grow with the table. A few ANALYZEs per run
        (at most one per doubling; each samples a bounded number of rows) keep them one index probe each."""
        if connection.vendor != "postgresql" or not inserted:
            return
        if self.planner_rows is None:
            self.planner_rows = {}
        for table, count in inserted.items():
            self.inserted[table] += count
            if table not in self.planner_rows:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table])
                    found = cursor.fetchone()
                self.planner_rows[table] = found[0] if found else 0
            if self.inserted[table] >= max(ANALYZE_AFTER_ROWS, self.planner_rows[table]):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # a model's table name
                    cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table])
                    self.planner_rows[table] = cursor.fetchone()[0]
                self.inserted[table] = 0
                self.timings["analyze"] += time.perf_counter() - started

    def run(self):
        job = self.job
        started = time.perf_counter()
        stream = open_records(job, tick=self.keep_alive)
        self.timings["open"] += time.perf_counter() - started
        if self.part is not None:
            return self.run_part(stream)
        if job.total_rows is None:
            counted = time.perf_counter()
            job.total_rows = stream.count_rows()
            self.timings["count"] += time.perf_counter() - counted
            if job.total_rows > stream.max_rows:
                raise ImportFileError(
                    _("The file has %(count)s rows; the limit is %(limit)s.")
                    % {"count": job.total_rows, "limit": stream.max_rows}
                )
            ImportJob.objects.filter(pk=job.pk, lease_owner=self.worker_id).update(
                total_rows=job.total_rows, heartbeat_at=timezone.now()
            )
        # About twenty checkpoints per file, so progress moves for a few hundred rows too.
        self.batch_size = min(self.batch_size, max(MIN_STEP_ROWS, -(-(job.total_rows or 0) // PROGRESS_STEPS)))
        if self.may_split and not job.dry_run and job.rows_done == 0 and not job.header_checked:
            parts = parts_wanted(job.total_rows, self.hostname)
            if parts > 1:
                if self.split_into(parts, stream):
                    return
                stream = open_records(job, tick=self.keep_alive)  # read by the planner: read again
        resume_after = job.rows_done
        batch = []
        last_row = 0
        mark = time.perf_counter()
        for row, values, problem in stream:
            last_row = row
            if row <= resume_after:
                # Done before a restart: only remember its external id, so duplicates are still caught.
                external_id = values.get("external_id") if values else None
                if isinstance(external_id, str) and external_id:
                    self.seen_external_ids.add(hash(external_id))
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

    def split_into(self, parts, stream):
        """Plan the parts (reading the whole file once) and store them with the job's unknown-column warnings;
        False (nothing stored) when the file is better run by one worker."""
        job = self.job
        started = time.perf_counter()
        plan = plan_parts(stream, parts, job.total_rows, self.batch_size, tick=self.keep_alive)
        self.timings["plan"] += time.perf_counter() - started
        if plan is None or len(plan.ranges) < 2:
            return False
        now = timezone.now()
        records = []
        for first, last in plan.ranges:
            skipped = [row for row in plan.linked if first <= row <= last]
            records.append(dict(first_row=first, last_row=last, skip_rows=skipped, **start_fields(plan, first)))
        if plan.linked:
            first, last = plan.linked[0], plan.linked[-1]
            records.append(
                dict(first_row=first, last_row=last, linked=True, only_rows=plan.linked, **start_fields(plan, first))
            )
        warnings = [unknown_columns_warning(job, columns) for columns in plan.unknown_batches]
        with transaction.atomic():
            hold_lease(job.pk, self.worker_id)
            created = ImportJobPart.objects.bulk_create(
                [
                    ImportJobPart(job=job, number=n, enqueued_at=now, batch_size=self.batch_size, **r)
                    for n, r in enumerate(records, 1)
                ]
            )
            ImportRowError.objects.bulk_create(warnings)
            ImportJob.objects.filter(pk=job.pk).update(
                parts_count=len(created),
                total_rows=plan.last_row,
                header_checked=True,
                lease_owner="",
                heartbeat_at=now,
                error_count=F("error_count") + len(warnings),
                timings=self.rounded_timings(),
            )
        self.split_parts = list(ImportJobPart.objects.filter(job=job).order_by("number").values_list("pk", flat=True))
        logger.info("Import job %s split into %s parts (%s linked rows).", job.pk, len(created), len(plan.linked))
        return True

    def run_part(self, stream):
        """This part's rows: its range without the linked rows, or the linked rows alone; from its checkpoint.

        Its batches end where a run by one worker would end them (every `part.batch_size` rows read), as well as
        after `part.batch_size` rows, so each holds what a single run's batch holds."""
        part = self.part
        only = set(part.only_rows) if part.linked else None
        skip = set(part.skip_rows)
        first, last = part.first_row, part.last_row
        self.batch_size = size = max(1, part.batch_size)
        resume_after = part.rows_done
        batch = []
        batch_of = None  # the batch of a run by one worker the rows in `batch` belong to
        read = 0  # rows read from the file's start (as one worker counts them)
        if part.start_position is not None and hasattr(stream, "seek_row"):
            stream.seek_row(part.start_row, part.start_position)
            read = part.start_read
        mark = time.perf_counter()
        for row, values, problem in stream:
            read += 1
            if row > last:
                break
            if row < first or (row not in only if only is not None else row in skip):
                continue
            if row <= resume_after:
                # Done before a restart: only remember its external id, so duplicates are still caught.
                external_id = values.get("external_id") if values else None
                if isinstance(external_id, str) and external_id:
                    self.seen_external_ids.add(hash(external_id))
                continue
            if batch and (read - 1) // size != batch_of:
                self.timings["read"] += time.perf_counter() - mark
                self.apply_batch(batch, stream.mapping, last_row=batch[-1][0])
                batch = []
                mark = time.perf_counter()
            batch_of = (read - 1) // size
            batch.append((row, values, problem))
        self.timings["read"] += time.perf_counter() - mark
        if batch:
            self.apply_batch(batch, stream.mapping, last_row=batch[-1][0])
        self.finish_part()

    def finish_part(self):
        """This part is done; the last part done finishes the job (counts and progress are already summed)."""
        job, part = self.job, self.part
        with transaction.atomic():
            hold_part(part.pk, self.worker_id)
            ImportJobPart.objects.filter(pk=part.pk).update(
                status=ImportJobPart.Status.SUCCEEDED, lease_owner="", timings=self.rounded_timings()
            )
            # One part at a time past this lock: exactly one sees every part done.
            if not list(ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("pk", flat=True)):
                return
            if ImportJobPart.objects.filter(job_id=job.pk).exclude(status=ImportJobPart.Status.SUCCEEDED).exists():
                return
            stored = ImportJob.objects.get(pk=job.pk)
            timings = defaultdict(float, stored.timings or {})
            for phases in ImportJobPart.objects.filter(job_id=job.pk).values_list("timings", flat=True):
                for name, seconds in (phases or {}).items():
                    timings[name] += seconds
            now = timezone.now()
            if stored.started_at:
                timings["elapsed"] = (now - stored.started_at).total_seconds()
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.SUCCEEDED,
                finished_at=now,
                rows_done=F("total_rows"),
                lease_owner="",
                timings={name: round(seconds, 3) for name, seconds in timings.items()},
            )

    def finish(self, last_row):
        job = self.job
        with transaction.atomic():
            hold_lease(job.pk, self.worker_id)
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
    def validate_batch(self, batch, mapping):
        """The row rules of one batch, touching no database, in file order (the external ids met so far
        are remembered here). Returns (plans, [(row, field, message, kind)], failed rows, {row: values})."""
        problems = []
        failed = 0
        plans = []
        values_of = {}
        started = time.perf_counter()
        for row, values, problem in batch:
            if values is None:  # a row too large to read: its problem is all there is to say
                failed += 1
                problems.append((row, "", problem, ImportRowError.Kind.ERROR))
                continue
            values_of[row] = values
            external_id = values.get("external_id")
            duplicate = False
            if isinstance(external_id, str) and external_id:
                duplicate = self.seen_external_ids.add(hash(external_id))
            plan, row_errors = clean_row(row, values, self.context)
            dropped = []
            if row_errors and mapping.keep_bad_fields and not problem and not duplicate:
                plan, row_errors, dropped = self.without_bad_fields(row, values, row_errors)
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
                problems.extend((row, f, m, ImportRowError.Kind.ERROR) for f, m in row_errors)
            else:
                plans.append(plan)
                problems.extend((row, f, m, ImportRowError.Kind.WARNING) for f, m in dropped)
        self.timings["validate"] += time.perf_counter() - started
        return plans, problems, failed, values_of

    def apply_batch(self, batch, mapping, *, last_row):
        job = self.job
        self.mapping = mapping
        self.batch_rows = len(batch)
        plans, problems, failed, self.batch_values = self.validate_batch(batch, mapping)
        errors = [self.row_error(row, field, message, kind) for row, field, message, kind in problems]

        if self.unknown_reported is None:  # a resumed job reported the columns met before its checkpoint
            self.unknown_reported = len(mapping.unknown) if job.header_checked else 0
        if len(mapping.unknown) > self.unknown_reported:
            errors.append(unknown_columns_warning(job, mapping.unknown[self.unknown_reported :]))
            self.unknown_reported = len(mapping.unknown)

        for attempt in range(1, 4):
            try:
                self.write_batch(plans, errors, failed, last_row)
                return
            except (*WRITE_CONFLICTS, *TRANSIENT) as exc:
                # Another import (or another part of this one) wrote the same people or sources meanwhile, or
                # PostgreSQL broke a deadlock with it: match again against what it committed.
                if attempt == 3 or (isinstance(exc, TRANSIENT) and not is_deadlock(exc)):
                    raise
                logger.warning("Import job %s: batch ending at row %s conflicted; retrying.", job.pk, last_row)
                self.source_ids.clear()
                self.destination_ids = dict(Destination.objects.values_list("country", "pk"))

    def without_bad_fields(self, row, values, row_errors):
        """The row without the fields that are bad (when the profile keeps such rows): (plan, errors, dropped)."""
        bad = {name for name, _message in row_errors}
        if bad & ESSENTIAL_FIELDS:
            return None, row_errors, []
        kept = {name: value for name, value in values.items() if name not in bad}
        plan, still = clean_row(row, kept, self.context)
        if still:
            return None, row_errors, []
        note = _("%(message)s This value is not stored; the rest of the row is.")
        return plan, [], [(name, note % {"message": message}) for name, message in row_errors]

    def row_error(self, row, field, message, kind=ImportRowError.Kind.ERROR):
        """An error an editor can act on: row, spreadsheet row, name, external id, their column, their value."""
        values = self.batch_values.get(row) if row is not None else None
        column, value = self.mapping.describe(values, field) if values and self.mapping else ("", "")
        name = values.get("full_name") if values else ""
        external_id = values.get("external_id") if values else ""
        tabular = self.job.file_format != ImportJob.Format.JSON
        return ImportRowError(
            job_id=self.job.pk,
            row=row,
            field=field,
            message=message,
            kind=kind,
            line=row + 1 if row is not None and tabular else None,
            name=name[:300] if isinstance(name, str) else "",
            external_id=external_id[:200] if isinstance(external_id, str) else "",
            column=column[:300],
            value=value[:1000],
        )

    def write_batch(self, plans, errors, failed, last_row):
        job = self.job
        errors = list(errors)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The checkpoint commits with the batch, so a batch lost in a database crash is redone
                # from the previous checkpoint: no need to wait for each batch's WAL flush.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if self.part is not None:
                hold_part(self.part.pk, self.worker_id)
            else:
                hold_lease(job.pk, self.worker_id)
            outcome = write_plans(self, plans)
            for row, field, message, kind in outcome.errors:
                errors.append(self.row_error(row, field, message, kind))
            failed += outcome.failed
            started = time.perf_counter()
            ImportRowError.objects.bulk_create(errors, batch_size=1000)
            if self.part is not None:
                committing = self.checkpoint_part(outcome, errors, failed, last_row, started)
            else:
                committing = self.checkpoint(outcome, errors, failed, last_row, started)
        self.timings["commit"] += time.perf_counter() - committing
        self.words_committed(outcome.words)
        self.fresh_statistics(outcome.inserted)
        job.rows_done = last_row
        job.header_checked = True

    def checkpoint(self, outcome, errors, failed, last_row, started):
        """Inside the batch's transaction: the job's checkpoint and counts, then the deferred checks."""
        job = self.job
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
        return self.checks_now(started)

    def checks_now(self, started):
        """The checkpoint's time since `started`, then the deferred foreign-key checks, run here rather than inside
        COMMIT so the job's timings tell them from the commit itself (a failed check rolls the batch back all the
        same). Returns when the commit starts."""
        checked = time.perf_counter()
        self.timings["checkpoint"] += checked - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        committing = time.perf_counter()
        self.timings["constraints"] += committing - checked
        return committing

    def checkpoint_part(self, outcome, errors, failed, last_row, started):
        """Inside the batch's transaction: the part's checkpoint, then the job's counts and progress (its row
        locked last and only until the commit, so the parts' batches do not wait for each other)."""
        job, part = self.job, self.part
        ImportJobPart.objects.filter(pk=part.pk).update(
            rows_done=last_row,
            rows_counted=F("rows_counted") + self.batch_rows,
            heartbeat_at=timezone.now(),
            timings=self.rounded_timings(),
        )
        committing = self.checks_now(started)
        ImportJob.objects.filter(pk=job.pk).update(
            rows_done=F("rows_done") + self.batch_rows,
            created_count=F("created_count") + outcome.created,
            updated_count=F("updated_count") + outcome.updated,
            unchanged_count=F("unchanged_count") + outcome.unchanged,
            failed_count=F("failed_count") + failed,
            error_count=F("error_count") + len(errors),
        )
        return committing
