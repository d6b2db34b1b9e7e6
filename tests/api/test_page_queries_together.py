"""A list page's related rows sent together: one statement for all of a page's related queries
(`tracker.api.prepared.rows_together`), answering exactly what each query answers on its own, in its own order.

Each round trip to the database is a chance to wait for a core on a busy machine: the people list made four (the
page, then its name variants, detentions and releases), the releases list three. On PostgreSQL the related queries
now go as one `UNION ALL`; elsewhere, and for a query that cannot be compiled, each runs on its own as before.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import IntegerField, Value
from django.test.utils import CaptureQueriesContext
from django.utils.translation import get_language

from people.api import list_rows as people_rows
from prisoners import services as prisoner_services
from prisoners.models import NameVariant, Prisoner, ReportedValue, Source
from prisoners.visibility import reader_class
from releases.api import list_rows as release_rows
from releases.models import Release
from tracker.api import prepared
from tracker.api.prepared import PageQuery, rows_together

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def nothing_compiled(monkeypatch):
    monkeypatch.setattr(prepared, "_together", {})


@pytest.fixture
def people(build):
    """Three people: one with name variants made in the reverse of their order, detentions out of date order and
    releases (one undated in an event, one draft, one to a destination); one with nothing; one private."""
    event = build.event("Together event", slug="together-event", date=date(2025, 9, 11))
    full = build.prisoner("Together Full", name_variants=["Zz Variant", "Mm Variant", "Aa Variant"])
    build.detention(full, detained_on=date(2022, 5, 1), charges="342|130")
    build.detention(full, detained_on=date(2020, 1, 1), charges="361")
    build.release(full, event=event, destination="LT")
    build.release(full, date=date(2019, 3, 2))
    editor = build.user(perms=["prisoners.add_prisoner", "releases.add_release"])
    build.release(full, actor=editor, date=date(2026, 1, 5))  # a draft
    bare = build.prisoner("Together Bare")
    hidden = build.prisoner("Together Private", visibility="private", name_variants=["Private Variant"])
    build.release(hidden, event=event)
    return [full.pk, bare.pk, hidden.pk]


def _calls(user):
    return (
        people_rows.PAGE_VARIANTS.call(),
        people_rows.PAGE_DETENTIONS.call(),
        people_rows.PAGE_RELEASES.call(key=(reader_class(user), get_language()), user=user),
    )


def _alone(ids, calls):
    return [call.query.rows(ids, key=call.key, **call.arguments) for call in calls]


@pytest.mark.parametrize("reader", ["public", "staff"])
def test_rows_together_are_each_querys_own_rows_in_its_own_order(people, build, reader):
    user = (
        AnonymousUser() if reader == "public" else build.user(perms=["prisoners.view_withheld", "releases.add_release"])
    )
    calls = _calls(user)
    together = rows_together(people, *calls)
    assert together == _alone(people, calls)
    variants, detentions, releases = together
    names = [row[1] for row in variants if row[0] == people[0]]
    assert names == sorted(names) and len(names) == 3  # ordered by name, not by when they were made
    assert [row[2] for row in detentions] == [date(2020, 1, 1), date(2022, 5, 1)]
    assert len([row for row in releases if row[0] == people[0]]) == (3 if reader == "staff" else 2)
    # A page whose people have nothing of one kind, and a page of nobody.
    assert rows_together(people[1:2], *calls) == [[], [], []]
    assert rows_together([], *calls) == [[], [], []]


@pytest.mark.postgres
def test_a_pages_related_rows_are_one_statement(people):
    calls = _calls(AnonymousUser())
    rows_together(people, *calls)  # compiled (and prepared) with its first run
    with CaptureQueriesContext(connection) as queries:
        again = rows_together(people, *calls)
    assert len(queries.captured_queries) == 1
    assert again == _alone(people, calls)


@pytest.mark.postgres
def test_readers_whose_sql_differs_never_share_a_statement(people, build):
    staff = build.user(perms=["releases.add_release"])
    public_rows = rows_together(people, *_calls(AnonymousUser()))
    staff_rows = rows_together(people, *_calls(staff))
    assert public_rows != staff_rows  # the draft release shows to its editors only
    assert len(prepared._together) == 2
    statements = {together[0].sql for together in prepared._together.values()}
    assert len(statements) == 2


def test_array_arguments_are_filled_in_each_run(build):
    """The releases' sources and reported values take the hidden sources as an array (cached summaries): a source
    hidden after the statement was compiled is gone from the next run."""
    shared = build.source("https://example.org/together/shared", title="Shared together")
    person = build.prisoner("Together Sourced")
    release = build.release(person, event=build.event("Together sourced event"), sources=[shared])
    ReportedValue.objects.create(record=release, field="date", value="2025-09-12", source=shared)
    user = AnonymousUser()
    key = (reader_class(user), "together-test")
    ids = [release.pk]

    def calls(hidden):
        return (
            release_rows.PAGE_SOURCES.call(key=key, user=user, hidden=hidden),
            release_rows.PAGE_REPORTED_VALUES.call(key=key, user=user, hidden=hidden),
        )

    shown = rows_together(ids, *calls([]))
    assert shown == _alone(ids, calls([]))
    assert [row[2] for row in shown[0]] == ["https://example.org/together/shared"]
    assert shown[1][0][3] == "2025-09-12"
    gone = rows_together(ids, *calls([shared.pk]))
    assert gone == _alone(ids, calls([shared.pk]))
    assert gone == [[], []]  # the source, and the value it is the only source of


def test_a_query_that_cannot_be_compiled_runs_each_on_its_own(people):
    """A column that needs a conversion from the database's value (here an expression's output) is not sent
    compiled: then every query of the call runs on its own, answering the same."""
    converted = PageQuery(
        lambda ids: (
            NameVariant.objects.filter(prisoner__in=ids)
            .annotate(mark=Value(1, IntegerField()) + Value(2, IntegerField()))
            .order_by("name")
            .values_list("prisoner", "mark")
        )
    )
    calls = (people_rows.PAGE_DETENTIONS.call(), converted.call())
    together = rows_together(people, *calls)
    assert together == _alone(people, calls)
    assert {row[1] for row in together[1]} == {3}
    assert prepared.compiled_together(*calls) is False
    with CaptureQueriesContext(connection) as queries:
        assert rows_together(people, *calls) == together
    assert len(queries.captured_queries) == 2  # each on its own


def test_a_query_without_its_own_order_runs_on_its_own(people):
    unordered = PageQuery(lambda ids: Source.objects.filter(prisoners__in=ids).order_by().values_list("pk", "link"))
    calls = (people_rows.PAGE_VARIANTS.call(), unordered.call())
    assert rows_together(people, *calls) == _alone(people, calls)
    assert prepared.compiled_together(*calls) is False


@pytest.mark.parametrize("url", ["/api/v1/prisoners/", "/api/v1/releases/"])
def test_the_lists_answer_the_same_with_their_rows_together(people, client, url, monkeypatch):
    together = client.get(url, {"page_size": 100}).json()
    monkeypatch.setattr(prepared, "_together", {key: False for key in prepared._together})
    assert client.get(url, {"page_size": 100}).json() == together
    assert together["results"]


def test_a_person_made_private_after_compiling_is_gone_from_the_next_page(people, client):
    first = {row["full_name"] for row in client.get("/api/v1/prisoners/").json()["results"]}
    assert "Together Full" in first
    prisoner_services.update_prisoner(prisoner=Prisoner.objects.get(pk=people[0]), visibility="anonymized")
    rows = client.get("/api/v1/prisoners/").json()["results"]
    assert "Together Full" not in {row["full_name"] for row in rows}
    withheld = [row for row in rows if row["withheld"]]
    assert withheld and all(row["name_variants"] == [] for row in withheld)


@pytest.mark.parametrize("shape", ["distinct", "sliced"])
def test_a_distinct_or_sliced_query_runs_on_its_own(people, build, shape):
    """Numbering each row would make every row of a DISTINCT distinct, and a slice taken without its ORDER BY would
    cut anywhere: such a query is not sent together."""
    event = build.event("Together distinct event")
    for name in ("Together Distinct One", "Together Distinct Two"):
        build.release(build.prisoner(name), event=event)
    ids = list(Release.objects.filter(event=event).values_list("prisoner", flat=True))
    if shape == "distinct":
        query = PageQuery(
            lambda ids: Release.objects.filter(prisoner__in=ids).order_by("event").values_list("event").distinct()
        )
    else:
        query = PageQuery(lambda ids: Release.objects.filter(prisoner__in=ids).order_by("-id").values_list("id")[:1])
    calls = (people_rows.PAGE_VARIANTS.call(), query.call())
    together = rows_together(ids, *calls)
    assert together == _alone(ids, calls)
    assert together[1] == (
        [(event.pk,)]
        if shape == "distinct"
        else [(max(Release.objects.filter(event=event).values_list("id", flat=True)),)]
    )
    assert prepared.compiled_together(*calls) is False
