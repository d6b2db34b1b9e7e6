"""Import benchmark: N synthetic rows through a real Celery worker into PostgreSQL, next to COPY
and to django-import-export, in the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... SECRET_KEY=bench \
        nice .venv/bin/python bench/import_benchmark.py --rows 100000 --reset [--baseline DIR]

Prints rows per second end to end (store the upload, queue, worker, committed), the worker's peak
memory (VmHWM of the worker process), the seconds per pipeline phase, PostgreSQL's own COPY of the
same file into an unindexed table of text columns, and django-import-export's bulk import of the same
rows into the people table alone (a child process; its peak memory is that process's). --reset
TRUNCATEs the people, release and import tables of the database it is pointed at: use a scratch
database. --baseline DIR first runs the same import with a worker started from another source tree
(e.g. `git archive <commit> | tar -x -C var/baseline`), so before and after are measured in one run.
--rows 1000000 is the issue's aim (a million rows in under 30 s).

django-import-export is not a dependency of the project: install it for the benchmark only, into
var/bench-libs (bench/requirements.txt pins it):

    .venv/bin/pip install --no-deps --target var/bench-libs -r bench/requirements.txt
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "bench" / "out"
BENCH_LIBS = PROJECT / "var" / "bench-libs"  # benchmark-only packages (django-import-export), not the venv
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

HEADER = [
    "external_id", "full_name", "native_name", "aliases", "citizenship", "country", "gender", "birth_date",
    "detained_on", "sentenced_on", "sentence", "sentence_months", "charges", "place_of_detention", "status",
    "released_on", "release_event", "destination", "visibility", "sources", "notes",
]  # fmt: skip
EVENT_SLUG = "bench-release-event"
# Given names repeat heavily, as in real lists; surnames are distinct syllable strings that stay distinct
# once folded (names differing only by a number would fold to one name and all look like duplicates).
GIVEN = [
    "Ales", "Maria", "Ihar", "Katsiaryna", "Mikalai", "Pavel", "Natallia", "Siarhei", "Volha", "Andrei",
    "Viktar", "Iryna", "Dzmitry", "Aliaksandr", "Tatsiana", "Yauhen", "Hanna", "Raman", "Alena", "Uladzimir",
]  # fmt: skip
_CONSONANTS, _VOWELS = "bdklmnprv", "aiu"


def surname(n):
    base = len(_CONSONANTS) * len(_VOWELS)
    syllables = []
    while True:
        n, rest = divmod(n, base)
        syllables.append(_CONSONANTS[rest // len(_VOWELS)] + _VOWELS[rest % len(_VOWELS)])
        if n == 0:
            return "".join(syllables).capitalize() + "vich"


PLACES = ["Penal colony No. 2, Babruisk", "Prison No. 4, Mahilyou", "Pre-trial detention centre No. 1, Minsk"]


def synthetic_rows(count):
    """Deterministic rows shaped like a rights group's list: all detained, a third freed in an event."""
    for n in range(1, count + 1):
        freed = n % 3 == 0
        yield [
            f"B{n:07d}",
            f"{GIVEN[n % len(GIVEN)]} {surname(n)}",
            "",
            f"{surname(n)} {GIVEN[n % len(GIVEN)]}" if n % 2 else "",
            "BY",
            "BY",
            "female" if n % 4 == 0 else "male",
            f"{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            f"{2020 + n % 5}-{1 + n % 12:02d}",
            "",
            "",
            str(12 + n % 120),
            f"342|{100 + n % 300}",
            PLACES[n % 3],
            "",
            "",
            EVENT_SLUG if freed else "",
            ("LT" if n % 2 else "UA") if freed else "",
            "",
            f"https://sources.example/list-{n % 50}",
            "",
        ]


def write_file(rows):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"people-{rows}.csv"
    if not path.exists():
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(synthetic_rows(rows))
    return path


