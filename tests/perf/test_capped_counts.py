"""List pages count up to a limit and say "more than N" beyond it, never an exact COUNT(*) of a huge list."""

import pytest

from tracker import listing

pytestmark = pytest.mark.django_db


def test_a_list_longer_than_the_limit_says_more_than(client, build, monkeypatch):
    for n in range(5):
        build.prisoner(f"Synthetic Counted {n}")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    response = client.get("/prisoners/", {"page_size": 2})
    assert response.context["listing"].more_than and response.context["listing"].total == 4
    assert "More than 3 results" in response.content.decode()
    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    response = client.get("/prisoners/", {"page_size": 2})
    assert not response.context["listing"].more_than and "5 results" in response.content.decode()


def test_the_count_is_bounded_in_sql(client, build, django_assert_max_num_queries):
    build.prisoner("Synthetic Bounded")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/prisoners/")
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all(f"LIMIT {listing.COUNT_LIMIT + 1}" in sql for sql in counts)
