"""Each page runs a fixed number of queries, whatever the page size or the number of people shown."""

import pytest
from django.contrib.contenttypes.models import ContentType

from prisoners.models import Detention, Prisoner
from releases.models import Release, ReleaseEvent, SanctionsDeal
from tests.pages.scenario import build_december_13, build_many_people

pytestmark = pytest.mark.django_db

# Anonymous reader: no session or user queries.
# The menus of countries in use are cached (a few minutes): a running server has them after its first
# request, so each page is asked once before counting.
LIST_PAGES = {
    # count, page, detentions + releases prefetch, event and deal choices in the filter form
    "/prisoners/": 6,
    # count, page, destination counts prefetch, what uncertain events' sources disagree on, deal and party choices
    "/releases/": 6,
    # count, page (with event, reported and named counts), what uncertain deals' sources disagree on, party choices
    "/deals/": 4,
    # count, page (with reported and named counts), event choices in the filter form
    "/destinations/": 3,
}


@pytest.fixture
def many(db):
    dec13 = build_december_13()
    events, people = build_many_people(110)
    # A running server has these cached after its first request; a fresh test process may not.
    ContentType.objects.get_for_models(Prisoner, Detention, ReleaseEvent, SanctionsDeal, Release)
    return dec13, events, people


def test_list_pages_run_a_fixed_number_of_queries(client, many, django_assert_num_queries):
    for url in LIST_PAGES:
        assert client.get(url).status_code == 200
    for url, queries in LIST_PAGES.items():
        for page_size in (1, 100):
            with django_assert_num_queries(queries):
                response = client.get(f"{url}?page_size={page_size}")
            assert response.status_code == 200
            listing = response.context["listing"]
            assert len(listing.page.object_list) == min(page_size, listing.total)
    assert client.get("/prisoners/?page_size=100").context["listing"].total == 104  # private people absent

    for page_size in (1, 100):
        with django_assert_num_queries(LIST_PAGES["/prisoners/"]):
            response = client.get(f"/prisoners/?page_size={page_size}&charge=342&search=Bulk")
        assert response.status_code == 200
    # 110 less 11 private people, less 11 anonymized ones whose names the public cannot search
    assert response.context["listing"].total == 88


def test_detail_pages_dashboard_and_feed_run_a_fixed_number_of_queries(client, many, django_assert_num_queries):
    dec13, events, people = many
    bulk_event = events[0]  # 37 people, many sources
    pages = [
        # event, its named count (releases.selectors.named_counts, computed once for every event where summaries
        # are cached; 4 queries, tests/perf/test_counted_grouping.py), sources, destination counts + their sources,
        # releases counted by destination, reported values, the first page of people freed and their count, their
        # sources, their reported values; where the event has free text, one query for
        # names of withheld people it might contain (prisoners.visibility.mask_texts_naming_withheld)
        # + the event's parties, dated counts and groups (their sources only where there are any)
        (dec13.event.get_absolute_url(), 18),
        (bulk_event.get_absolute_url(), 17),
        # deal, sources, relief measures + sources, claims + sources, events, their destination counts,
        # their sources, reported values, names of withheld people in its texts, the events' named counts
        # + the deal's parties
        (dec13.deal.get_absolute_url(), 16),
        # destination, its named count (4 queries), sources, event rows + sources, the first page of people and count
        ("/destinations/LT/", 10),
        ("/destinations/UA/", 10),
        # person, variants, sources, detentions + sources + reported values + incommunicado periods,
        # releases + sources + reported values, reported values
        (dec13.bialiatski.get_absolute_url(), 11),
        (people[0].get_absolute_url(), 11),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries, info=url):
            assert client.get(url).status_code == 200, url

    # stats: per event (+ named counts), per month, per destination (+ named counts), per deal (+ events and named
    # counts), still held (2); the total's sources (2); the releasing countries and exchanges the total includes;
    # the named counts are 4 queries each time (releases.counted), four times here with the summaries off
    with django_assert_num_queries(25):
        assert client.get("/").status_code == 200
    # events + named count, destination counts, named people
    with django_assert_num_queries(3):
        assert client.get("/feeds/releases/").status_code == 200
