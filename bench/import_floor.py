"""PostgreSQL's own floor for what an import writes: the rows it stored, COPYed back by PostgreSQL alone.

Run it on the database an import benchmark has just filled (`bench/import_benchmark.py --rows N --reset`):

    DATABASE_URL=postgres://... SECRET_KEY=bench nice .venv/bin/python bench/import_floor.py

It copies every row the import wrote (people, external ids, name variants, detentions, releases, search keys,
name words, source links) out to files, then COPYs them into empty copies of their tables (`CREATE TABLE ...
(LIKE ... INCLUDING ALL)`: the same columns, defaults, checks and indexes, no foreign keys), in one transaction
as a batch of the import is written, and prints the seconds per table: the time no code of ours can go under
while it stores these rows in these tables on this machine. Then again without the indexes. The copies are
dropped at the end. Nothing the import stored is changed.
"""

import os
import sys
import tempfile
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


def copy_in(cursor, files, indexes):
    timings = {}
    cursor.execute("BEGIN")
    cursor.execute("SET LOCAL synchronous_commit TO OFF")  # as the import's batches
    for table, path in files.items():
        clone = f"floor_{table}"
        including = "INCLUDING ALL" if indexes else "INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
        cursor.execute(f"CREATE TABLE {clone} (LIKE {table} {including})")
        started = time.perf_counter()
        with open(path, "rb") as handle:
            cursor.copy_expert(f"COPY {clone} FROM STDIN", handle)
        timings[table] = time.perf_counter() - started
    started = time.perf_counter()
    cursor.execute("COMMIT")
    timings["commit"] = time.perf_counter() - started
    for table in files:
        cursor.execute(f"DROP TABLE floor_{table}")
    return timings


def main():
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
            timings = copy_in(cursor, files, indexes)
            total = sum(timings.values())
            label = "with the tables' indexes" if indexes else "without indexes"
            print(f"\nCOPY back what the import stored, {label}: {total:.1f} s")
            print("| table | rows | per person | seconds |\n|---|---|---|---|")
            for table in files:
                print(f"| {table} | {rows[table]:,} | {rows[table] / people:.2f} | {timings[table]:.2f} |")
            print(f"| commit | | | {timings['commit']:.2f} |")
            print(f"| all | {sum(rows.values()):,} | {sum(rows.values()) / people:.2f} | {total:.2f} |")


if __name__ == "__main__":
    main()
