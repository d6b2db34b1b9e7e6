"""Name search at scale: `search_prisoners` over 1,000,000 people on PostgreSQL vs a plain ILIKE scan.

    createdb -h 127.0.0.1 -U postgres rt_names_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_names_bench SECRET_KEY=bench \\
        nice .venv/bin/python bench/search_bench.py [--people 1000000] [--runs 7] [--reload]

The people are generated from lists of common Belarusian given names and surnames plus a long
tail of surnames built from real roots and suffixes (tests/names/data/common_names.json), with a
skewed frequency (the most common given names ~10%, the most common surname ~1% of people, most
surnames rare), in Belarusian and Russian forms, 30% with a patronymic, 7% withheld,
plus the real people of tests/names/data/spellings.json under their display names. They are
loaded with COPY (the indexes are built after the load), then each query runs `--runs`
times; p50 and p95 cover every run of every query. Both sides fetch the first page (20 rows),
as the search box does; the count the paginator asks for is timed separately.
Refuses to touch a database whose name does not end in "bench".
"""

import argparse
import io
import itertools
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from prisoners.models import Prisoner  # noqa: E402
from prisoners.names.folding import search_text  # noqa: E402
from prisoners.search import search_prisoners  # noqa: E402

DATA = ROOT / "tests" / "names" / "data"
PAGE_SIZE = 20
QUERIES = [
    # Real people, in the spellings the issue names and others printed in the press.
    "Kolesnikova",
    "Калеснікава",
    "kalesnikawa",
    "Maria Kalesnikava",
    "Tikhanovsky",
    "Ціханоўскі",
    "Bialatsky",
    "Беляцкий",
    "Statkiewicz",
    "Babariko",
    # Common names: many matches, the hard case for ranking and counting.
    "Ivanou",
    "Ivanov",
    "Aliaksandr Kavaliou",
    "Aleksandr Kovalev",
    "Іваноў Сяргей",
    "Marozova",
    "Kazl",
    "Hrynkevich Volha",
    "Siarhei Aliaksandravich Melnikau",
    "Pashkevitch",
]


def female(surname):
    for male, fem in (("ski", "skaya"), ("sky", "skaya"), ("au", "ava"), ("ou", "ova"), ("ov", "ova")):
        if surname.endswith(male):
            return surname[: -len(male)] + fem
    return surname + "a" if surname.endswith("ev") else surname


def patronymic(given, woman):
    stem = given[:-1] if given.endswith(("a", "i", "y")) else given
    return stem + ("auna" if woman else "avich")


def weights(count, exponent):
    """Zipf-like: the k-th most common name is k**-exponent as frequent as the first."""
    return [(rank + 1) ** -exponent for rank in range(count)]


def surname_list(names, rng):
    """(Belarusian male, Belarusian female, Russian) forms: the common surnames first, then the long
    tail made of real surname roots and suffixes, in a fixed random order."""
    common = [(be, female(be), ru) for be, ru in names["surnames"]]
    tail = [
        (root + male, root + fem, root + ru)
        for root in names["surname_roots"]
        for male, fem, ru in names["surname_suffixes"]
    ]
    rng.shuffle(tail)
    seen, result = set(), []
    for forms in common + tail:
        if forms[0] not in seen:
            seen.add(forms[0])
            result.append(forms)
    return result


