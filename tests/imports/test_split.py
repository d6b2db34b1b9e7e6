"""One job, several workers: a large job split into parts stores what one worker stores, loses and doubles
nothing when a part's worker dies, and adds its counts and progress up over the parts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from imports import tasks
from imports.lease import recover_stalled_jobs
from imports.models import ImportJob, ImportJobPart
from imports.run import ImportRun, run_import, run_part
from imports.split import linked_rows, plan_parts
from prisoners.models import Prisoner
from tests.imports.test_fault_tolerance import (
    WorkerKilled,
    clear_imported_records,
    end_state,
    new_job,
    start_worker,
    stop,
    wait_for,
)

HEADER = "external_id,full_name,aliases,birth_date,detained_on,charges,release_event,destination,sources,extra"


def surname(n):
    """Distinct surnames that stay distinct once folded (digits are not part of a name)."""
    syllables = []
    while True:
        n, rest = divmod(n, 27)
        syllables.append("bdklmnprv"[rest // 3] + "aiu"[rest % 3])
        if n == 0:
            return "".join(syllables).capitalize() + "vich"


def mixed_file(rows=300):
    """Rows with everything that makes rows of different ranges meet, spread over the whole file.

    - row 5 and row 250 name the same person (no external id, same name and birth date): one person, updated;
    - rows 10 and 260 give the same external id: the second is an error ("appears earlier in this file");
    - row 20 and row 270 have new external ids with one name and birth date: a suspected duplicate (warning);
    - row 30 and row 280 differ in name but row 280's alias is row 30's name: one person;
    - a bad date every 97 rows, a source shared by every seventh row, an unknown column."""
    lines = [HEADER]
    for n in range(1, rows + 1):
        external_id, name, aliases, born = f"S{n}", f"Ales {surname(n)}", "", ""
        if n in (5, 250):
            external_id, name, born = "", "Ales Bialiatski", "1962-09-25"
        elif n in (10, 260):
            external_id = "TWICE"
        elif n in (20, 270):
            name, born = "Maria Kalesnikava", "1982-04-24"
        elif n == 30:
            external_id, name = "", "Ihar Losik"
        elif n == 280:
            external_id, name, aliases = "", "Ihar Losik Other", "Ihar Losik"
        detained = "2021-02-30" if n % 97 == 0 else f"2021-{1 + n % 12:02d}"
        release = "2025-12-13-release,LT" if n % 3 == 0 else ","
        lines.append(
            f"{external_id},{name},{aliases},{born},{detained},342|{n % 400},{release},https://src.example/{n % 7},x{n}"
        )
    return ("\n".join(lines) + "\n").encode()


def outcome(job):
    """What a job reports, row by row, as an editor sees it (no ids: record numbers in messages removed)."""
    job.refresh_from_db()
    errors = sorted(
        (e.row or 0, e.line, e.field, e.kind, e.name, e.external_id, e.column, e.value, _no_ids(e.message))
        for e in job.row_errors.all()
    )
    return job.status, job.counts, job.rows_done, job.total_rows, job.error_count, errors


def _no_ids(message):
    import re

    return re.sub(r"#\d+", "#N", message)


def split_settings(settings, parts=3):
    settings.IMPORT_SPLIT_ROWS = 100
    settings.IMPORT_PARTS = parts
    settings.IMPORT_BATCH_SIZE = 20


@pytest.fixture
def sent_parts(monkeypatch):
    """Parts are recorded instead of sent, so a test runs (or kills) each itself."""
    sent = []
    monkeypatch.setattr(tasks, "send_part", lambda part_id, from_watchdog=False: sent.append(part_id) or True)
    return sent


def single_run(content, importer):
    job = run_import(new_job(content, user=importer).pk)
    return end_state(), outcome(job)


@pytest.mark.django_db
def test_rows_that_could_be_one_person_are_run_by_one_part(settings, importer, december_event, sent_parts):
    """The same person in two ranges is never written by two workers at once: such rows, and the rows they meet,
    go to one part (the linked part) in file order; the range parts leave them out."""
    split_settings(settings)
    job = new_job(mixed_file(), user=importer)
    run_import(job.pk, split=True)

    job.refresh_from_db()
    parts = list(job.parts.order_by("number"))
    assert job.parts_count == len(parts) == 4
    assert [(p.first_row, p.last_row, p.linked) for p in parts[:3]] == [
        (1, 100, False),
        (101, 200, False),
        (201, 300, False),
    ]
    linked = parts[3]
    assert linked.linked and linked.only_rows == [5, 10, 20, 30, 250, 260, 270, 280]
    assert parts[0].skip_rows == [5, 10, 20, 30] and parts[1].skip_rows == []
    assert parts[2].skip_rows == [250, 260, 270, 280]
    assert sent_parts == [p.pk for p in parts]
    assert (job.status, job.lease_owner, job.rows_done, job.total_rows) == ("running", "", 0, 300)
    assert Prisoner.objects.count() == 0  # the split writes nothing but the parts and the file's warnings
    assert list(job.row_errors.values_list("row", "field")) == [(None, "extra")]


def test_rows_meeting_a_linked_row_are_linked_in_turn():
    """A row meeting a linked row through another key is linked too (its person may be the same)."""
    from array import array

    from imports.split import MULTI, KeyParts

    key_parts = KeyParts()
    # rows 1 (keys a, b) and 2 (key b) in range 0; row 3 (key a) in range 1; row 4 (key c) in range 1
    rows, offsets, keys = array("l", [1, 2, 3, 4]), array("l", [0, 2, 3, 4, 5]), array("q", [11, 22, 22, 11, 33])
    for part, mine in ((0, [11, 22]), (0, [22]), (1, [11]), (1, [33])):
        for key in mine:
            key_parts.meet(key, part)
    assert key_parts.get(11) == MULTI and key_parts.get(22) == 0
    assert linked_rows(rows, offsets, keys, key_parts) == [1, 2, 3]


@pytest.mark.django_db
def test_a_split_job_stores_exactly_what_one_worker_stores(settings, importer, december_event, eager_celery):
    split_settings(settings)
    content = mixed_file()
    expected_state, expected_outcome = single_run(content, importer)
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 1
    clear_imported_records()

    job = run_import(new_job(content, user=importer).pk, split=True)

    job.refresh_from_db()
    assert job.parts_count == 4
    assert set(job.parts.values_list("status", flat=True)) == {"succeeded"}
    assert end_state() == expected_state
    assert outcome(job) == expected_outcome
    assert Prisoner.objects.filter(full_name="Ales Bialiatski").count() == 1
    assert Prisoner.objects.filter(full_name="Maria Kalesnikava").count() == 2  # flagged, as one worker does
    assert "plan" in job.timings and "write" in job.timings


@pytest.mark.django_db
def test_counts_and_progress_add_up_over_the_parts(settings, importer, december_event, sent_parts):
    split_settings(settings)
    job = new_job(mixed_file(), user=importer)
    run_import(job.pk, split=True)
    parts = list(ImportJobPart.objects.filter(job=job).order_by("number"))

    done = 0
    for part in parts[:2]:
        run_part(part.pk)
        part.refresh_from_db()
        done += part.rows
        job.refresh_from_db()
        assert (job.status, job.rows_done, job.total_rows) == ("running", done, 300)
        assert part.rows_counted == part.rows
    assert sum(p.rows for p in parts) == 300
    for part in parts[2:]:
        run_part(part.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.finished_at is not None) == ("succeeded", 300, True)
    failed = 300 // 97 + 1  # the bad dates and the second TWICE
    assert job.counts == {"created": 300 - failed - 2, "updated": 2, "unchanged": 0, "failed": failed}
    assert job.outcome == f"finished with {failed} failed rows"


@pytest.mark.django_db
def test_a_part_killed_mid_way_is_recovered_and_nothing_is_lost_or_doubled(
    settings, monkeypatch, importer, december_event, eager_celery
):
    split_settings(settings)
    content = mixed_file()
    expected_state, expected_outcome = single_run(content, importer)
    clear_imported_records()

    job = new_job(content, user=importer)
    sent = []
    monkeypatch.setattr(tasks, "send_part", lambda part_id, from_watchdog=False: sent.append(part_id) or True)
    run_import(job.pk, split=True)
    first, second, third, linked = ImportJobPart.objects.filter(job=job).order_by("number")

    real_apply = ImportRun.apply_batch
    calls = {"n": 0}

    def dies_on_the_third_batch(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise WorkerKilled
        return real_apply(self, *args, **kwargs)

    run_part(first.pk)
    monkeypatch.setattr(ImportRun, "apply_batch", dies_on_the_third_batch)
    with pytest.raises(WorkerKilled):
        run_part(second.pk, worker_id="doomed")
    monkeypatch.setattr(ImportRun, "apply_batch", real_apply)
    second.refresh_from_db()
    job.refresh_from_db()
    assert (second.status, second.lease_owner, second.rows_done) == ("running", "doomed", 140)
    assert job.rows_done == first.rows + 40 and job.status == "running"
    assert run_part(second.pk, worker_id="eager") is None  # its lease is still fresh
    run_part(third.pk)
    run_part(linked.pk)
    assert ImportJob.objects.get(pk=job.pk).status == "running"  # one part is still out

    monkeypatch.undo()  # parts are sent (and, eagerly, run) again
    long_ago = timezone.now() - timedelta(minutes=5)
    ImportJobPart.objects.filter(pk=second.pk).update(heartbeat_at=long_ago, enqueued_at=long_ago)
    assert recover_stalled_jobs() == [job.pk]

    second.refresh_from_db()
    assert (second.status, second.attempts) == ("succeeded", 2)
    assert end_state() == expected_state
    assert outcome(job) == expected_outcome
    assert recover_stalled_jobs() == []


@pytest.mark.django_db
def test_a_part_that_fails_fails_the_job_and_the_other_parts_stop(
    settings, monkeypatch, importer, december_event, sent_parts
):
    split_settings(settings)
    job = new_job(mixed_file(), user=importer)
    run_import(job.pk, split=True)
    first, second, *_rest = ImportJobPart.objects.filter(job=job).order_by("number")

    def breaks(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ImportRun, "apply_batch", breaks)
    run_part(first.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.message
    monkeypatch.undo()
    assert run_part(second.pk) is None  # its job is over: not claimed
    assert ImportJob.objects.get(pk=job.pk).status == "failed"


@pytest.mark.django_db
def test_a_small_job_a_dry_run_and_the_command_are_not_split(settings, importer, december_event, sent_parts):
    split_settings(settings)
    small = run_import(new_job(mixed_file(80), user=importer).pk, split=True)
    assert (small.status, small.parts_count) == ("succeeded", 0)
    dry = new_job(mixed_file(), user=importer)
    ImportJob.objects.filter(pk=dry.pk).update(dry_run=True)
    assert run_import(dry.pk, split=True).parts_count == 0
    foreground = run_import(new_job(mixed_file(), user=importer).pk)  # split=False: the command's door
    assert (foreground.status, foreground.parts_count) == ("succeeded", 0)
    assert sent_parts == []


@pytest.mark.django_db
def test_one_worker_process_means_no_split(settings, importer, december_event, sent_parts):
    """IMPORT_PARTS=0 asks Celery how many worker processes there are; none answering (no worker runs in this
    test; on SQLite the filesystem transport cannot even ask) means this one alone: the job runs whole."""
    split_settings(settings, parts=0)
    job = run_import(new_job(mixed_file(), user=importer).pk, split=True)
    assert (job.status, job.parts_count) == ("succeeded", 0)


@pytest.mark.django_db
def test_a_file_whose_rows_mostly_meet_is_run_by_one_worker(settings, importer, december_event, sent_parts):
    split_settings(settings)
    lines = [HEADER] + [f",Same Person,,,2021-{1 + n % 12:02d},,,,," for n in range(1, 301)]
    job = run_import(new_job(("\n".join(lines) + "\n").encode(), user=importer).pk, split=True)
    assert (job.status, job.parts_count, job.rows_done) == ("succeeded", 0, 300)


def test_the_planner_numbers_ranges_and_reports_unknown_columns_as_one_run_does():
    class Mapping:
        unknown = []

    class Stream:
        mapping = Mapping()

        def __iter__(self):
            for row in range(1, 11):
                if row == 1:
                    Mapping.unknown.append("a")
                if row == 7:
                    Mapping.unknown.append("b")
                yield row, {"external_id": f"E{row}", "full_name": f"Na{'bdklmnprvz'[row - 1]}ik Mel"}, None

    plan = plan_parts(Stream(), 3, 10, batch_size=4)
    assert plan.ranges == [(1, 4), (5, 8), (9, 10)]
    assert plan.linked == [] and plan.last_row == 10
    assert plan.unknown_batches == [["a"], ["b"]]


# --- Real workers on Redis -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_two_real_workers_split_a_job_and_one_killed_mid_part_loses_nothing(
    transactional_db, settings, importer, build
):
    import os
    import signal

    from tracker.celery_app import app as celery_app

    celery_app.control.purge()
    build.event(title="13 December 2025 release", slug="2025-12-13-release")
    content = mixed_file(3000)
    settings.IMPORT_BATCH_SIZE = 500
    expected_state, expected_outcome = single_run(content, importer)
    clear_imported_records()

    env = {"IMPORT_BATCH_SIZE": "25", "IMPORT_SPLIT_ROWS": "1000", "IMPORT_PARTS": "2"}
    job = new_job(content, user=importer, enqueue=True)
    first, second = start_worker(**env), start_worker(**env)
    workers = [first, second]
    try:
        part = wait_for(
            lambda: ImportJobPart.objects.filter(job=job, rows_counted__gte=100, status="running").first(),
            timeout=90,
        )
        assert part, "no part got going"
        owner = part.lease_owner
        # The worker holding that part: its pid is in the lease owner (host:pid:nonce).
        victim = next(w for w in workers if f":{w.pid}:" in owner)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        workers.remove(victim)
        workers.append(start_worker(**env))
        finished = wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, timeout=150, every=0.2)
    finally:
        for worker in workers:
            stop(worker)
    assert finished, "the split job did not finish"
    job.refresh_from_db()
    assert job.parts_count >= 2
    assert ImportJobPart.objects.get(pk=part.pk).attempts == 2
    assert end_state() == expected_state
    assert outcome(job) == expected_outcome


@pytest.mark.django_db
def test_a_batch_rolled_back_by_a_deadlock_is_run_again_and_other_database_errors_are_not(
    settings, monkeypatch, importer, december_event, sent_parts
):
    """Two parts can wait on each other's locks (a name word, a source link): PostgreSQL breaks the deadlock by
    rolling one batch back, and that batch is matched and written again, as after a unique-key conflict."""
    from django.db import OperationalError

    class Deadlock(Exception):
        pgcode = "40P01"

    class DiskFull(Exception):
        pgcode = "53100"

    def failing_once(cause):
        real_write_batch = ImportRun.write_batch
        state = {"raised": False}

        def write_batch(self, *args):
            if not state["raised"]:
                state["raised"] = True
                error = OperationalError("could not write")
                error.__cause__ = cause()
                raise error
            return real_write_batch(self, *args)

        return write_batch

    split_settings(settings)
    job = new_job(mixed_file(), user=importer)
    run_import(job.pk, split=True)
    first, second, *_rest = ImportJobPart.objects.filter(job=job).order_by("number")
    monkeypatch.setattr(ImportRun, "write_batch", failing_once(Deadlock))
    assert run_part(first.pk).status == "succeeded"
    assert ImportJob.objects.get(pk=job.pk).rows_done == first.rows

    monkeypatch.setattr(ImportRun, "write_batch", failing_once(DiskFull))
    assert run_part(second.pk).status == "failed"
    assert ImportJob.objects.get(pk=job.pk).status == "failed"


# --- Parts read only their own range; the job's page shows its parts --------------------------


def awkward_csv(rows=300):
    """`mixed_file` as a spreadsheet program may save it: a byte order mark, CRLF line ends, blank lines, and
    cells holding line breaks, commas and quotes, all over the file (so some sit right before a range starts)."""
    lines = mixed_file(rows).decode().rstrip("\n").split("\n")
    out = [lines[0]]
    for n, line in enumerate(lines[1:], 1):
        if n % 7 in (0, 6):
            line = line.rsplit(",", 1)[0] + f',"note {n}, ""quoted""\r\nsecond line\nthird"'
        out.append(line)
        if n % 11 == 0:
            out.append("")
    return b"\xef\xbb\xbf" + ("\r\n".join(out) + "\r\n").encode()


def mapped_rows(monkeypatch):
    """Count the rows a reader maps (CSV): a part that parsed the file from its start maps every row before it."""
    from imports.mapping import ColumnMapping

    counted = {"rows": 0}
    real = ColumnMapping.map_cells

    def map_cells(self, cells):
        counted["rows"] += 1
        return real(self, cells)

    monkeypatch.setattr(ColumnMapping, "map_cells", map_cells)
    return counted


@pytest.mark.django_db
def test_a_csv_part_reads_from_where_its_range_starts(settings, monkeypatch, importer, december_event, sent_parts):
    """The planner notes where each range starts in a CSV; a part seeks there instead of parsing (and mapping)
    every row before its range, as the planner already did."""
    split_settings(settings)
    job = new_job(mixed_file(), user=importer)
    run_import(job.pk, split=True)
    first, second, third, linked = ImportJobPart.objects.filter(job=job).order_by("number")
    assert first.start_position is None and first.start_read == 0  # the first range starts after the header
    assert second.start_position and third.start_position > second.start_position
    assert (second.start_read, third.start_read) == (100, 200)
    assert (linked.start_position, linked.start_read) == (None, 0)  # its first row is in the first range

    counted = mapped_rows(monkeypatch)
    run_part(third.pk)
    assert counted["rows"] == third.last_row - third.first_row + 1
    counted["rows"] = 0
    run_part(second.pk)
    assert counted["rows"] == second.last_row - second.first_row + 2  # and the row after its range, to stop


@pytest.mark.django_db
def test_a_split_csv_with_line_breaks_in_cells_and_blank_lines_stores_what_one_worker_stores(
    settings, importer, december_event, eager_celery
):
    split_settings(settings)
    content = awkward_csv()
    expected_state, expected_outcome = single_run(content, importer)
    clear_imported_records()

    job = run_import(new_job(content, user=importer).pk, split=True)

    job.refresh_from_db()
    # Line breaks in cells make the line count overestimate the rows: two ranges (and the linked rows) here.
    assert job.parts_count == 3
    assert job.parts.get(number=2).start_position
    assert set(job.parts.values_list("status", flat=True)) == {"succeeded"}
    assert end_state() == expected_state
    assert outcome(job) == expected_outcome


@pytest.mark.django_db
def test_a_split_json_job_reads_each_part_from_the_start_and_stores_what_one_worker_stores(
    settings, importer, december_event, eager_celery
):
    """A JSON list cannot be entered in the middle: its parts read from the start, as before."""
    import csv
    import io
    import json

    split_settings(settings)
    records = list(csv.DictReader(io.StringIO(mixed_file().decode())))
    for record in records:
        record["charges"] = record["charges"].split("|")
    content = json.dumps(records).encode()
    expected_state, expected_outcome = single_run(content, importer)
    clear_imported_records()

    job = run_import(new_job(content, user=importer).pk, split=True)

    job.refresh_from_db()
    assert job.file_format == "json" and job.parts_count == 4
    assert set(job.parts.values_list("start_position", flat=True)) == {None}
    assert end_state() == expected_state
    assert outcome(job) == expected_outcome


@pytest.mark.django_db
def test_a_split_jobs_page_in_admin_shows_its_parts(client, settings, build, december_event, sent_parts):
    split_settings(settings)
    editor = build.user(username="editor", is_staff=True, perms=["imports.import_records"])
    job = new_job(mixed_file(), user=editor)
    run_import(job.pk, split=True)
    first, second, *_rest = ImportJobPart.objects.filter(job=job).order_by("number")
    run_part(first.pk)
    ImportJobPart.objects.filter(pk=second.pk).update(
        status="running", lease_owner="host-b:4242:abc", heartbeat_at=timezone.now(), rows_counted=40
    )
    client.force_login(editor)

    page = client.get(f"/admin/imports/importjob/{job.pk}/change/").content.decode()

    assert 'id="import-parts"' in page and "Parts (4)" in page
    assert "rows 1–100" in page and "rows 101–200" in page and "8 linked rows, 5–280" in page
    assert "succeeded" in page and "96 / 96" in page  # the first range less its four linked rows
    assert "host-b:4242:abc" in page and "40 / 100" in page


@pytest.mark.django_db
def test_a_job_not_split_shows_no_parts(client, build):
    editor = build.user(username="editor", is_staff=True, perms=["imports.import_records"])
    job = new_job(b"external_id,full_name\nA1,One\n", user=editor)
    client.force_login(editor)
    page = client.get(f"/admin/imports/importjob/{job.pk}/change/").content.decode()
    assert 'id="import-parts"' not in page
