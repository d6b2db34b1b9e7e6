"""The first page of an event's people (the event page, and the summary shared by its public readers) in the
public's order (named people by name, withheld ones last, `prisoners.visibility.name_ordering`) read from an
index in that order: at a million people the biggest event's first fifty were a sort of all its 49,000 people
joined to every person (0.2-0.35 s, again after every write on release day); from the index, ~1 ms."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser


@pytest.fixture
def event_with_people(build):
    event = build.event("Synthetic ordered event", slug="synthetic-ordered", date=date(2025, 5, 1))
    for name, visibility in [("Zora Synthetic", "public"), ("Adam Synthetic", "public"), ("Hidden", "anonymized")]:
        build.release(build.prisoner(name, visibility=visibility), event=event, destination="LT")
    return event


def _first_page(event):
    from prisoners.visibility import name_ordering, visible_releases
    from releases.selectors import owner_releases

    reader = AnonymousUser()
    visible = visible_releases(reader, owner_releases(reader, "event", event.pk))
    return visible.order_by(*name_ordering(reader, prefix="prisoner__")).values_list("prisoner__full_name", flat=True)


@pytest.mark.django_db
def test_the_public_order_is_named_people_by_name_then_the_withheld(event_with_people):
    assert list(_first_page(event_with_people)) == ["Adam Synthetic", "Zora Synthetic", "Hidden"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_index_gives_the_first_page_in_the_public_order(event_with_people):
    from django.db import connection

    with connection.cursor() as cursor:  # the plan the index makes possible, whatever the size of the tables
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _first_page(event_with_people)[:50].explain()
    assert "prisoner_withheld_last" in plan, plan
    assert "Sort" not in plan, plan
