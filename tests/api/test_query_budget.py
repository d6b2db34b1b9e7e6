"""Every list and detail runs a fixed number of queries, whatever the page size (no N+1)."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from rest_framework.test import APIClient

from prisoners.models import Detention, Prisoner, ReportedValue
from releases.models import Release, ReleaseEvent, SanctionsDeal

pytestmark = pytest.mark.django_db

PEOPLE = 110
EVENT = "budget-event"


@pytest.fixture
def crowd(build):
    """110 people, each with name variants, a detention, a release (to LT or UA) and sources."""
    deal = build.deal("Budget deal", slug="budget-deal")
    event = build.event("Budget event", slug=EVENT, deal=deal, destination_counts={"LT": 50, "UA": 60})
    for n in range(PEOPLE):
        source = build.source(f"https://example.org/budget/{n}", title=f"Report {n}")
        person = build.prisoner(
            f"Budget Person {n:03d}",
            name_variants=[f"Budget Variant {n}", f"Budget Alias {n}"],
            visibility="anonymized" if n % 10 == 0 else "public",
            sources=[source],
        )
        build.detention(person, detained_on=date(2021, 1, 1), charges="342", sources=[source])
        build.release(person, event=event, destination="LT" if n % 2 else "UA", sources=[source])
        ReportedValue.objects.create(record=person, field="birth_date", value=str(1970 + n % 30), source=source)
    return event


POSTGRES = connection.vendor == "postgresql"


# Queries per request: the page's rows, then one per prefetched relation (never one per row).
LISTS = {
    # Rows from plain values (people/api/list_rows.py): the page of people, then variants, detentions and releases
    # (with event and destination) of the whole page, one query each; on PostgreSQL those three as one statement
    # (tracker.api.prepared.rows_together).
    "/api/v1/prisoners/": 2 if POSTGRES else 4,
    # Rows from plain values (releases/api/list_rows.py): the page of releases (person, event and destination
    # joined), then the page's visible sources and its visible reported values, one query each (on PostgreSQL as
    # one statement).
    "/api/v1/releases/": 2 if POSTGRES else 3,
    "/api/v1/release-events/": 3,  # events (with deal, named count), breakdown, releases counted by destination
    "/api/v1/destinations/": 1,  # counts are annotations
    "/api/v1/deals/": 1,
    "/api/v1/sources/": 1,  # the withheld-people exclusion is a subquery
}
DETAILS = {
    "/api/v1/prisoners/{person}/": 10,  # + incommunicado periods of the detentions
    # + parties, dated counts, groups (their sources when any), the people's first page and their count; the named
    # count (releases.selectors.with_named_counts: one query, none where summaries are cached, see
    # tests/pages/test_shared_people_summaries.py; 4 queries, releases.counted: tests/perf/test_counted_grouping.py)
    "/api/v1/release-events/budget-event/": 14,
    # destination, its named count, sources, breakdowns, people per event: first pages, counts
    "/api/v1/destinations/UA/": 9,
    "/api/v1/deals/budget-deal/": 15,  # + parties, the deal's and its events' named counts (4 queries each)
    "/api/v1/releases/{release}/": 3,
    "/api/v1/sources/{source}/": 1,
}


@pytest.fixture(autouse=True)
def warm_content_types():
    """ContentType lookups are cached per process; warm them so the counts do not depend on test order."""
    ContentType.objects.get_for_models(Prisoner, Detention, Release, ReleaseEvent, SanctionsDeal)


def _details(crowd):
    person = crowd.releases.filter(prisoner__visibility="public").first().prisoner
    ids = {"person": person.pk, "release": person.releases.get().pk, "source": person.sources.get().pk}
    return {template.format(**ids): count for template, count in DETAILS.items()}


def test_lists_details_and_exports_run_a_fixed_number_of_queries(crowd, build, django_assert_num_queries):
    """Pinned at page sizes 1 and 100 over 110 people with variants, detentions, releases and sources
    (one test, so the 110 people are built once)."""
    client = APIClient()
    few_rows = {"/api/v1/release-events/": 1, "/api/v1/deals/": 1, "/api/v1/destinations/": 2, "/api/v1/sources/": 99}
    for url, count in LISTS.items():
        for page_size in (1, 100):
            # Once per process, not per request: a list's page queries are compiled and prepared on their first run
            # (tracker.api.prepared; a first page's own statement once per page size), and the content types read
            # once; alone, this test was the first to run them.
            client.get(url, {"page_size": page_size})
            with django_assert_num_queries(count, info=url):
                response = client.get(url, {"page_size": page_size})
            assert response.status_code == 200
            assert len(response.json()["results"]) == min(page_size, few_rows.get(url, page_size)), url
    for url, count in _details(crowd).items():
        with django_assert_num_queries(count, info=url):
            assert client.get(url).status_code == 200, url

    # A logged-in reader adds the session, user and permission lookups once, not per row.
    staff = APIClient()
    staff.login(username=build.user(perms=["prisoners.view_withheld"]).username, password="pw")
    for page_size in (1, 100):
        staff.get("/api/v1/prisoners/", {"page_size": page_size})  # this reader class's page queries, compiled once
        with django_assert_num_queries(LISTS["/api/v1/prisoners/"] + 4):
            response = staff.get("/api/v1/prisoners/", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size

    # The CSV export queries once per chunk of 1,000 rows (the rows and each prefetch), not per row; it adds
    # each row's sources (the visible ones) to what the JSON list prefetches. On PostgreSQL the database writes
    # the whole file with one COPY, between setting and resetting its session settings (tracker/api/csv_copy.py).
    exports = 3 if connection.vendor == "postgresql" else LISTS["/api/v1/prisoners/"] + 1
    with django_assert_num_queries(exports):
        response = client.get("/api/v1/prisoners/", {"format": "csv"})
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == PEOPLE + 2 and lines[-1] == f"# complete: {PEOPLE} rows"