def reset_database():
    from django.db import connection

    tables = [
        "prisoners_prisoner", "prisoners_historicalprisoner", "prisoners_historicalexternalid",
        "prisoners_historicalnamevariant", "prisoners_historicaldetention", "prisoners_source",
        "prisoners_historicalsource", "releases_historicalrelease", "imports_importjob", "imports_importrowerror",
        "imports_importfilechunk",
        # The link tables have no foreign keys (CASCADE does not reach them): emptied by name.
        "prisoners_prisoner_sources", "prisoners_detention_sources", "releases_release_sources",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute("VACUUM ANALYZE")


def ensure_event():
    from datetime import date

    from releases.models import ReleaseEvent
    from releases.services import create_release_event

    if not ReleaseEvent.objects.filter(slug=EVENT_SLUG).exists():
        create_release_event(
            title="Benchmark release", date=date(2025, 12, 13), slug=EVENT_SLUG, releasing_countries=["BY"]
        )


def start_worker(tree=PROJECT):
    env = {**os.environ, "IMPORT_WATCHDOG_SECONDS": "5", "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "--loglevel=WARNING"]
    command += ["-n", f"bench-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=tree, env=env, start_new_session=True)


def peak_memory_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def current_memory_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def schema_of(tree):
    """Migrate the database to the schema of another source tree: each app back to the last migration that tree
    has (a newer migration of this tree, such as link tables without foreign keys, would otherwise favour the
    baseline). Returns the apps moved, so `schema_of(PROJECT)` is not needed when none were."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(connection, ignore_no_migrations=True).graph.leaf_nodes()
    moved = []
    for app, leaf in leaves:
        folder = Path(tree) / app / "migrations"
        if not folder.is_dir() or (folder / f"{leaf}.py").exists():
            continue
        theirs = sorted(p.stem for p in folder.glob("[0-9]*.py"))
        if theirs:
            call_command("migrate", app, theirs[-1], verbosity=0)
            moved.append(app)
    return moved


def run_import(path, rows, tree=PROJECT, workers=1):
    """The import through `workers` real worker processes (solo pool each): with more than one, a job above
    IMPORT_SPLIT_ROWS is split into parts (imports.split), as many as the workers answering Celery's inspect."""
    from imports.jobs import create_import_job
    from imports.models import ImportJob
    from tracker.history import system_user

    pool = [start_worker(tree) for _ in range(workers)]
    worker = pool[0]
    time.sleep(4 + workers)  # let the workers connect before the clock starts
    idle_mb = current_memory_mb(worker.pid)
    try:
        started = time.perf_counter()
        with open(path, "rb") as handle:
            job = create_import_job(user=system_user(), fileobj=handle, file_name=path.name, source_list="bench")
        stored = time.perf_counter() - started
        samples = []
        while True:
            job.refresh_from_db()
            samples.append(max(current_memory_mb(w.pid) for w in pool))
            if job.is_finished:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        peak_mb = max(peak_memory_mb(w.pid) for w in pool)
    finally:
        for each in pool:
            os.killpg(each.pid, signal.SIGTERM)
        for each in pool:
            each.wait(timeout=60)
    try:
        parts = list(job.parts.values("timings"))
    except Exception:  # the baseline's schema has no parts
        parts = []
    return {
        "workers": workers,
        "parts": len(parts),
        "parts_timings": [p["timings"] for p in parts],
        "rows": rows,
        "status": job.status,
        "counts": job.counts,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        "store_upload_seconds": round(stored, 2),
        "worker_idle_mb": round(idle_mb, 1),
        "worker_peak_mb": round(peak_mb, 1),
        "worker_rss_samples_mb": [round(s, 1) for s in samples[:: max(1, len(samples) // 12)] if s],
        "phases_seconds": job.timings,
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "job_status": ImportJob.objects.get(pk=job.pk).status,
        "code": str(tree),
    }


def run_profile(path, rows, top=40):
    """The import in this process under cProfile (no worker, no queue): the phases and the costliest functions."""
    import cProfile
    import io
    import pstats

    from django.test.utils import override_settings

    from imports.jobs import create_import_job
    from imports.run import run_import
    from tracker.history import system_user

    with override_settings(CELERY_TASK_ALWAYS_EAGER=False), open(path, "rb") as handle:
        job = create_import_job(user=system_user(), fileobj=handle, file_name=path.name, source_list="bench")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    job = run_import(job.pk)
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(out.getvalue())
    return {"rows": rows, "seconds": round(elapsed, 2), "counts": job.counts, "phases_seconds": job.timings}


def run_copy(path, rows):
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_copy ({columns})")
        started = time.perf_counter()
        with open(path, encoding="utf-8") as handle:
            cursor.cursor.copy_expert("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_copy")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy")
    return {"rows": copied, "seconds": round(elapsed, 2), "rows_per_second": round(rows / elapsed)}


def run_django_import_export(path, rows):
    """django-import-export's bulk import of the same rows into the people table alone, in a child process."""
    if not (BENCH_LIBS / "import_export").exists():
        return {"skipped": f"django-import-export is not installed in {BENCH_LIBS} (see bench/requirements.txt)"}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM prisoners_prisoner")
        before = cursor.fetchone()[0]
    command = [sys.executable, __file__, "--django-import-export-child", str(path), "--rows", str(rows)]
    child = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, check=False)
    with connection.cursor() as cursor:  # its rows must not meet the next run's duplicate check
        cursor.execute("DELETE FROM prisoners_prisoner WHERE id > %s", [before])
    if child.returncode:
        return {"failed": child.stderr[-2000:]}
    return json.loads(child.stdout.strip().splitlines()[-1])


def django_import_export_child(path, rows):
    """In the child: a ModelResource on Prisoner in its fastest documented setup (bulk, no diff, no lookups)."""
    sys.path.insert(0, str(BENCH_LIBS))
    import django

    django.setup()
    import tablib
    from import_export import fields, resources, widgets

    from prisoners.models import Prisoner

    class PrisonerResource(resources.ModelResource):
        birth_date = fields.Field(
            attribute="birth_date", column_name="birth_date", widget=widgets.DateWidget("%Y-%m-%d")
        )

        class Meta:
            model = Prisoner
            fields = ("full_name", "native_name", "country", "gender", "birth_date", "notes")
            use_bulk = True
            batch_size = 2000
            skip_diff = True
            force_init_instance = True  # every row is new: no query per row for an existing instance
            use_transactions = True

    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    result = PrisonerResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": rows,
                "created": result.totals.get("new"),
                "seconds": round(elapsed, 2),
                "rows_per_second": round(rows / elapsed),
                "peak_mb": round(peak_memory_mb(os.getpid()), 1),
                "version": __import__("import_export").__version__,
                "writes": "people table only: no external id, detention, release, alias, source, history, keys",
            }
        )
    )


def summary(result):
    """The figures side by side, as a Markdown table."""
    lines = ["| Run | Rows | Seconds | Rows/s | Peak memory |", "|---|---|---|---|---|"]
    for name, label in (
        ("baseline", "import, baseline code"),
        ("import", "import, this code (a real worker)"),
        *((name, f"import, this code, {result[name]['workers']} worker(s)") for name in result if "_workers" in name),
        ("import_again", "the same file again (all unchanged)"),
        ("copy", "PostgreSQL COPY of the file (text columns, no index)"),
        ("django_import_export", "django-import-export, bulk, people table alone"),
    ):
        run = result.get(name)
        if not run or "seconds" not in run:
            continue
        peak = run.get("worker_peak_mb") or run.get("peak_mb")
        memory = f"{peak} MB" if peak else "(server side)"
        lines.append(f"| {label} | {run['rows']:,} | {run['seconds']} | {run['rows_per_second']:,} | {memory} |")
    runs = [name for name in result if name in ("baseline", "import") or "_workers" in name]
    phases = [result[name]["phases_seconds"] for name in runs]
    if phases:
        names = sorted({phase for timing in phases for phase in timing}, key=lambda phase: -phases[0].get(phase, 0))
        head = " | ".join(runs)
        lines += ["", f"| Phase (s) | {head} |", "|---|" + "---|" * len(phases)]
        lines += [f"| {phase} | " + " | ".join(str(t.get(phase, "")) for t in phases) + " |" for phase in names]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true", help="TRUNCATE imported tables first (scratch DB only).")
    parser.add_argument("--second-pass", action="store_true", help="Import the same file again (all unchanged).")
    parser.add_argument("--profile", action="store_true", help="Run in this process under cProfile instead.")
    parser.add_argument("--baseline", type=Path, help="Another source tree: its import runs first, same file.")
    parser.add_argument("--no-django-import-export", action="store_true", help="Skip the library's run.")
    parser.add_argument(
        "--workers",
        default="1",
        help="Worker processes, e.g. 1,2: the import runs once per count (the database reset between), so one big "
        "job split over several workers is measured next to one worker in the same run.",
    )
    parser.add_argument("--django-import-export-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.django_import_export_child:
        return django_import_export_child(args.django_import_export_child, args.rows)

    import django

    django.setup()
    from django.conf import settings

    if not settings.IS_POSTGRES or not settings.REDIS_URL:
        sys.exit("The benchmark needs DATABASE_URL (PostgreSQL) and REDIS_URL.")
    path = write_file(args.rows)
    if args.reset:
        reset_database()
    ensure_event()
    if args.profile:
        print(json.dumps(run_profile(path, args.rows), indent=2))
        return
    result = {}
    if args.baseline:
        moved = schema_of(args.baseline.resolve())
        result["baseline"] = run_import(path, args.rows, tree=args.baseline.resolve())
        reset_database()
        if moved:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            result["baseline"]["migrated_back"] = moved
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    for index, workers in enumerate(counts):
        if index:
            reset_database()
            ensure_event()
        name = "import" if index == 0 else f"import_{workers}_workers"
        while name in result:  # the same count again (e.g. --workers 1,2,2,1): its own line
            name += "_again"
        result[name] = run_import(path, args.rows, workers=workers)
    if args.second_pass:
        result["import_again"] = run_import(path, args.rows)
    result["copy"] = run_copy(path, args.rows)
    if not args.no_django_import_export:
        result["django_import_export"] = run_django_import_export(path, args.rows)
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    print(summary(result))
    (OUT / f"result-{args.rows}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
