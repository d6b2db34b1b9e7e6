"""Every count of named releases from one grouped scan (`releases.counted.counted_releases`): the dashboard, the
stats, the country pages and the lists' named counts give the same numbers as counting each afresh, draft rules and
country scope included; the scan runs once per change of the records for all of them and for every language; and
a summary made from numbers of a moment ago is never kept as the current one."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import translation

from prisoners import services as prisoner_services
from releases import selectors, stats
from releases.models import Release
from tracker.read_cache import summary_key, uncached

pytestmark = pytest.mark.django_db

EDITOR_PERMS = [
    *(f"prisoners.{verb}_prisoner" for verb in ("view", "add", "change")),
    *(f"releases.{verb}_release" for verb in ("view", "add", "change")),
    *(f"releases.{verb}_releaseevent" for verb in ("view", "add", "change")),
]
FREED = ("freed", "freed_conditionally")


@pytest.fixture
def summaries_on(settings):
    cache.clear()
    settings.READ_CACHE_SUMMARY_SECONDS = 60
    yield
    cache.clear()


@pytest.fixture
def world(build):
    """Releases that each count must tell apart: drafts of a release, of a person and of an event; releases outside
    any event (scoped by the country the person was held in); several releasing countries; several months,
    destinations, outcomes and deals; a person freed at home; a withheld and a private person."""
    deal = build.deal("Synthetic counted deal", slug="synthetic-counted-deal")
    other_deal = build.deal("Synthetic counted other deal", slug="synthetic-counted-other-deal")
    december = build.event("Synthetic counted December", date=date(2025, 12, 13), deal=deal)
    march = build.event(
        "Synthetic counted March", date=date(2026, 3, 2), releasing_countries=["BY", "RU"], deal=other_deal
    )
    russian = build.event("Synthetic counted Russian", date=date(2026, 4, 9), releasing_countries=["RU"])
    for index, (event, destination, outcome) in enumerate(
        [
            (december, "LT", "freed"),
            (december, "UA", "freed"),
            (december, "UA", "freed_conditionally"),
            (december, "UA", "returned_to_custody"),
            (march, "LT", "freed"),
            (march, None, "freed"),
            (russian, "DE", "freed"),
        ]
    ):
        person = build.prisoner(f"Synthetic Counted {index:03}", country="RU" if event is russian else "BY")
        build.release(person, event=event, destination=destination, outcome=outcome)
    build.release(build.prisoner("Synthetic Counted Home"), event=march, freed_at_home=True)
    build.release(
        build.prisoner("Synthetic Counted Withheld", visibility="anonymized"), event=december, destination="LT"
    )
    build.release(build.prisoner("Synthetic Counted Private", visibility="private"), event=december, destination="UA")
    build.release(build.prisoner("Synthetic Counted Alone BY"), date=date(2026, 5, 20), destination="PL")
    build.release(build.prisoner("Synthetic Counted Alone RU", country="RU"), date=date(2026, 6, 1), destination="PL")
    # Drafts: an editor who may not publish, review on.
    editor = build.user("counted-editor", is_staff=True, perms=EDITOR_PERMS)
    draft_event = build.event("Synthetic counted draft event", date=date(2026, 2, 2), actor=editor, deal=deal)
    published_person = build.prisoner("Synthetic Counted Published")
    build.release(published_person, event=draft_event, destination="LT", actor=editor)  # a draft event's release
    build.release(published_person, event=december, destination="LT", actor=editor)  # a draft release
    draft_person = prisoner_services.create_prisoner(actor=editor, full_name="Synthetic Counted Draft Person")
    build.release(draft_person, event=march, destination="UA")  # a published release of a draft person
    return {"december": december, "march": march, "russian": russian, "draft_event": draft_event}


def _direct(queryset, field):
    return dict(queryset.order_by().values_list(field).annotate(n=Count("id")))


def _released_by(code):
    return Q(event__releasing_countries__contains=code) | Q(event__isnull=True, prisoner__country=code)


PUBLISHED = Q(is_draft=False, prisoner__is_draft=False) & ~Q(event__is_draft=True)
NAMED = Q(is_draft=False, prisoner__is_draft=False)


def test_each_count_equals_counting_it_afresh(world, summaries_on):
    freed = Release.objects.filter(outcome__in=FREED)
    assert Release.objects.filter(is_draft=True).exists() and Release.objects.filter(prisoner__is_draft=True).exists()
    expected = {
        "event": _direct(freed.filter(NAMED, event__isnull=False), "event"),
        "destination": _direct(freed.filter(NAMED, destination__isnull=False), "destination"),
        "deal": _direct(freed.filter(PUBLISHED, event__deal__isnull=False), "event__deal"),
    }
    for owner, counts in expected.items():
        assert selectors.named_counts(owner) == counts, owner
        assert selectors._named_counts(owner) == counts, owner  # the per-record query the lists use uncached
    assert expected["deal"] and expected["event"][world["december"].pk] == 5  # the withheld and private counted

    for country in (None, "BY", "RU", "LT"):
        scoped = freed.filter(PUBLISHED) if country is None else freed.filter(PUBLISHED, _released_by(country))
        months = _direct(scoped.annotate(m=TruncMonth("effective_date")), "m")
        named = {row["month"]: row["named_count"] for row in stats.released_per_month(country)}
        assert named == {month.strftime("%Y-%m"): n for month, n in months.items() if month}, country
        destinations = freed.filter(NAMED, destination__isnull=False)
        destinations = destinations if country is None else destinations.filter(_released_by(country))
        by_country = {str(code): n for code, n in _direct(destinations, "destination__country").items()}
        listed = {row["country"]: row["named_count"] for row in stats.released_per_destination(country)}
        assert {code: n for code, n in listed.items() if n} == by_country, country

    tallies = selectors._public_tallies_by_event()
    rows = (
        Release.objects.filter(PUBLISHED, event__isnull=False)
        .order_by()
        .values_list("event", "outcome", "destination__country", "freed_at_home")
        .annotate(n=Count("id"))
    )
    expected_tallies = {}
    for event_id, outcome, dest, home, n in rows:
        expected_tallies.setdefault(event_id, []).append((outcome, dest or "", bool(home), n))
    assert {key: sorted(value) for key, value in tallies.items()} == {
        key: sorted(value) for key, value in expected_tallies.items()
    }
    assert world["draft_event"].pk not in tallies


def test_the_counts_are_one_scan_for_every_summary_and_every_language(world, summaries_on, django_assert_num_queries):
    with django_assert_num_queries(4):  # the scan (tests/perf/test_counted_grouping.py); every count, a sum of its rows
        for owner in ("event", "destination", "deal"):
            selectors.named_counts(owner)
        selectors._public_tallies_by_event()
    with translation.override("ru"), django_assert_num_queries(0):
        for owner in ("event", "destination", "deal"):
            selectors.named_counts(owner)
        selectors._public_tallies_by_event()
    with translation.override("be"), django_assert_num_queries(2):  # the months' groups and the destinations
        stats.released_per_month("BY")
        stats.released_per_destination("BY")


def test_a_summary_made_from_numbers_of_a_moment_ago_is_computed_again_once_they_are_current(
    world, summaries_on, settings, build
):
    """Release day: while another process computes the scan after a write, a count made from the previous scan is
    served for a moment like any previous number, but never stored as the current count: once the scan is done,
    the next reader past the refresh interval gets the new count (it stayed stale until the next write)."""
    settings.READ_CACHE_SUMMARY_REFRESH_SECONDS = 0
    settings.READ_CACHE_BACKGROUND_REFRESH = False
    december = world["december"]
    before = selectors.named_counts("event")[december.pk]
    build.release(build.prisoner("Synthetic Counted Later"), event=december, destination="LT")
    from releases import counted

    lock = f"{summary_key(counted.counted_releases)}:computing"
    assert cache.add(lock, 1, 60)  # another process is computing the scan of the new version
    assert selectors.named_counts("event")[december.pk] == before  # made from the previous scan
    cache.delete(lock)
    with uncached():
        assert selectors.named_counts("event")[december.pk] == before + 1
    assert selectors.named_counts("event")[december.pk] == before + 1


def test_the_people_by_status_and_the_named_totals_are_one_scan_of_the_people_for_every_language(
    world, summaries_on, django_assert_num_queries
):
    with uncached():
        expected_totals, expected_status = stats.named_totals(), stats.people_by_status()
    with django_assert_num_queries(1):
        assert stats.named_totals() == expected_totals and stats.people_by_status() == expected_status
    with translation.override("ru"), django_assert_num_queries(0):
        assert stats.named_totals() == expected_totals
        in_russian = stats.people_by_status()
    assert [row["count"] for row in in_russian] == [row["count"] for row in expected_status]
    assert [row["label"] for row in in_russian] != [row["label"] for row in expected_status]  # words per language
