"""Where an import's time goes, step by step: N synthetic rows imported in this process (no worker, no
queue), with timers around each COPY (per table), each writer step and each SQL statement (by its start).

    DATABASE_URL=postgres://... REDIS_URL=redis://... SECRET_KEY=bench \
        nice .venv/bin/python bench/import_steps.py 100000

It TRUNCATEs the imported tables first, as `import_benchmark.py --reset` does: use a scratch database.
"""

import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

SPENT = defaultdict(float)


def timed(owner, name, label):
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label(args)] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main():
    import django

    django.setup()
    import import_benchmark
    from django.db import connection
    from django.test.utils import override_settings

    from imports import copy_writer, writer
    from imports.jobs import create_import_job
    from imports.run import run_import
    from tracker.history import system_user

    timed(copy_writer, "_copy", lambda args: f"COPY {args[1]}")
    for name in ("copy_rows", "insert_words", "insert_links"):
        if hasattr(writer, name):
            timed(writer, name, lambda args, name=name: name)
    timed(copy_writer.CopyTable, "insert", lambda args: f"rows of {args[0].table} (Python and COPY)")
    for name in ("save", "match_people", "load_stored", "link_sources", "write_new_name_keys", "ensure_sources"):
        timed(writer.BatchWriter, name, lambda args, name=name: f"BatchWriter.{name}")

    def statements(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            SPENT["SQL " + re.sub(r"\s+", " ", sql)[:70]] += time.perf_counter() - started

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = import_benchmark.write_file(rows)
    import_benchmark.reset_database()
    import_benchmark.ensure_event()
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False), open(path, "rb") as handle:
        job = create_import_job(user=system_user(), fileobj=handle, file_name=path.name, source_list="bench")
    with connection.execute_wrapper(statements):
        started = time.perf_counter()
        job = run_import(job.pk)
        elapsed = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": round(elapsed, 2), "load_average": os.getloadavg()}))
    print(json.dumps(job.timings, indent=1))
    for label, seconds in sorted(SPENT.items(), key=lambda item: -item[1])[:40]:
        print(f"{seconds:8.2f}  {label}")


if __name__ == "__main__":
    main()
