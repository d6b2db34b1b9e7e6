"""`releases.counted.counted_releases` without joining every person: the releases grouped on their own columns,
joined only to the people counted apart (drafts, withheld) and, outside any event, to their people; the events'
and destinations' values attached afterwards and each group's flags decided by `prisoners.visibility`. It gives
exactly the rows of the one grouped query over every release joined to its person (`_reference`, the former
implementation, kept here), in a fixed number of small queries."""

from collections import Counter
from datetime import date
from itertools import cycle, product

import pytest
from django.db.models import BooleanField, Case, CharField, Count, F, Value, When
from django.db.models.functions import TruncMonth

from prisoners.models import Prisoner
from prisoners.visibility import (
    counted_flags,
    counted_lookups,
    drafts_q,
    people_counted_apart_q,
    published_release_q,
    seen_by_public,
)
from releases.counted import _codes, counted_releases
from releases.models import EFFECTIVE_DATE, Release, ReleaseEvent
from tracker.read_cache import uncached

pytestmark = pytest.mark.django_db


def _reference():
    """The former `counted_releases`: one grouped query over every release joined to its person."""
    published = Case(When(drafts_q(Release), then=Value(False)), default=Value(True), output_field=BooleanField())
    named = Case(
        When(published_release_q(prefix=""), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    held_in = Case(When(event__isnull=True, then=F("prisoner__country")), default=Value(""), output_field=CharField())
    rows = (
        Release.objects.order_by()
        .annotate(
            c_month=TruncMonth(EFFECTIVE_DATE),
            c_published=published,
            c_named=named,
            c_seen=seen_by_public(Release),
            c_held_in=held_in,
        )
        .values_list(
            "event",
            "event__deal",
            "event__releasing_countries",
            "destination",
            "destination__country",
            "c_month",
            "outcome",
            "freed_at_home",
            "c_held_in",
            "c_published",
            "c_named",
            "c_seen",
        )
        .annotate(n=Count("id"))
    )
    return [(*row[:2], _codes(row[2]), *row[3:8], str(row[8] or ""), *row[9:]) for row in rows]


def _multiset(rows):
    """The rows with the types of their values: the same tuples, the same number of times."""
    return Counter(tuple((type(value).__name__, repr(value)) for value in row) for row in rows)


@pytest.fixture
def world(build):
    """Every combination the flags depend on: a release's own draft flag, its person's draft flag and visibility,
    its event (published, a draft, several releasing countries, no deal, or none: scoped by the person's country);
    several destinations, months and outcomes, freed at home, an undated release."""
    deal, other_deal = build.deal("Synthetic grouping deal"), build.deal("Synthetic grouping other deal")
    events = [
        build.event("Synthetic grouping December", date=date(2025, 12, 13), deal=deal),
        build.event("Synthetic grouping March", date=date(2026, 3, 2), releasing_countries=["BY", "RU"], deal=deal),
        build.event("Synthetic grouping no deal", date=date(2026, 4, 9), releasing_countries=["RU"]),
        build.event("Synthetic grouping draft", date=date(2026, 2, 2), deal=other_deal),
        None,
    ]
    ReleaseEvent.objects.filter(pk=events[3].pk).update(is_draft=True)
    places = cycle([("LT", False, "freed"), ("UA", False, "freed_conditionally"), (None, True, "freed")])
    places_more = cycle([("PL", False, "returned_to_custody"), (None, False, "freed"), ("LT", False, "freed")])
    countries = cycle(["BY", "RU", ""])
    days = cycle([date(2026, 5, 20), date(2026, 6, 1), date(2026, 6, 30), date(2025, 1, 5)])
    combinations = product(events, ("public", "anonymized", "private"), (False, True), (False, True), range(2))
    for index, (event, visibility, person_draft, release_draft, copy) in enumerate(combinations):
        person = build.prisoner(f"Synthetic Grouping {index:03}", visibility=visibility, country=next(countries))
        destination, home, outcome = next(places if copy == 0 else places_more)
        release = build.release(
            person,
            event=event,
            destination=destination,
            freed_at_home=home,
            outcome=outcome,
            date=next(days) if event is None or index % 5 == 0 else None,
        )
        Prisoner.objects.filter(pk=person.pk).update(is_draft=person_draft)
        Release.objects.filter(pk=release.pk).update(is_draft=release_draft)
    for index in range(6):  # more ordinary people, several per group
        person = build.prisoner(f"Synthetic Grouping Ordinary {index}", country=next(countries))
        build.release(person, event=events[index % 3], destination="LT" if index % 2 else None)
    undated = Release.objects.filter(event=events[0]).order_by("pk").first()
    Release.objects.filter(pk=undated.pk).update(effective_date=None)
    return events


def test_the_rows_are_those_of_the_one_grouped_query(world):
    with uncached():
        rows = counted_releases()
    expected = _reference()
    assert _multiset(rows) == _multiset(expected)
    assert len(expected) > 60 and sum(row[-1] for row in rows) == Release.objects.count()
    flags = {row[9:12] for row in expected}
    assert flags == {(True, True, True), (True, True, False), (False, True, False), (False, False, False)}
    assert {row[8] for row in expected} == {"", "BY", "RU"} and any(row[5] is None for row in expected)


def test_a_refresh_is_four_small_queries(world, django_assert_num_queries):
    """The releases in events with the people counted apart, the releases outside events with their people, the
    events and the destinations."""
    with uncached(), django_assert_num_queries(4):
        counted_releases()


def test_the_flags_are_the_rules_of_prisoners_visibility():
    assert counted_lookups(Release) == {"is_draft", "prisoner__is_draft", "prisoner__visibility", "event__is_draft"}
    ordinary = {"is_draft": False, "prisoner__is_draft": False, "prisoner__visibility": "public"}
    assert counted_flags(Release, {**ordinary, "event__is_draft": None}) == (True, True, True)
    assert counted_flags(Release, {**ordinary, "event__is_draft": True}) == (False, True, False)
    assert counted_flags(Release, {**ordinary, "prisoner__visibility": "private", "event__is_draft": False}) == (
        True,
        True,
        False,
    )
    assert counted_flags(Release, {**ordinary, "prisoner__is_draft": True, "event__is_draft": False}) == (
        False,
        False,
        False,
    )


def test_the_people_counted_apart_are_those_of_the_partial_index():
    """The join to the people counted apart reads the partial index only if its condition is the index's."""
    (index,) = [index for index in Prisoner._meta.indexes if index.name == "prisoner_counted_apart"]
    assert index.condition == people_counted_apart_q()
