"""PostgreSQL's own floor for what an import writes: the rows it stored, COPYed back by PostgreSQL alone.

Run it on the database an import benchmark has just filled (`bench/import_benchmark.py --rows N --reset`):

    DATABASE_URL=postgres://... SECRET_KEY=bench nice .venv/bin/python bench/import_floor.py

It copies every row the import wrote (people, external ids, name variants, detentions, releases, search keys,
name words, source links) out to files, then COPYs them into empty copies of their tables (`CREATE TABLE ...
(LIKE ... INCLUDING ALL)`: the same columns, defaults, checks and indexes, no foreign keys), in one transaction
as a batch of the import is written, and prints the seconds per table: the time no code of ours can go under
while it stores these rows in these tables on this machine. Then again without the indexes. With `--sessions 2`
each table's rows are split in two halves COPYed at once by two sessions into the same tables (the floor of a
job split over two workers). The copies are dropped at the end. Nothing the import stored is changed.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def written_tables():
    from prisoners.models import Detention, ExternalId, NameKey, NameVariant, NameWord, Prisoner
    from releases.models import Release

    tables = [model._meta.db_table for model in (Prisoner, ExternalId, NameVariant, Detention, Release, NameKey)]
    tables.append(NameWord._meta.db_table)
    for model in (Prisoner, Detention, Release):
        tables.append(model.sources.through._meta.db_table)
    return tables


def copy_in(cursor, files, indexes, sessions=1):
    """COPY each table's file into a fresh copy of the table; {table: seconds}. With several sessions the halves
    (or thirds...) of every file go in at once, one session each, each in one transaction."""
    including = "INCLUDING ALL" if indexes else "INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
    for table in files:
        cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} {including})")
    timings = {}
    if sessions == 1:
        timings.update(copy_session(cursor, {table: [path] for table, path in files.items()}))
    else:
        shares = [{} for _ in range(sessions)]
        for table, path in files.items():
            for n, part in enumerate(split_file(path, sessions)):
                shares[n][table] = [part]
        import psycopg2
        from django.db import connection

        params = connection.get_connection_params()
        results = [None] * sessions

        def work(n):
            other = psycopg2.connect(**params)
            other.autocommit = True
            results[n] = copy_session(other.cursor(), shares[n])
            other.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(n,)) for n in range(sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        for table in files:
            timings[table] = max(result[table] for result in results)
        timings["commit"] = max(result["commit"] for result in results)
        timings["wall"] = wall
    for table in files:
        cursor.execute(f"DROP TABLE floor_{table}")
    return timings


def copy_session(cursor, files):
    timings = {}
    cursor.execute("BEGIN")
    cursor.execute("SET LOCAL synchronous_commit TO OFF")  # as the import's batches
    for table, paths in files.items():
        started = time.perf_counter()
        for path in paths:
            with open(path, "rb") as handle:
                cursor.copy_expert(f"COPY floor_{table} FROM STDIN", handle)
        timings[table] = time.perf_counter() - started
    started = time.perf_counter()
    cursor.execute("COMMIT")
    timings["commit"] = time.perf_counter() - started
    return timings


def split_file(path, parts):
    with open(path, "rb") as handle:
        lines = handle.readlines()
    size = -(-len(lines) // parts)
    names = []
    for n in range(parts):
        name = Path(f"{path}.{n}")
        name.write_bytes(b"".join(lines[n * size : (n + 1) * size]))
        names.append(name)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1, help="COPY each table's rows in this many parts at once")
    arguments = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    cursor = raw.cursor()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="import-floor-") as folder:
        files = {}
        for table in written_tables():
            path = Path(folder) / f"{table}.copy"
            with open(path, "wb") as handle:
                cursor.copy_expert(f"COPY {table} TO STDOUT", handle)
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
            files[table] = path
        people = rows[written_tables()[0]] or 1
        for indexes in (True, False):
            timings = copy_in(cursor, files, indexes, arguments.sessions)
            total = timings.pop("wall", None) or sum(timings.values())
            label = "with the tables' indexes" if indexes else "without indexes"
            sessions = (
                f", {arguments.sessions} sessions at once (per table: the slower)" if arguments.sessions > 1 else ""
            )
            print(f"\nCOPY back what the import stored, {label}{sessions}: {total:.1f} s")
            print("| table | rows | per person | seconds |\n|---|---|---|---|")
            for table in files:
                print(f"| {table} | {rows[table]:,} | {rows[table] / people:.2f} | {timings[table]:.2f} |")
            print(f"| commit | | | {timings['commit']:.2f} |")
            print(f"| all | {sum(rows.values()):,} | {sum(rows.values()) / people:.2f} | {total:.2f} |")


if __name__ == "__main__":
    main()
