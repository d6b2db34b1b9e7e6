"""The stored effective release date (kept by the services) and keyset pages (`cursor` in the `next` link)."""

from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from releases import services
from releases.models import EFFECTIVE_DATE_FROM_SOURCES, Release
from tracker.api.pagination import MAX_OFFSET

pytestmark = pytest.mark.django_db


def _stored_equals_rule():
    rows = Release.objects.annotate(rule=EFFECTIVE_DATE_FROM_SOURCES).values_list("effective_date", "rule")
    return all(stored == rule for stored, rule in rows) and rows.exists()


def test_the_services_keep_the_stored_date(build):
    event = build.event("Synthetic dated event", date=date(2025, 6, 1))
    in_event = build.release(build.prisoner(), event=event)
    own_date = build.release(build.prisoner(), event=event, date=date(2025, 6, 3))
    alone = build.release(build.prisoner(), date=date(2024, 2, 2))
    assert (in_event.effective_date, own_date.effective_date, alone.effective_date) == (
        date(2025, 6, 1),
        date(2025, 6, 3),
        date(2024, 2, 2),
    )
    services.update_release_event(event=event, date=date(2025, 7, 1))
    services.update_release(release=alone, date=date(2024, 3, 3))
    in_event.refresh_from_db(), own_date.refresh_from_db(), alone.refresh_from_db()
    assert (in_event.effective_date, own_date.effective_date, alone.effective_date) == (
        date(2025, 7, 1),
        date(2025, 6, 3),
        date(2024, 3, 3),
    )
    assert _stored_equals_rule()


def test_following_next_walks_the_whole_list_by_cursor(build):
    event = build.event("Synthetic cursor event", date=date(2025, 1, 1))
    for n in range(7):
        build.release(build.prisoner(f"Synthetic Cursor {n}"), event=event, date=date(2025, 1, 1 + n % 3))
    client, seen, url = APIClient(), [], "/api/v1/releases/?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
        assert url is None or ("cursor=" in url and "page=" not in url)
    every = [row["id"] for row in client.get("/api/v1/releases/", {"page_size": 100}).json()["results"]]
    assert seen == every and len(seen) == 7

    people, url = [], "/api/v1/prisoners/?page_size=2"
    while url:
        page = client.get(url).json()
        people += [row["full_name"] for row in page["results"]]
        url = page["next"]
    assert people == [f"Synthetic Cursor {n}" for n in range(7)]


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjpbIm5hbWUiXSwidiI6WzFdfQ"])
def test_a_cursor_not_of_this_list_is_a_400_naming_cursor(client, cursor):
    response = client.get("/api/v1/releases/", {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()


def test_a_page_number_deeper_than_the_limit_is_a_400_naming_page(client):
    response = client.get("/api/v1/releases/", {"page": MAX_OFFSET // 50 + 2})
    assert response.status_code == 400 and "next" in response.json()["page"][0]


@pytest.mark.parametrize("page_size", [1, 100])
def test_a_cursor_page_runs_as_many_queries_as_a_first_page(build, page_size, django_assert_num_queries):
    event = build.event("Synthetic budget cursor", date=date(2025, 1, 1))
    for _n in range(3):
        build.release(build.prisoner(), event=event)
    client = APIClient()
    first = client.get("/api/v1/releases/", {"page_size": 1}).json()
    # Releases, sources, reported values (on PostgreSQL the last two as one statement, `rows_together`).
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        response = client.get(first["next"].replace("page_size=1", f"page_size={page_size}"))
    assert response.status_code == 200 and len(response.json()["results"]) == min(page_size, 2)


def test_a_cursor_page_bounds_its_first_sort_key_and_joins_the_person_once(build):
    """The deep page's plan: `effective_date <= x` lets the index on the order start at the cursor (the OR of a
    keyset alone made PostgreSQL filter every row before it: 91 ms at 1M), and who may be seen is a condition
    on the joined person, not a subquery over every person."""
    from django.test.utils import CaptureQueriesContext

    event = build.event("Synthetic bounded cursor", date=date(2025, 1, 1))
    for _n in range(3):
        build.release(build.prisoner(), event=event)
    client = APIClient()
    first = client.get("/api/v1/releases/", {"page_size": 1}).json()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(first["next"]).status_code == 200
    page_sql = queries.captured_queries[0]["sql"]
    assert '"releases_release"."effective_date" <= ' in page_sql
    assert "prisoners_prisoner" in page_sql and "IN (SELECT" not in page_sql.upper().replace("  ", " ")


def test_reported_values_of_a_page_are_checked_row_by_row(build, client):
    """Reported values about withheld people are excluded by a correlated EXISTS on each value's own record, not
    by a subquery listing every value about every withheld person (17 ms a page at 1M)."""
    from prisoners.models import ReportedValue
    from prisoners.visibility import visible_reported_values

    sql = str(visible_reported_values(None, ReportedValue.objects.all()).query).upper()
    assert "EXISTS" in sql and '"PRISONERS_REPORTEDVALUE"."ID" IN (SELECT' not in sql


def test_ordering_by_a_column_that_is_never_null_pages_by_cursor(build):
    """`?ordering=-id` (or status, created_at...) is a plain order an index serves, so `next` carries a cursor;
    a sort key that may be NULL keeps NULLS LAST and page numbers."""
    for n in range(5):
        build.prisoner(f"Synthetic Ordered {n}")
    client, seen, url = APIClient(), [], "/api/v1/prisoners/?ordering=-id&page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
        assert url is None or "cursor=" in url
    assert seen == sorted(seen, reverse=True) and len(seen) == 5
    released = client.get("/api/v1/prisoners/", {"ordering": "released", "page_size": 2}).json()
    assert "cursor=" not in released["next"]