def generate_rows(count, seed=2025):
    names = json.loads((DATA / "common_names.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    male, female_names = names["given_male"], names["given_female"]
    surnames = surname_list(names, rng)
    male_w = list(itertools.accumulate(weights(len(male), 0.8)))
    female_w = list(itertools.accumulate(weights(len(female_names), 0.8)))
    # The most common surname ~1% of people, as in Belarus.
    surname_w = list(itertools.accumulate(weights(len(surnames), 0.5)))
    real = json.loads((DATA / "spellings.json").read_text(encoding="utf-8"))["people"]
    for person in real:
        yield person["name"], "", "public", search_text([person["name"]])
    for _ in range(count - len(real)):
        woman = rng.random() < 0.45
        given = rng.choices(female_names if woman else male, cum_weights=female_w if woman else male_w)[0]
        be_male, be_female, ru_male = rng.choices(surnames, cum_weights=surname_w)[0]
        be_surname = be_female if woman else be_male
        ru_surname = female(ru_male) if woman else ru_male
        full_name = f"{given[0]} {be_surname}"
        written = [full_name]
        if rng.random() < 0.3:  # a list that printed the patronymic
            father = rng.choices(male, cum_weights=male_w)[0][0]
            written.append(f"{be_surname} {given[0]} {patronymic(father, woman)}")
        if rng.random() < 0.5:  # the Russian form, as passports and Russian-language media print it
            written.append(f"{given[1]} {ru_surname}")
        roll = rng.random()
        visibility = "private" if roll < 0.02 else "anonymized" if roll < 0.07 else "public"
        yield full_name, "", visibility, search_text(written)


def copy_people(count):
    columns = (
        "full_name, native_name, citizenship, country, gender, birth_date_precision, biography, notes, "
        "visibility, status, created_at, updated_at, name_keys, recognition, is_draft"
    )
    now = "2025-12-13 00:00:00+00"
    vocabulary = set()

    def chunks(size=100_000):
        buffer, rows = io.StringIO(), 0
        for full_name, native_name, visibility, keys in generate_rows(count):
            vocabulary.update(keys.split())
            fields = [full_name, native_name, "", "", "unknown", "day", "", "", visibility, "unknown", now, now, keys]
            fields += ["", "f"]  # recognition, is_draft
            buffer.write("\t".join(field.replace("\t", " ") for field in fields) + "\n")
            rows += 1
            if rows == size:
                buffer.seek(0)
                yield buffer
                buffer, rows = io.StringIO(), 0
        buffer.seek(0)
        yield buffer

    with connection.cursor() as cursor:
        # Indexes are built after the load, as for any bulk load; the same definitions as migration 0003.
        cursor.execute("DROP INDEX IF EXISTS prisoner_name_words_gin")
        cursor.execute("DROP INDEX IF EXISTS name_word_trgm")
        raw = cursor.cursor
        for chunk in chunks():
            raw.copy_expert(f"COPY prisoners_prisoner ({columns}) FROM STDIN", chunk)
        words = io.StringIO("".join(f"{word}\n" for word in sorted(vocabulary)))
        raw.copy_expert("COPY prisoners_nameword (word) FROM STDIN", words)
        cursor.execute(
            "CREATE INDEX prisoner_name_words_gin ON prisoners_prisoner USING gin (string_to_array(name_keys, ' '))"
        )
        cursor.execute("CREATE INDEX name_word_trgm ON prisoners_nameword USING gin (word gin_trgm_ops)")
        cursor.execute("VACUUM ANALYZE prisoners_prisoner")
        cursor.execute("VACUUM ANALYZE prisoners_nameword")
    return len(vocabulary)


def timed(function, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ilike_page(query):
    matches = Q(full_name__icontains=query) | Q(native_name__icontains=query)
    return list(Prisoner.objects.filter(matches, visibility="public").order_by("full_name", "pk")[:PAGE_SIZE])


def search_page(query):
    return list(search_prisoners(Prisoner.objects.all(), query, None)[:PAGE_SIZE])


def search_count(query):
    return search_prisoners(Prisoner.objects.all(), query, None).count()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="delete and regenerate the people")
    args = parser.parse_args()

    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].endswith("bench"):
        sys.exit("Run against a PostgreSQL database whose name ends in 'bench' (it is filled with test data).")
    call_command("migrate", verbosity=0)
    stored = Prisoner.objects.count()
    if args.reload or stored != args.people:
        print(f"loading {args.people:,} people with COPY ...", flush=True)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE prisoners_prisoner, prisoners_nameword CASCADE")
        words = copy_people(args.people)
        print(f"loaded in {time.perf_counter() - start:.0f} s ({words:,} distinct name words)", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        threshold = cursor.fetchone()[0]
    print(f"{Prisoner.objects.count():,} people; pg_trgm.word_similarity_threshold={threshold}; runs={args.runs}")
    print(f"{'query':36} {'search p50':>10} {'p95':>7} {'found':>7} {'count ms':>9} {'ILIKE p50':>10} {'rows':>5}")
    search_times, count_times, ilike_times = [], [], []
    for query in QUERIES:
        search_page(query), ilike_page(query)  # warm the cache, as a live server would be
        page_times, page = timed(lambda q=query: search_page(q), args.runs)
        counted_times, total = timed(lambda q=query: search_count(q), max(1, args.runs // 3))
        plain_times, plain = timed(lambda q=query: ilike_page(q), args.runs)
        search_times += page_times
        count_times += counted_times
        ilike_times += plain_times
        print(
            f"{query:36} {statistics.median(page_times):10.1f} {percentile(page_times, 0.95):7.1f} "
            f"{total:7,} {statistics.median(counted_times):9.1f} {statistics.median(plain_times):10.1f} "
            f"{len(plain):5}"
        )
    print()
    for label, values in (
        ("search_prisoners, first page", search_times),
        ("search_prisoners, count", count_times),
        ("plain ILIKE scan, first page", ilike_times),
    ):
        print(f"{label:32} p50 {percentile(values, 0.5):8.1f} ms   p95 {percentile(values, 0.95):8.1f} ms")


if __name__ == "__main__":
    main()
