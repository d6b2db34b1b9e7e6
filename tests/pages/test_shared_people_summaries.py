"""The people of an event, a destination and a deal, at any size: their counts and first page are computed once
per change of the records for every reader who sees as the public (`releases.selectors.shared_people_summary`,
`prisoners.visibility.sees_as_public`), and the named counts once for every event, destination and deal
(`with_named_counts`). Same content as computed afresh, never a withheld name, never shared with a reader who
sees more, a fixed number of queries whatever the number of people."""

import pytest
from django.core.cache import cache
from django.test import Client

from releases import services as release_services
from releases.selectors import PEOPLE_FIRST_PAGE
from tracker.read_cache import uncached

pytestmark = pytest.mark.django_db

WITHHELD = "Synthetic Shared 001"  # anonymized: "Name withheld" for the public
PRIVATE = "Synthetic Shared 002"  # absent for the public
URLS = (
    "/releases/synthetic-shared/",
    "/destinations/LT/",
    "/destinations/UA/",
    "/deals/synthetic-shared-deal/",
    "/api/v1/release-events/synthetic-shared/",
    "/api/v1/destinations/LT/",
    "/api/v1/deals/synthetic-shared-deal/",
    # Lists sort and show the named counts from the same summary (`CASE id WHEN ...`) and, in the API's events,
    # every event's tallies by destination (`shared_release_tallies`).
    "/releases/?ordering=-named_count",
    "/deals/",
    "/destinations/?ordering=-named_count",
    "/api/v1/release-events/?ordering=-named_count",
    "/api/v1/deals/?ordering=-named_count",
    "/api/v1/destinations/?ordering=-named_count",
)


@pytest.fixture
def summaries_on(settings):
    cache.clear()
    settings.READ_CACHE_SUMMARY_SECONDS = 60
    yield
    cache.clear()


def _world(build, people):
    deal = build.deal("Synthetic shared deal", slug="synthetic-shared-deal")
    event = build.event(
        "Synthetic shared event", slug="synthetic-shared", reported_count=people, destination_counts={"LT": people}
    )
    release_services.update_release_event(event=event, deal=deal)
    for n in range(people):
        visibility = "anonymized" if n % 5 == 1 else "private" if n % 5 == 2 else "public"
        person = build.prisoner(f"Synthetic Shared {n:03d}", visibility=visibility)
        build.release(person, event=event, destination=("LT", "UA")[n % 2])
    return event


def _same_as_afresh(client, url):
    with uncached():
        fresh = client.get(url)
    shared = client.get(url)  # computes the summaries
    again = client.get(url)  # reads them
    assert fresh.status_code == shared.status_code == again.status_code == 200, url
    assert shared.content == fresh.content and again.content == fresh.content, url
    return again.content.decode()


def test_pages_and_details_from_shared_summaries_equal_those_computed_afresh(summaries_on, build, staff_client):
    event = _world(build, PEOPLE_FIRST_PAGE * 2)  # more public people than a first page holds
    other = build.event("Synthetic other event", slug="synthetic-other")
    for n in range(3):
        build.release(build.prisoner(f"Synthetic Other {n}"), event=other, destination="PL")
    client = Client()
    for url in URLS:
        content = _same_as_afresh(client, url)
        assert WITHHELD not in content and PRIVATE not in content, url

    # A reader who sees withheld people is never served the public's summary: he sees their names.
    staff_page = staff_client.get("/releases/synthetic-shared/").content.decode()
    assert WITHHELD in staff_page and PRIVATE in staff_page
    assert WITHHELD not in client.get("/releases/synthetic-shared/").content.decode()

    # A write through the services shows at once (the summaries are cached under the records' version).
    before = client.get("/releases/synthetic-shared/").context["people_count"]
    build.release(build.prisoner("Synthetic Shared Newcomer"), event=event, destination="LT")
    assert client.get("/releases/synthetic-shared/").context["people_count"] == before + 1
    for url in URLS:
        _same_as_afresh(client, url)


