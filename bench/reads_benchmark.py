"""Reads at a million people: each case of issue 16 timed next to one hand-written SQL query, in the same run.

    createdb -h 127.0.0.1 -U postgres tracker_reads
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_reads REDIS_URL=redis://127.0.0.1:6379/9 SECRET_KEY=bench \\
        nice .venv/bin/python bench/reads_benchmark.py --people 1000000 --build     # once: builds the data
    ... bench/reads_benchmark.py --people 1000000 [--runs 10] [--surge-seconds 15] [--csv]

`--build` migrates and fills the database with the shape of the issue, in SQL (`generate_series`, a few
minutes at a million): people (7% withheld: 5% anonymized, 2% private), a detention each, a third released
across 22 events (the biggest with 49,000 people) to 9 destinations, a source on every tenth release. The
name search keys are not built (see bench/search_bench.py for search at a million).

Each case runs `--runs` times through Django's test client (anonymous reader, the page cache off, so the
work itself is timed; summaries cached as in production, and the stats, dashboard and biggest event page also
computed afresh), interleaved with its baseline: one SQL query. For the list API's cases (people and releases, every
filter) the baseline returns the API's whole JSON document (bench/samejson.py: every field, nested lists, the same
visibility rules, the envelope with its `next` cursor), and is checked against the API's response before it is
timed: a baseline that differs stops the run (`--check-baselines` only checks, also with edge rows added in a
rolled-back transaction; `--thin-baselines` also times the thin queries of a few columns that stood for them before,
both in docs/benchmarks.md). A timed response other than 200 stops the run (the throttles are raised for
this process: one client stands for many). Then the
same pages with the read cache on, then a surge: gunicorn started on loopback with docker-compose.yml's
settings, 50 keep-alive connections for `--surge-seconds` per address (by wrk when installed, `apt-get install
wrk`, else a threaded Python client on the same cores), then stopped; `--surge-writes N` has an editor write
through the services every N seconds meanwhile, as on release day (each write makes every cached page stale).
Refuses a database whose name does not start with "tracker_reads" or end in "_reads" or "bench".
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# One test client stands for many readers: the per-address throttles (tracker.middleware's page throttle, DRF's
# anonymous throttle) would answer it 429 after 120 requests a minute, so they are raised for this process (and the
# surge's gunicorn) only; they still count, as in production.
UNTHROTTLED = "1000000/minute"
# An anonymous reader counts under the `user` rate too (tracker/api/throttling.py): past 1,200 a minute, 429.
os.environ["PAGE_THROTTLE_RATE"] = os.environ["ANON_THROTTLE_RATE"] = os.environ["USER_THROTTLE_RATE"] = UNTHROTTLED
# Database connections kept between requests, as docker-compose ships the web processes (the list cases go through
# Django's WSGI handler, which closes a connection older than this at the end of each request).
os.environ.setdefault("CONN_MAX_AGE", "60")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tracker.read_cache import uncached  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import samejson  # noqa: E402
from wsgi_client import WsgiClient  # noqa: E402

EVENTS = 22
BIGGEST = 49_000
BIGGEST_EVENT_SLUG = "synthetic-release-1"  # the first event built holds the BIGGEST people
DESTINATIONS = ["LT", "UA", "PL", "DE", "LV", "US", "GE", "CZ", "FR"]
GIVEN = ["Aliaksandr", "Siarhei", "Dzmitry", "Andrei", "Ivan", "Maryia", "Volha", "Tatsiana", "Natallia", "Yury"]
SURNAMES = ["Ivanou", "Kavaliou", "Novik", "Kazlou", "Lukashevich", "Markevich", "Babko", "Shymanski", "Zhuk", "Bialou"]


DEAL = """
    INSERT INTO releases_sanctionsdeal (id, created_at, updated_at, title, slug, announced_on, sanctioning_party,
        target_country, envoy, counterparty, status, terms, description, uncertain)
    VALUES (1, now(), now(), 'Synthetic deal', 'synthetic-deal', date '2022-01-01', 'US', 'BY', '', 'BY',
        'implemented', '', '', false);
    UPDATE releases_releaseevent SET deal_id = 1"""


def _sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def build(people):
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    for table in (
        "releases_release_sources",
        "releases_release",
        "releases_eventdestination",
        "releases_releaseevent",
        "releases_sanctionsdeal",
        "releases_destination",
        "prisoners_detention",
        "prisoners_prisoner_sources",
        "prisoners_prisoner",
        "prisoners_source",
    ):
        _sql(f"TRUNCATE {table} CASCADE")
    now = "now()"
    codes = ",".join(f"'{code}'" for code in DESTINATIONS)
    given = "ARRAY[" + ",".join(f"'{g}'" for g in GIVEN) + "]"
    surnames = "ARRAY[" + ",".join(f"'{s}'" for s in SURNAMES) + "]"
    # People: names from two lists plus a number, so every name is its own but common words repeat.
    _sql(
        f"""
        INSERT INTO prisoners_prisoner (id, created_at, updated_at, full_name, native_name, citizenship, country,
            gender, birth_date_precision, biography, notes, visibility, status, name_keys, recognition, is_draft)
        SELECT i, {now}, {now}, ({given})[1 + i % 10] || ' ' || ({surnames})[1 + (i / 10) % 10] || ' ' || i, '', 'BY',
            'BY', CASE WHEN i % 3 = 0 THEN 'female' ELSE 'male' END, 'day', '', '',
            CASE WHEN i % 100 < 5 THEN 'anonymized' WHEN i % 100 < 7 THEN 'private' ELSE 'public' END,
            CASE WHEN i % 3 = 0 THEN 'released' ELSE 'held' END, '', '', false
        FROM generate_series(1, {people}) AS i"""
    )
    _sql(
        f"""
        INSERT INTO prisoners_detention (id, created_at, updated_at, detained_on, detained_on_precision, charges,
            court, sentenced_on_precision, sentence, place_of_detention, ended_on_precision, prisoner_id, regime)
        SELECT i, {now}, {now}, date '2020-08-09' + (i % 1500), 'day', '342|130', '', 'day', '', '', 'day', i, ''
        FROM generate_series(1, {people}) AS i"""
    )
    _sql(
        f"""
        INSERT INTO releases_destination (id, created_at, updated_at, country, description)
        SELECT n, {now}, {now}, code, '' FROM unnest(ARRAY[{codes}]) WITH ORDINALITY AS t(code, n)"""
    )
    _sql(f"""
        INSERT INTO releases_releaseevent (id, created_at, updated_at, title, title_en, slug, date, date_precision,
            releasing_countries, kind, reported_count, reported_count_qualifier, envoy, description, uncertain,
            uncertainty_note, end_date_precision, ongoing, is_draft)
        SELECT n, {now}, {now}, 'Synthetic release ' || n, 'Synthetic release ' || n, 'synthetic-release-' || n,
            date '2022-01-01' + n * 40, 'day',
            'BY', 'release', CASE WHEN n = 1 THEN {BIGGEST} ELSE 1000 END, 'exactly', '', '', false, '', 'day', false,
            false
        FROM generate_series(1, {EVENTS}) AS n""")
    # One deal under which every event freed people: its page sums them all.
    _sql(DEAL)
    _sql(f"""
        INSERT INTO releases_eventdestination (event_id, destination_id, reported_count)
        SELECT e, d, 100 FROM generate_series(1, {EVENTS}) AS e, generate_series(1, 3) AS d""")
    # A third released: the first 49,000 released people in event 1, the rest spread over the other events.
    _sql(
        f"""
        INSERT INTO releases_release (id, created_at, updated_at, event_id, date, effective_date, date_precision,
            destination_id, forced_exile, without_documents, travel_ban, speaking_ban, outcome, confidence, notes,
            prisoner_id, freed_at_home, reporting_duty, stripped_of_citizenship, is_draft)
        SELECT r.n, {now}, {now}, r.event, NULL, date '2022-01-01' + r.event * 40, 'day',
            CASE WHEN r.n % 10 = 0 THEN NULL ELSE 1 + r.n % {len(DESTINATIONS)} END, r.n % 2 = 0, false, false, false,
            'freed', 'confirmed', '', r.n * 3, false, false, false, false
        FROM (SELECT n, CASE WHEN n <= {BIGGEST} THEN 1 ELSE 2 + n % {EVENTS - 1} END AS event
              FROM generate_series(1, {people // 3}) AS n) AS r"""
    )
    _sql(f"""
        INSERT INTO prisoners_source (id, created_at, updated_at, link, title, publisher, kind, archived_link)
        SELECT n, {now}, {now}, 'https://example.org/report/' || n, 'Report ' || n, 'Synthetic', 'news', ''
        FROM generate_series(1, 1000) AS n""")
    _sql(
        f"""
        INSERT INTO releases_release_sources (release_id, source_id)
        SELECT n, 1 + n % 1000 FROM generate_series(10, {people // 3}, 10) AS n"""
    )
    for table in (
        "prisoners_prisoner",
        "prisoners_detention",
        "releases_release",
        "releases_releaseevent",
        "releases_destination",
        "prisoners_source",
    ):
        _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        connection.ensure_connection()
        old = connection.connection.autocommit
        connection.connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
        connection.connection.autocommit = old
    print(f"built {people:,} people in {time.perf_counter() - started:.0f} s", flush=True)


def pct(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_pair(project, baseline, runs, *others):
    """Run project and baseline (and any `others`) alternately; (project ms list, baseline ms list, others' lists)."""
    mine, base, more = [], [], [[] for _ in others]
    for _ in range(runs):
        started = time.perf_counter()
        project()
        mine.append((time.perf_counter() - started) * 1000)
        if baseline is not None:
            started = time.perf_counter()
            baseline()
            base.append((time.perf_counter() - started) * 1000)
        for other, times in zip(others, more, strict=True):
            started = time.perf_counter()
            other()
            times.append((time.perf_counter() - started) * 1000)
    return (mine, base, *more)


class NotOk(RuntimeError):
    """A timed response that is not 200: the run stops, its figures would time an error page."""


def ok(response, url):
    if response.status_code != 200:
        body = b"" if response.streaming else response.content[:200]
        raise NotOk(f"{url} answered {response.status_code}, not 200: {body!r}")
    return response


def get(client, url, **extra):
    def run():
        response = ok(client.get(url, **extra), url)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        else:
            len(response.content)

    return run


def fresh(run):
    """`run` with every cached summary computed afresh (tracker.read_cache.uncached)."""

    def inner():
        with uncached():
            run()

    return inner


def through_serializer(run):
    """`run` with the list rows made by the serializer per row, as before `*/api/list_rows.py` (people, releases)."""
    from people.api.views import PrisonerViewSet
    from releases.api.views import ReleaseViewSet

    def inner():
        PrisonerViewSet.rows_from_values = ReleaseViewSet.rows_from_values = False
        try:
            run()
        finally:
            PrisonerViewSet.rows_from_values = ReleaseViewSet.rows_from_values = True

    return inner


def related_one_by_one(run):
    """`run` with a page's related queries sent one by one (a round trip each), as before
    `tracker.api.prepared.rows_together` sent them as one statement."""
    from tracker.api import prepared

    class EachAlone(dict):
        def get(self, key, default=None):
            return False  # "these run each on its own"

    def inner():
        kept, prepared._together = prepared._together, EachAlone()
        try:
            run()
        finally:
            prepared._together = kept

    return inner


def query(statement, params=None):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()

    return run


VISIBLE = "p.visibility <> 'private' AND NOT p.is_draft"
PEOPLE_PAGE = f"""SELECT json_agg(t) FROM (SELECT p.id, CASE WHEN p.visibility = 'public' THEN p.full_name
    ELSE 'Name withheld' END AS name, p.status, p.country FROM prisoners_prisoner p WHERE {VISIBLE}
    ORDER BY CASE WHEN p.visibility = 'public' THEN p.full_name ELSE 'Name withheld' END, p.id LIMIT 50 OFFSET %s) t"""
RELEASES_PAGE = f"""SELECT json_agg(t) FROM (SELECT r.id, r.effective_date, r.outcome, p.id AS pid, CASE WHEN
    p.visibility = 'public' THEN p.full_name ELSE 'Name withheld' END AS name, e.slug, d.country
    FROM releases_release r JOIN prisoners_prisoner p ON p.id = r.prisoner_id
    LEFT JOIN releases_releaseevent e ON e.id = r.event_id LEFT JOIN releases_destination d ON d.id = r.destination_id
    WHERE {VISIBLE} AND NOT r.is_draft ORDER BY r.effective_date DESC, r.id LIMIT 50) t"""
EVENT_PEOPLE = f"""SELECT json_agg(t) FROM (SELECT r.id, p.id AS pid, CASE WHEN p.visibility = 'public'
    THEN p.full_name ELSE 'Name withheld' END AS name, d.country FROM releases_release r
    JOIN prisoners_prisoner p ON p.id = r.prisoner_id LEFT JOIN releases_destination d ON d.id = r.destination_id
    WHERE r.event_id = 1 AND {VISIBLE} AND NOT r.is_draft
    ORDER BY (p.visibility <> 'public'), CASE WHEN p.visibility = 'public' THEN p.full_name ELSE '' END, p.id
    LIMIT 50) t"""


def people_page(where="", order="CASE WHEN p.visibility = 'public' THEN p.full_name ELSE 'Name withheld' END, p.id"):
    """The people list's first page with a filter (`where`, SQL on `p`) and an order, as one query."""
    return f"""SELECT json_agg(t) FROM (SELECT p.id, CASE WHEN p.visibility = 'public' THEN p.full_name
    ELSE 'Name withheld' END AS name, p.status, p.country FROM prisoners_prisoner p WHERE {VISIBLE} {where}
    ORDER BY {order} LIMIT 50) t"""


def releases_page(where="", keyset=None):
    """The releases list's first page with a filter (`where`, SQL on `r`), or the page after `keyset` (a date
    and an id, as the `next` link's cursor), as one query."""
    if keyset:
        day, rid = keyset
        where += (
            f" AND r.effective_date <= '{day}' AND (r.effective_date < '{day}' OR (r.effective_date = '{day}'"
            f" AND r.id > {rid}))"
        )
    return RELEASES_PAGE.replace("NOT r.is_draft ORDER BY", f"NOT r.is_draft {where} ORDER BY")


def _keyset(url):
    """The (date, id) a releases `next` link's cursor starts after."""
    import base64
    import json
    from urllib.parse import parse_qs, urlsplit

    cursor = parse_qs(urlsplit(url).query)["cursor"][0]
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["v"]


# Every filter of the lists (issue 16, must-have 2): each with the one statement returning the API's whole document
# (bench/samejson.py, checked against the API before it is timed) and the thin query that stood for it before (a few
# columns of the same rows, `--thin-baselines`).
RELEASED_TO_UA = "EXISTS (SELECT 1 FROM releases_release r WHERE r.prisoner_id = p.id AND NOT r.is_draft AND {})"
SECOND_EVENT = "synthetic-release-2"
FILTER_CASES = [
    (
        "`/api/v1/prisoners/?status=released`",
        "/api/v1/prisoners/?status=released",
        people_page("AND p.status = 'released'"),
        samejson.people_document("/api/v1/prisoners/?status=released", "AND p.status = 'released'"),
    ),
    (
        "`/api/v1/prisoners/?country=BY`",
        "/api/v1/prisoners/?country=BY",
        people_page("AND p.country = 'BY'"),
        samejson.people_document("/api/v1/prisoners/?country=BY", "AND p.country = 'BY'"),
    ),
    (
        "`/api/v1/prisoners/?release_event=<an event>`",
        f"/api/v1/prisoners/?release_event={SECOND_EVENT}",
        people_page("AND " + RELEASED_TO_UA.format("r.event_id = 2")),
        samejson.people_document(
            f"/api/v1/prisoners/?release_event={SECOND_EVENT}",
            samejson.released_where(f"r.event_id = {samejson.event_id(SECOND_EVENT)}"),
        ),
    ),
    (
        "`/api/v1/prisoners/?destination=UA`",
        "/api/v1/prisoners/?destination=UA",
        people_page("AND " + RELEASED_TO_UA.format("r.destination_id = 2")),
        samejson.people_document(
            "/api/v1/prisoners/?destination=UA",
            samejson.released_where("d.country = 'UA'", join="JOIN releases_destination d ON d.id = r.destination_id"),
        ),
    ),
    (
        "`/api/v1/prisoners/?search=Ivanou` (name keys not built here: no rows; bench/search_bench.py)",
        "/api/v1/prisoners/?search=Ivanou",
        people_page("AND p.full_name ILIKE '%Ivanou%'"),
        samejson.search_document("/api/v1/prisoners/?search=Ivanou", "Ivanou"),
    ),
    (
        "`/api/v1/prisoners/?ordering=-id`",
        "/api/v1/prisoners/?ordering=-id",
        people_page(order="p.id DESC"),
        samejson.people_document("/api/v1/prisoners/?ordering=-id", order="-id"),
    ),
    (
        "`/api/v1/prisoners/?ordering=status`",
        "/api/v1/prisoners/?ordering=status",
        people_page(order="p.status, p.id"),
        samejson.people_document("/api/v1/prisoners/?ordering=status", order="status"),
    ),
    (
        "`/api/v1/releases/?release_event=<an event>`",
        f"/api/v1/releases/?release_event={SECOND_EVENT}",
        releases_page("AND r.event_id = 2"),
        samejson.releases_document(
            f"/api/v1/releases/?release_event={SECOND_EVENT}", f"AND r.event_id = {samejson.event_id(SECOND_EVENT)}"
        ),
    ),
    (
        "`/api/v1/releases/?destination=UA`",
        "/api/v1/releases/?destination=UA",
        releases_page("AND d.country = 'UA'"),
        samejson.releases_document("/api/v1/releases/?destination=UA", "AND d.country = 'UA'"),
    ),
    (
        "`/api/v1/releases/?outcome=freed`",
        "/api/v1/releases/?outcome=freed",
        releases_page("AND r.outcome = 'freed'"),
        samejson.releases_document("/api/v1/releases/?outcome=freed", "AND r.outcome = 'freed'"),
    ),
    (
        "`/api/v1/releases/?ordering=id`",
        "/api/v1/releases/?ordering=id",
        RELEASES_PAGE.replace("r.effective_date DESC, r.id", "r.id"),
        samejson.releases_document("/api/v1/releases/?ordering=id", order="id"),
    ),
]


class ListCase:
    """A list API case: its URL, the one statement returning the API's whole document for it (`document`, checked
    by `check` before it is timed) and the thin query of a few columns that stood for it before (`thin`)."""

    def __init__(self, client, url, document, thin, wrap=None):
        self.client, self.url, self.document, self.thin, self.wrap = client, url, document, thin, wrap
        self.params = self.parameters()
        # Every path reads an event's title in the reader's language (`title_en` here, as the services store it).
        self.ignored = ()
        self.ignored_note = ""

    @staticmethod
    def parameters():
        """The baselines' parameters: code constants, and the ids of the sources hidden from the public (the API
        reads them from its cache of summaries; here computed once, before the timing, as a warm cache has them)."""
        return {**samejson.constants(), "hidden_sources": samejson.hidden_sources()}

    def project(self):
        run = get(self.client, self.url)
        return self.wrap(run) if self.wrap else run

    def baseline(self):
        return query(self.document, self.params)

    def thin_baseline(self):
        return query(self.thin)

    def check(self):
        """None when the baseline returns the API's document, else where they first differ."""
        response = {}

        def fetch():
            response["body"] = ok(self.client.get(self.url), self.url).content

        (self.wrap(fetch) if self.wrap else fetch)()
        params = self.parameters()  # afresh: the data may have changed since (the edge rows of --check-baselines)
        documents = [self.document]
        if "%(hidden_sources)s" in self.document:  # and with the hidden sources computed in the query
            documents.append(samejson.with_hidden_in_query(self.document))
        for document in documents:
            difference = samejson.check(response["body"], samejson.run(document, params), ignored=self.ignored)
            if difference:
                return difference + (" (hidden sources computed in the query)" if document is not self.document else "")
        return None


class BaselineDiffers(RuntimeError):
    """A baseline that no longer returns the API's document: its figures would compare the API with something else."""


STATS = """SELECT json_agg(t) FROM (SELECT date_trunc('month', r.effective_date) AS month, count(*) FROM
    releases_release r JOIN prisoners_prisoner p ON p.id = r.prisoner_id WHERE r.outcome IN ('freed',
    'freed_conditionally') AND NOT r.is_draft AND NOT p.is_draft GROUP BY 1) t"""
# Named people freed per event: what the lists of events and deals show and sort by.
EVENTS_LIST = """SELECT json_agg(t) FROM (SELECT e.slug, e.reported_count, count(r.id) AS named
    FROM releases_releaseevent e LEFT JOIN releases_release r ON r.event_id = e.id
    AND r.outcome IN ('freed', 'freed_conditionally') AND NOT r.is_draft GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 50) t"""
DASHBOARD = """SELECT json_agg(t) FROM (SELECT d.country, count(*) FROM releases_release r
    JOIN releases_destination d ON d.id = r.destination_id GROUP BY 1) t"""


def cases(people):
    """[(label, project, baseline, ListCase or None)]: the list API's cases carry their same-JSON check."""
    client = Client()
    deep = ok(client.get("/api/v1/releases/", {"page": max(1, min(1900, people // 3 * 9 // 10 // 50 - 2))}), "deep")
    deep = deep.json()
    cursor_url = deep["next"].replace("http://testserver", "")

    wsgi = WsgiClient()  # the list cases as gunicorn calls Django (bench/wsgi_client.py)

    def listed(label, url, document, thin, wrap=None, through=wsgi):
        case = ListCase(through, url, document, thin, wrap=wrap)
        return (label, case.project(), case.baseline(), case)

    first_people = samejson.people_document("/api/v1/prisoners/")
    first_releases = samejson.releases_document("/api/v1/releases/")
    listed_cases = [
        listed("`/api/v1/prisoners/` first page", "/api/v1/prisoners/", first_people, PEOPLE_PAGE % 0),
        listed(
            "`/api/v1/prisoners/` first page, through Django's test client (as timed before)",
            "/api/v1/prisoners/",
            first_people,
            PEOPLE_PAGE % 0,
            through=client,
        ),
        listed(
            "`/api/v1/prisoners/` first page, rows by the serializer (before)",
            "/api/v1/prisoners/",
            first_people,
            PEOPLE_PAGE % 0,
            wrap=through_serializer,
        ),
        listed(
            "`/api/v1/prisoners/` first page, related queries one by one (before)",
            "/api/v1/prisoners/",
            first_people,
            PEOPLE_PAGE % 0,
            wrap=related_one_by_one,
        ),
        listed(
            "`/api/v1/prisoners/?page=2000`",
            "/api/v1/prisoners/?page=2000",
            samejson.people_document("/api/v1/prisoners/?page=2000", page=2000),
            PEOPLE_PAGE % 99950,
        ),
        listed(
            "`/api/v1/releases/` deep page by `cursor`",
            cursor_url,
            samejson.releases_document(cursor_url, keyset=_keyset(cursor_url)),
            releases_page(keyset=_keyset(cursor_url)),
        ),
        listed("`/api/v1/releases/`", "/api/v1/releases/", first_releases, RELEASES_PAGE),
        listed(
            "`/api/v1/releases/`, through Django's test client (as timed before)",
            "/api/v1/releases/",
            first_releases,
            RELEASES_PAGE,
            through=client,
        ),
        listed(
            "`/api/v1/releases/`, rows by the serializer (before)",
            "/api/v1/releases/",
            first_releases,
            RELEASES_PAGE,
            wrap=through_serializer,
        ),
        listed(
            "`/api/v1/releases/`, related queries one by one (before)",
            "/api/v1/releases/",
            first_releases,
            RELEASES_PAGE,
            wrap=related_one_by_one,
        ),
    ]
    filters = [listed(label, url, document, thin) for label, url, thin, document in FILTER_CASES]
    return (
        listed_cases
        + [
            (*case, None)
            for case in [
                ("`/api/v1/stats/` computed afresh", fresh(get(client, "/api/v1/stats/")), query(STATS)),
                ("`/api/v1/stats/` (summaries cached, page cache off)", get(client, "/api/v1/stats/"), query(STATS)),
                (
                    "`/api/v1/release-events/<biggest>/`",
                    get(client, "/api/v1/release-events/synthetic-release-1/"),
                    query(EVENT_PEOPLE),
                ),
                (
                    "`/api/v1/destinations/UA/`",
                    get(client, "/api/v1/destinations/UA/"),
                    query(EVENT_PEOPLE.replace("r.event_id = 1", "r.destination_id = 2")),
                ),
                ("`/api/v1/deals/<all events>/`", get(client, "/api/v1/deals/synthetic-deal/"), query(EVENT_PEOPLE)),
                ("page `/deals/<all events>/`", get(client, "/deals/synthetic-deal/"), query(EVENT_PEOPLE)),
                ("page `/countries/BY/`", get(client, "/countries/BY/"), query(DASHBOARD)),
                ("page `/releases/` (events list)", get(client, "/releases/"), query(EVENTS_LIST)),
                ("page `/deals/` (deals list)", get(client, "/deals/"), query(EVENTS_LIST)),
                ("page `/destinations/` (destinations list)", get(client, "/destinations/"), query(DASHBOARD)),
                ("`/api/v1/release-events/` (events list)", get(client, "/api/v1/release-events/"), query(EVENTS_LIST)),
                ("page `/releases/<biggest>/`", get(client, "/releases/synthetic-release-1/"), query(EVENT_PEOPLE)),
                (
                    "page `/releases/<biggest>/` computed afresh",
                    fresh(get(client, "/releases/synthetic-release-1/")),
                    query(EVENT_PEOPLE),
                ),
                (
                    "page `/destinations/UA/`",
                    get(client, "/destinations/UA/"),
                    query(EVENT_PEOPLE.replace("r.event_id = 1", "r.destination_id = 2")),
                ),
                ("page `/` computed afresh", fresh(get(client, "/")), query(DASHBOARD)),
                ("page `/` (summaries cached, page cache off)", get(client, "/"), query(DASHBOARD)),
                ("page `/prisoners/` (capped count)", get(client, "/prisoners/"), query(PEOPLE_PAGE % 0)),
            ]
        ]
        + filters
    )


# The people CSV's columns as one hand-written query: the same rows, order and visibility rules (a withheld
# person's name replaced, their other fields outside the allow-list blank), plain values.
CSV_COPY = f"""COPY (SELECT p.id, 'http://testserver/prisoners/' || p.id || '/',
    CASE WHEN p.visibility = 'public' THEN p.full_name ELSE 'Name withheld' END, p.visibility <> 'public',
    CASE WHEN p.visibility = 'public' THEN NULLIF(p.native_name, '') END,
    CASE WHEN p.visibility = 'public' THEN v.names END, p.status, NULLIF(p.country, ''),
    replace(p.citizenship, ',', '|'), p.gender, CASE WHEN p.visibility = 'public' THEN p.birth_date END,
    d.detained_on, d.charges, CASE WHEN p.visibility = 'public' THEN NULLIF(d.sentence, '') END, d.sentence_months,
    CASE WHEN p.visibility = 'public' THEN NULLIF(d.place_of_detention, '') END, r.effective_date, r.slug,
    r.country, r.title, r.date, CASE WHEN p.visibility = 'public' THEN s.links END
    FROM prisoners_prisoner p
    LEFT JOIN (SELECT prisoner_id, string_agg(name, '|' ORDER BY name) AS names FROM prisoners_namevariant
        GROUP BY 1) v ON v.prisoner_id = p.id
    LEFT JOIN (SELECT DISTINCT ON (prisoner_id) prisoner_id, detained_on, charges, sentence, sentence_months,
        place_of_detention FROM prisoners_detention ORDER BY prisoner_id, detained_on DESC NULLS FIRST, id DESC
        ) d ON d.prisoner_id = p.id
    LEFT JOIN (SELECT DISTINCT ON (r.prisoner_id) r.prisoner_id, r.effective_date, e.slug, e.title, e.date,
        ds.country FROM releases_release r JOIN releases_releaseevent e ON e.id = r.event_id
        LEFT JOIN releases_destination ds ON ds.id = r.destination_id WHERE NOT r.is_draft AND NOT e.is_draft
        ORDER BY r.prisoner_id, r.effective_date DESC NULLS LAST, r.id DESC) r ON r.prisoner_id = p.id
    LEFT JOIN (SELECT ps.prisoner_id, string_agg(s.link, '|' ORDER BY s.id) AS links
        FROM prisoners_prisoner_sources ps JOIN prisoners_source s ON s.id = ps.source_id GROUP BY 1
        ) s ON s.prisoner_id = p.id
    WHERE {VISIBLE}
    ORDER BY CASE WHEN p.visibility = 'public' THEN p.full_name ELSE 'Name withheld' END, p.id)
    TO STDOUT WITH CSV"""


def csv_case(runs=2):
    """The whole people CSV through the API, and COPY of the same columns, interleaved `runs` times."""
    client = Client()
    warm = client.get("/api/v1/prisoners/", {"format": "csv", "release_event": "synthetic-release-2"})
    b"".join(warm.streaming_content)  # summaries (the sources hidden from the public) cached as in production
    projects, copies = [], []
    for _run in range(runs):
        started = time.perf_counter()
        response = ok(client.get("/api/v1/prisoners/", {"format": "csv"}), "the people CSV")
        size, last = 0, b""
        for chunk in response.streaming_content:
            size += len(chunk)
            last = chunk[-80:]
        projects.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor, open(os.devnull, "w") as sink:
            cursor.copy_expert(CSV_COPY, sink)
        copies.append(time.perf_counter() - started)
    return projects, copies, size, last.decode(errors="replace").strip().splitlines()[-1]


def _editor(every, stop):
    """An editor writing through the services every `every` seconds during the surge (release day: each write
    turns every cached page stale and the aggregates are computed again): in turn a new person, and a release
    of a person still held into the biggest event (the page under load), both public."""
    import random

    from prisoners import services as prisoner_services
    from prisoners.models import Prisoner, PrisonerStatus
    from releases import services as release_services
    from releases.models import ReleaseEvent

    event = ReleaseEvent.objects.get(slug=BIGGEST_EVENT_SLUG)
    top = Prisoner.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = 0
    while not stop.wait(every):
        count += 1
        if count % 2:
            prisoner_services.create_prisoner(full_name=f"Synthetic Surge Person {time.time_ns()}", country="BY")
            continue
        held = (
            Prisoner.objects.filter(
                pk__gte=random.randint(1, max(top, 1)), visibility="public", status=PrisonerStatus.SENTENCED
            )
            .order_by("pk")
            .first()
        )
        if held is not None:
            release_services.record_release(prisoner=held, event=event, destination="LT")
    connection.close()
    return count


# Run in a source tree of its own (this one, or `--surge-baseline`'s): the work that a write leaves to the readers.
_REFRESH_SCRIPT = """
import json, sys, time, django
django.setup()
from django.conf import settings
settings.READ_CACHE_PAGE_SECONDS = 0
settings.READ_CACHE_SUMMARY_SECONDS = 3600
settings.READ_CACHE_BACKGROUND_REFRESH = False
settings.READ_CACHE_SUMMARY_REFRESH_SECONDS = 0
settings.ALLOWED_HOSTS = ["*"]
settings.PAGE_THROTTLE_RATE = None
from django.core.cache import cache
from django.db import connection
from django.test import Client
from tracker.read_cache import bump_records_version
with connection.cursor() as cursor:
    cursor.execute("SET max_parallel_workers_per_gather = 0")  # as the background refresh plans
urls, rounds = json.loads(sys.argv[1]), int(sys.argv[2])
cache.clear()
client = Client()
for url in urls:
    client.get(url)
times = []
for _ in range(rounds):
    bump_records_version(visibility=False)
    started = time.perf_counter()
    for url in urls:
        assert client.get(url).status_code == 200, url
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def refresh_cost(urls, rounds, tree=ROOT):
    """Milliseconds to serve `urls` once after a write that changed nobody's view, every summary due and computed
    in process (the page cache off): what a stream of writes makes the server recompute, per round."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", _REFRESH_SCRIPT, json.dumps(urls), str(rounds)],
        cwd=tree,
        env=dict(os.environ, PYTHONPATH=str(tree), DJANGO_SETTINGS_MODULE="tracker.settings"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# What gunicorn's access log says of each request (`--surge-access-log`): method, how the read cache answered,
# status, path, and the time in the worker in microseconds.
ACCESS_LOG_FORMAT = "%(M)s %({x-read-cache}o)s %(s)s %(U)s %(D)s"


def surge(urls, seconds, connections=50, write_every=0.0, tree=ROOT, languages=False, access_log=""):
    port = _free_port()
    env = dict(
        os.environ,
        CONN_MAX_AGE="60",
        READ_CACHE_PAGE_SECONDS="300",
        DEBUG="0",
        PAGE_THROTTLE_RATE=UNTHROTTLED,
        ANON_THROTTLE_RATE=UNTHROTTLED,
        USER_THROTTLE_RATE=UNTHROTTLED,
    )
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "tracker.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        "--timeout",
        "30",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    if access_log:
        command += ["--access-logfile", access_log, "--access-logformat", ACCESS_LOG_FORMAT]
    server = subprocess.Popen(command, cwd=tree, env=dict(env, PYTHONPATH=str(tree)))
    try:
        _wait(port)
        results = {}
        load = _load_wrk if shutil.which("wrk") else _load
        for url in urls:
            _load(port, url, 2, 4, languages)  # warm the cache
            stop, writes = threading.Event(), []
            editor = threading.Thread(target=lambda w=writes, s=stop: w.append(_editor(write_every, s)), daemon=True)
            if write_every:
                editor.start()
            try:
                results[url] = load(port, url, seconds, connections, languages)
            finally:
                stop.set()
                if write_every:
                    editor.join()
            results[url]["writes"] = writes[0] if writes else 0
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests still running after 30 s (the herd after a write): stop them
            server.kill()
            server.wait()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(text):
    number, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


# Release day's readers arrive in four languages: a page's path in each (no prefix is English).
LANGUAGE_PREFIXES = ("", "/be", "/ru", "/uk")


def _paths(url, languages):
    """`url`, or with `languages` the same page in each language in turn."""
    return [f"{prefix}{url}" for prefix in LANGUAGE_PREFIXES] if languages else [url]


def _load_wrk(port, url, seconds, connections, languages=False):
    """The surge by wrk (a C load generator, `apt-get install wrk`): the client takes little of the two cores,
    so the figures are the server's; without wrk the threaded Python client below stands in (and, holding a
    core itself, understates the server). With `languages`, each connection asks for the page in each language
    in turn (a Lua script of wrk's)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if languages:
            paths = ", ".join(f'"{path}"' for path in _paths(url, languages))
            script.write(
                f"local paths = {{{paths}}}\nlocal i = 0\n"
                'request = function()\n  i = i + 1\n  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n'
            )
            script.flush()
            command += ["-s", script.name]
        out = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True
        ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if "99" not in percentiles:
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)),
        "p50": _wrk_ms(percentiles["50"]),
        "p99": _wrk_ms(percentiles["99"]),
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
        "client": "wrk",
    }


def _load(port, url, seconds, connections, languages=False):
    latencies, errors, stop = [], [0], time.monotonic() + seconds
    paths = _paths(url, languages)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        turn = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            turn += 1
            try:
                conn.request("GET", paths[turn % len(paths)])
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    if not latencies:
        return {"rps": 0, "p50": None, "p99": None, "errors": errors[0]}
    return {
        "rps": len(latencies) / elapsed,
        "p50": pct(latencies, 0.5),
        "p99": pct(latencies, 0.99),
        "errors": errors[0],
        "client": "python threads",
    }


def _ms(times):
    return f"{pct(times, 0.5):.1f} / {pct(times, 0.95):.1f}"


def _ratio(mine, base):
    return f"{pct(mine, 0.95) / max(pct(base, 0.95), 0.01):.2f}x"


def check_baselines(all_cases, only=""):
    """Check every list case's baseline (`ListCase.check`) and print the outcome, on the data as built and once more
    with `samejson.EDGE_ROWS` added in a transaction rolled back after (summaries computed afresh meanwhile, so
    nothing cached before them is served); 0 when every baseline returns the API's JSON."""
    from django.db import transaction

    listed = [
        (label, case)
        for label, _project, _baseline, case in all_cases
        if case is not None and (not only or any(part in label for part in only.split("|")))
    ]
    failed = 0
    for data in ("as built", "with the edge rows"):
        with transaction.atomic():
            if data != "as built":
                samejson.add_edge_rows()
            with uncached():
                for label, case in listed:
                    difference = case.check()
                    failed += bool(difference)
                    outcome = f"DIFFERS: {label}: {difference}" if difference else f"same JSON: {label}"
                    print(f"{data}: {outcome}" + (f" ({case.ignored_note})" if case.ignored_note else ""), flush=True)
            transaction.set_rollback(True)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--build", action="store_true", help="(re)build the data first")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--surge-seconds", type=int, default=15)
    parser.add_argument("--csv", action="store_true", help="time the whole people CSV against COPY")
    parser.add_argument("--surge-only", action="store_true", help="only the surge run")
    parser.add_argument(
        "--surge-baseline",
        default="",
        help="first run the surge with gunicorn serving another source tree (e.g. `git archive <commit>`)",
    )
    parser.add_argument(
        "--surge-writes", type=float, default=0.0, help="during the surge, a write through the services every N s"
    )
    parser.add_argument(
        "--refresh-rounds",
        type=int,
        default=0,
        help="time serving `/` and the biggest event page in four languages after a write, summaries due (N rounds;"
        " next to --surge-baseline's tree when given)",
    )
    parser.add_argument(
        "--surge-repeat",
        type=int,
        default=1,
        help="run the surge N times, the trees alternating (before, now, before, now...), each run's figures printed",
    )
    parser.add_argument(
        "--surge-access-log",
        default="",
        help="gunicorn's access log of the surge to this file (one per tree: `.before`, `.now` appended)",
    )
    parser.add_argument(
        "--surge-languages", action="store_true", help="during the surge, each page asked for in all four languages"
    )
    parser.add_argument(
        "--only",
        default="",
        help="only the cases whose label contains this text, or one of several: 'a|b' (no cached runs)",
    )
    parser.add_argument(
        "--check-baselines",
        action="store_true",
        help="only check that each list case's baseline returns the API's JSON document (bench/samejson.py), then stop",
    )
    parser.add_argument(
        "--thin-baselines",
        action="store_true",
        help="also time, next to each list case, the thin query of a few columns that stood for it before",
    )
    args = parser.parse_args()
    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" or not (
        name.startswith("tracker_reads") or name.endswith("bench") or name.endswith("_reads")
    ):
        sys.exit(f"refusing database {name!r}: PostgreSQL named tracker_reads*, *_reads or *bench only")
    if args.build:
        build(args.people)
    if args.surge_only:
        args.runs, args.csv = 0, False
    settings.READ_CACHE_PAGE_SECONDS = 0  # the work itself; summaries cached as in production
    settings.READ_CACHE_SUMMARY_SECONDS = 3600
    cache.clear()
    if args.check_baselines:
        sys.exit(check_baselines(cases(args.people), args.only))
    rows = []
    for label, project, baseline, listed in cases(args.people) if args.runs else []:
        if args.only and not any(part in label for part in args.only.split("|")):
            continue
        project()  # warm
        if listed is not None:  # the baseline must return the API's document, or its figures compare nothing
            difference = listed.check()
            if difference:
                raise BaselineDiffers(f"{label}: the baseline's JSON differs from the API's at {difference}")
        thin = [listed.thin_baseline()] if listed is not None and args.thin_baselines else []
        mine, base, *thin_times = timed_pair(project, baseline, args.runs, *thin)
        rows.append((label, mine, base, thin_times[0] if thin_times else None))
        print(
            f"{label}: {pct(mine, 0.5):.1f} / {pct(mine, 0.95):.1f} ms  vs  {pct(base, 0.5):.1f} / "
            f"{pct(base, 0.95):.1f} ms" + (f"  (thin {_ms(thin_times[0])} ms)" if thin_times else ""),
            flush=True,
        )
    settings.READ_CACHE_PAGE_SECONDS = 300
    settings.READ_CACHE_SUMMARY_SECONDS = 3600
    cache.clear()
    cached = []
    cached_urls = ("/", "/api/v1/stats/", "/releases/synthetic-release-1/", "/api/v1/prisoners/")
    for url in cached_urls if args.runs and not args.only else []:
        run = get(Client(), url)
        run()
        times, _ = timed_pair(run, None, args.runs)
        cached.append((url, times))
    print(
        "\n| case | project p50 / p95 ms | one query p50 / p95 ms (lists: the same JSON) | ratio p95 |"
        + (" thin query p50 / p95 ms | ratio p95 to thin |" if args.thin_baselines else "")
    )
    print("|---|---|---|---|" + ("---|---|" if args.thin_baselines else ""))
    for label, mine, base, thin in rows:
        line = f"| {label} | {_ms(mine)} | {_ms(base)} | {_ratio(mine, base)} |"
        if args.thin_baselines:
            line += f" {_ms(thin)} | {_ratio(mine, thin)} |" if thin else " | |"
        print(line)
    print("\n| cached (anonymous, read cache on) | p50 / p95 ms |\n|---|---|")
    for url, times in cached:
        print(f"| `{url}` | {pct(times, 0.5):.2f} / {pct(times, 0.95):.2f} |")
    if args.csv:
        projects, copies, size, last = csv_case()
        print(
            f"\nCSV of all visible people: {' / '.join(f'{t:.1f}' for t in projects)} s ({size / 1e6:.0f} MB, "
            f"last line {last!r}); COPY of the same columns: {' / '.join(f'{t:.1f}' for t in copies)} s; "
            f"ratio {min(projects) / min(copies):.1f}x (best of each)"
        )
    if args.refresh_rounds:
        pages = [f"{prefix}{url}" for url in ("/", f"/releases/{BIGGEST_EVENT_SLUG}/") for prefix in LANGUAGE_PREFIXES]
        trees = [("before", Path(args.surge_baseline).resolve())] if args.surge_baseline else []
        print("\n| after a write, every summary due: `/` and the biggest event page in 4 languages | ms per round |")
        print("|---|---|")
        for _turn in range(2):  # alternately, so that both see the same moments of the machine
            for name, tree in trees + [("now", ROOT)]:
                times = refresh_cost(pages, args.refresh_rounds, tree)
                print(f"| {name} | {', '.join(f'{t:,.0f}' for t in times)} |", flush=True)
    if args.surge_seconds:
        trees = [("before", Path(args.surge_baseline).resolve())] if args.surge_baseline else []
        results, logs = {}, []
        for turn in range(1, args.surge_repeat + 1):
            for name, tree in trees + [("now", ROOT)]:
                label = name if args.surge_repeat == 1 else f"{name}, run {turn}"
                log = f"{args.surge_access_log}.{name}" if args.surge_access_log else ""
                if log and args.surge_repeat > 1:
                    log += f".{turn}"
                for url, r in surge(
                    ["/", "/releases/synthetic-release-1/"],
                    args.surge_seconds,
                    write_every=args.surge_writes,
                    tree=tree,
                    languages=args.surge_languages,
                    access_log=log,
                ).items():
                    results[f"`{url}` ({label})" if trees or args.surge_repeat > 1 else f"`{url}`"] = r
                if log:
                    logs.append((label, log))
        languages = ", each page in be, ru, uk and en in turn" if args.surge_languages else ""
        print(
            f"\n| surge: 50 connections, gunicorn 2 gthread workers x 8{languages} | client | writes | req/s | p50 ms "
            "| p99 ms | errors |"
        )
        print("|---|---|---|---|---|---|---|")
        for url, r in results.items():
            print(
                f"| {url} | {r['client']} | {r['writes']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} "
                f"| {r['errors']} |"
            )
        if logs:
            print("\n| time in the worker (access log), by how the cache answered | page | answers | p50 ms | p99 ms |")
            print("|---|---|---|---|---|")
            for label, log in logs:
                for (page, how), times in sorted(_answers(log).items()):
                    p50, p99 = pct(times, 0.5), pct(times, 0.99)
                    print(f"| {label}: {how} | {page} | {len(times):,} | {p50:.1f} | {p99:.1f} |")


def _answers(log):
    """(page, how the read cache answered) -> times in the worker in ms, from a surge's access log."""
    answers = {}
    with open(log) as lines:
        for line in lines:
            fields = line.split()
            if len(fields) < 5 or not fields[4].isdigit():
                continue
            page = "event" if "/releases/" in fields[3] else "/"
            answers.setdefault((page, fields[1]), []).append(int(fields[4]) / 1000)
    return answers


if __name__ == "__main__":
    main()
