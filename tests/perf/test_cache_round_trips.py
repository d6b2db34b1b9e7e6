"""Release day: a cached anonymous read costs one trip to Redis (the page throttle's count, the records' version
and the page in one pipeline), not five; counted on the real Redis by a spy on redis-py's socket writes."""

from datetime import date

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def cached_reads(settings):
    from django.core.cache import cache

    cache.clear()
    settings.READ_CACHE_PAGE_SECONDS = 60
    settings.READ_CACHE_SUMMARY_SECONDS = 60
    settings.PAGE_THROTTLE_RATE = "1000/minute"
    yield cache
    cache.clear()


@pytest.fixture
def event(build):
    event = build.event("Synthetic surge event", slug="synthetic-surge", date=date(2025, 5, 1), reported_count=2)
    build.release(build.prisoner("Synthetic Surge One"), event=event, destination="LT")
    return event


def test_a_cached_page_is_served_with_one_trip_to_redis(cached_reads, event, client, trips):
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "ResilientRedisCache"
    first = client.get("/releases/synthetic-surge/")
    assert first["X-Read-Cache"] == "miss"
    trips.clear()
    hit = client.get("/releases/synthetic-surge/")
    assert hit["X-Read-Cache"] == "hit" and hit.content == first.content
    assert not caches["default"].redis_is_down()
    assert len(trips) == 1, [command for command in trips]


def test_without_the_page_throttle_a_cached_page_is_still_one_trip(cached_reads, event, client, settings, trips):
    settings.PAGE_THROTTLE_RATE = None
    assert client.get("/releases/synthetic-surge/")["X-Read-Cache"] == "miss"
    trips.clear()
    assert client.get("/releases/synthetic-surge/")["X-Read-Cache"] == "hit"
    assert len(trips) == 1


def test_the_throttle_and_the_cache_share_a_trip_only_for_the_same_page(cached_reads, event, build, client, trips):
    """The page fetched with the throttle's count is the page served: another address, another language or
    another Accept is looked up under its own key, and a write between requests is seen at once."""
    assert client.get("/releases/synthetic-surge/")["X-Read-Cache"] == "miss"
    assert client.get("/releases/synthetic-surge/", HTTP_ACCEPT="text/plain")["X-Read-Cache"] == "miss"
    assert client.get("/be/releases/synthetic-surge/")["X-Read-Cache"] == "miss"
    build.release(build.prisoner("Synthetic Surge Later"), event=event, destination="UA")
    trips.clear()
    again = client.get("/releases/synthetic-surge/")
    assert again["X-Read-Cache"] == "miss" and "Synthetic Surge Later" in again.content.decode()


def test_the_page_throttle_still_counts_in_one_trip_and_answers_429(cached_reads, event, client, settings, trips):
    settings.PAGE_THROTTLE_RATE = "3/minute"
    answers = [client.get("/releases/synthetic-surge/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    trips.clear()
    assert client.get("/releases/synthetic-surge/").status_code == 429
    assert len(trips) == 1


def test_a_write_still_invalidates_the_cached_page_at_once(cached_reads, event, client, build):
    assert client.get("/releases/synthetic-surge/")["X-Read-Cache"] == "miss"
    assert client.get("/releases/synthetic-surge/")["X-Read-Cache"] == "hit"
    build.release(build.prisoner("Synthetic Surge Newcomer"), event=event, destination="UA")
    again = client.get("/releases/synthetic-surge/")
    assert again["X-Read-Cache"] == "miss" and "Synthetic Surge Newcomer" in again.content.decode()
    assert client.get("/releases/synthetic-surge/")["X-Read-Cache"] == "hit"


def test_a_missing_key_is_not_taken_for_a_redis_outage(cached_reads, caplog):
    """`incr` on a missing key raises ValueError by Django's contract; the cache used to take that for an outage
    and serve every process from its own memory for ten seconds (so one worker's write did not invalidate the
    others' pages)."""
    from django.core.cache import caches

    from tracker.read_cache import bump_records_version, records_version

    redis_cache = caches["default"]
    redis_cache.delete("reads:version")
    with pytest.raises(ValueError):
        redis_cache.incr("synthetic-missing-counter")
    bump_records_version()  # the version key is missing: starts again above the time
    assert not redis_cache.redis_is_down()
    assert "unreachable" not in caplog.text
    assert redis_cache.get("reads:version") == records_version()


def test_after_a_write_one_reader_builds_the_page_and_the_others_wait_for_it(cached_reads, event, client, settings):
    """Release day with an editor at work: every write turns every cached page stale, and fifty readers missing
    at once each built the same page (both cores busy for seconds after each write). A reader who finds another
    process building the page of the current version is served that page when it is stored."""
    import threading
    import time

    from django.core.cache import cache

    from tracker.read_cache import bump_records_version, records_version

    settings.READ_CACHE_WAIT_SECONDS = 5
    first = client.get("/releases/synthetic-surge/")
    assert first["X-Read-Cache"] == "miss"
    (stored_key,) = cache._cache.get_client().keys("*reads:page:*")
    key = stored_key.decode().split(":", 2)[-1]  # the page's key, Django's prefix and key version off
    stored = cache.get(key)
    bump_records_version()  # a write elsewhere, then another process starts building the page of the new version
    version = records_version()
    lock = f"{key}:building:{version}"
    assert cache.add(lock, 1, 60)

    def other_process():
        time.sleep(0.3)
        cache.set(key, (version, stored[1], None, time.time(), 200, b"built elsewhere", dict(stored[6])), 60)
        cache.delete(lock)

    threading.Thread(target=other_process).start()
    waited = client.get("/releases/synthetic-surge/")
    assert waited.content == b"built elsewhere" and waited["X-Read-Cache"] == "hit"

    bump_records_version()
    version = records_version()
    assert cache.add(f"{key}:building:{version}", 1, 60)  # another process starts, and gives up without a page
    threading.Timer(0.3, cache.delete, [f"{key}:building:{version}"]).start()
    built = client.get("/releases/synthetic-surge/")
    assert built["X-Read-Cache"] == "miss" and built.content == first.content


def test_a_cached_summary_is_read_with_its_version_in_one_trip(cached_reads, event, trips):
    """A summary kept under the records' or the visibility's version: the version and the value come back in one
    trip (they were two: every cached number of a page, and the hidden sources of every list request)."""
    from prisoners.visibility import withheld_source_ids
    from releases.stats import named_totals

    for read in (withheld_source_ids, named_totals):
        computed = read()
        trips.clear()
        assert read() == computed
        assert len(trips) == 1, read.__name__


def test_a_cached_summary_read_in_one_trip_still_follows_a_write(cached_reads, event, build):
    from prisoners.visibility import withheld_source_ids
    from releases.stats import named_totals

    before_ids, before_totals = withheld_source_ids(), named_totals()
    withheld = build.prisoner("Synthetic Withheld Cited", visibility="anonymized")
    source = build.source("https://example.org/synthetic-withheld-cited")
    build.release(withheld, event=event, destination="LT", sources=[source])
    assert source.pk in withheld_source_ids() and source.pk not in before_ids
    assert named_totals()["named_people"] == before_totals["named_people"] + 1


def test_an_uncached_list_request_takes_two_trips_to_redis(cached_reads, event, client, settings, trips):
    """The list API with the page cache off (a reader past the cache): the throttle's counters, then the hidden
    sources with their version; nothing else."""
    settings.READ_CACHE_PAGE_SECONDS = 0
    assert client.get("/api/v1/releases/").status_code == 200
    trips.clear()
    assert client.get("/api/v1/releases/").status_code == 200
    assert len(trips) == 2, trips