# Anonymous reader, summaries cached (a running server has them after the first request).
SHARED_BUDGET = {
    # event, sources, destination counts + their sources, reported values, the first page of people (their ids from
    # the summary) + their sources + their reported values, the event's parties, dated counts and groups
    "/releases/synthetic-shared/": 11,
    "/destinations/LT/": 5,  # destination, sources, event rows + their sources, the first page of people
    "/deals/synthetic-shared-deal/": 9,
    "/api/v1/release-events/synthetic-shared/": 8,
    "/api/v1/destinations/LT/": 4,  # destination, sources, breakdowns, the first pages of people per event
    "/api/v1/deals/synthetic-shared-deal/": 7,
}


@pytest.mark.parametrize("people", [3, PEOPLE_FIRST_PAGE + 10])
def test_shared_summaries_answer_in_a_fixed_number_of_queries(summaries_on, build, people, django_assert_num_queries):
    _world(build, people)
    client = Client()
    for url, queries in SHARED_BUDGET.items():
        assert client.get(url).status_code == 200, url
        with django_assert_num_queries(queries, info=url):
            assert client.get(url).status_code == 200, url


def test_the_released_drill_down_lists_a_first_page_and_says_how_many_more(build):
    """`/released/` (every person freed in a period, all years when none is given) lists the first page only."""
    people = PEOPLE_FIRST_PAGE * 2
    _world(build, people)
    response = Client().get("/released/")
    public = sum(1 for n in range(people) if n % 5 not in (1, 2))
    listed = people - sum(1 for n in range(people) if n % 5 == 2)  # private people absent, anonymized ones listed
    context = response.context
    assert context["named_total"] == people and len(context["people"]) == PEOPLE_FIRST_PAGE < public
    assert context["more_count"] == listed - PEOPLE_FIRST_PAGE
    assert context["not_listed_count"] == people - listed
    html = response.content.decode()
    assert f"Only the first {PEOPLE_FIRST_PAGE} are listed here; {listed - PEOPLE_FIRST_PAGE} more named people" in html
    assert WITHHELD not in html and PRIVATE not in html


def test_under_a_stream_of_writes_a_person_withheld_a_moment_ago_leaves_every_page_at_once(
    summaries_on, build, settings
):
    """Release day with an editor at work: the people summaries are served from an older version for up to
    READ_CACHE_SUMMARY_REFRESH_SECONDS after a write (numbers and candidate ids), but the names on a page are
    those the reader may see now: a person withheld a second ago is gone from every page and detail at once."""
    from prisoners import services as prisoner_services
    from prisoners.models import Prisoner

    settings.READ_CACHE_SUMMARY_REFRESH_SECONDS = 60
    _world(build, 10)
    shown = "Synthetic Shared 003"
    client = Client()
    showing = [url for url in URLS if shown in client.get(url).content.decode()]
    assert {"/releases/synthetic-shared/", "/destinations/UA/", "/api/v1/release-events/synthetic-shared/"} <= set(
        showing
    )
    prisoner_services.update_prisoner(prisoner=Prisoner.objects.get(full_name=shown), visibility="private")
    for url in URLS:
        assert shown not in client.get(url).content.decode(), url


def test_what_decides_hidden_sources_is_computed_once_while_others_wait(summaries_on, build, settings):
    """The summaries that decide what is hidden are never served from an older version; after a write, a caller
    who finds another process computing the current version waits for that value instead of computing it too
    (fifty readers must not each run the same seconds-long query), and computes it itself if that process gives
    up."""
    import threading
    import time

    from prisoners import visibility
    from tracker.read_cache import summary_key, visibility_version

    settings.READ_CACHE_WAIT_SECONDS = 5
    source = build.source("https://example.org/synthetic-wait-source")
    build.prisoner("Synthetic Wait Withheld", visibility="anonymized", sources=[source])
    key = summary_key(visibility._withheld_source_ids)
    version = visibility_version()  # kept under who sees what, not under every write
    lock = f"{key}:computing:{version}"

    assert cache.add(lock, 1, 60)  # another process computes the current version, and stores it 0.3 s later

    def other_process():
        time.sleep(0.3)
        cache.set(key, (version, ["computed elsewhere"], time.time()), 60)
        cache.delete(lock)

    threading.Thread(target=other_process).start()
    assert visibility._withheld_source_ids() == ["computed elsewhere"]

    cache.delete(key)
    assert cache.add(lock, 1, 60)  # another process starts, and gives up without a value
    threading.Timer(0.3, cache.delete, [lock]).start()
    assert visibility._withheld_source_ids() == [source.pk]
