"""Named vs reported, breakdown vs total: derived from the people and the breakdown, with warnings."""

from datetime import date

import pytest

from releases.models import EventDestination, Release, ReleaseEvent
from releases.selectors import events_with_named_counts, reconcile_event

pytestmark = pytest.mark.django_db


def people_released(build, event, *destinations, outcome="freed"):
    for destination in destinations:
        build.release(build.prisoner(), event=event, destination=destination, outcome=outcome)


def test_numbers_that_agree_give_no_warning(build):
    event = build.event(reported_count=3, destination_counts={"LT": 1, "UA": 2})
    people_released(build, event, "LT", "UA")
    result = reconcile_event(event)
    assert (result.reported_count, result.named_count, result.unnamed_count) == (3, 2, 1)
    assert result.breakdown_total == 3 and result.named_by_destination == {"LT": 1, "UA": 1}
    assert result.ok and result.warnings == []


def test_more_named_than_reported_warns_only_for_an_exact_count(build):
    event = build.event(reported_count=1)
    people_released(build, event, "LT", "LT")
    assert reconcile_event(event).warnings == ["2 people are named but 1 were reported."]

    event.reported_count_qualifier = "at_least"
    event.save()
    assert reconcile_event(event).warnings == []


def test_a_breakdown_that_does_not_add_up_warns(build):
    event = build.event(reported_count=52, destination_counts={"LT": 51})
    assert reconcile_event(event).warnings == ["The destination breakdown adds up to 51, the reported count is 52."]


def test_named_people_beyond_the_breakdown_warn(build):
    event = build.event(reported_count=5, destination_counts={"LT": 1, "UA": 4})
    people_released(build, event, "LT", "LT", "PL")
    warnings = reconcile_event(event).warnings
    assert "2 people are named as taken to LT, more than the 1 reported." in warnings
    assert "1 named people were taken to PL, which is not in the reported breakdown." in warnings


def test_a_person_returned_to_custody_is_not_counted_as_freed(build):
    event = build.event(reported_count=52, destination_counts={"LT": 52})
    people_released(build, event, "LT")
    people_released(build, event, None, outcome="returned_to_custody")
    result = reconcile_event(event)
    assert (result.named_count, result.returned_count) == (1, 1)
    assert events_with_named_counts().get(pk=event.pk).named_count == 1


def test_prefetched_rows_give_the_same_result_without_queries(build, django_assert_num_queries):
    from django.db.models import Prefetch

    event = build.event(reported_count=2, destination_counts={"LT": 3})
    people_released(build, event, "LT", "LT", "UA")
    plain = reconcile_event(event)
    prefetched = ReleaseEvent.objects.prefetch_related(
        Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
        Prefetch("releases", queryset=Release.objects.select_related("destination")),
        "group_releases",
        "reported_counts",
    ).get(pk=event.pk)
    with django_assert_num_queries(0):
        again = reconcile_event(prefetched)
    assert again == plain
    assert len(plain.warnings) == 3


def test_an_event_without_a_reported_count_only_checks_destinations(build):
    event = build.event(reported_count=None, date=date(2025, 1, 1))
    people_released(build, event, "LT")
    result = reconcile_event(event)
    assert result.unnamed_count is None and result.warnings == []


def test_named_counts_in_one_query_equal_the_annotations(build):
    """`with_named_counts` (one grouped query for all, cached where summaries are) counts as the annotations do:
    every freed person, withheld ones too; not one returned to custody."""
    from releases.models import Destination, ReleaseEvent, SanctionsDeal
    from releases.selectors import (
        deals_with_counts,
        destinations_with_counts,
        events_with_named_counts,
        named_counts,
        with_named_counts,
    )

    deal = build.deal("Synthetic counted deal")
    events = [build.event(f"Synthetic counted {n}", deal=deal if n else None) for n in range(3)]
    for n in range(12):
        person = build.prisoner(visibility=("public", "anonymized", "private")[n % 3])
        outcome = "returned_to_custody" if n == 7 else "freed"
        build.release(person, events[n % 3], destination=("LT", "UA")[n % 2], outcome=outcome)
    for owner, annotated in (
        ("event", events_with_named_counts()),
        ("destination", destinations_with_counts()),
        ("deal", deals_with_counts()),
    ):
        expected = {record.pk: record.named_count for record in annotated if record.named_count}
        assert named_counts.uncached(owner) == expected, owner
    model = {"event": ReleaseEvent, "destination": Destination, "deal": SanctionsDeal}
    for owner, annotated in (("event", events_with_named_counts()), ("destination", destinations_with_counts())):
        counted = {record.pk: record.named_count for record in with_named_counts(owner, model[owner].objects.all())}
        assert counted == {record.pk: record.named_count for record in annotated}
