"""The list pages' related rows from queries compiled once per reader class (tracker/api/prepared.py).

A compiled query is shared only by readers the visibility module puts in one class (`reader_class`): a reader who
sees withheld people (or drafts) and the public never share one whose SQL differs; what changes from one request to
the next (the hidden sources' ids) is a parameter, so a person withheld after a query was compiled is withheld in
the very next response. And the lists' FilterSets, on their own, leave out what a reader may not see.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.utils.translation import get_language
from rest_framework.test import APIClient

from people.api import list_rows as people_rows
from people.api import views as people_views
from people.filtersets import PrisonerFilterSet
from prisoners import services as prisoner_services
from prisoners import visibility
from prisoners.models import Prisoner, ReportedValue, Source
from releases.api import list_rows as release_rows
from releases.api import views as release_views
from releases.filtersets import ReleaseFilterSet
from releases.models import Release
from tracker.api import prepared
from tracker.api.prepared import PageQuery

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
QUERIES = (people_rows.PAGE_RELEASES, release_rows.PAGE_SOURCES, release_rows.PAGE_REPORTED_VALUES)


@pytest.fixture(autouse=True)
def nothing_compiled(monkeypatch):
    """Every test compiles its own queries (none left by an earlier test, none left for a later one)."""
    monkeypatch.setattr(prepared, "_together", {})
    for query in QUERIES:
        monkeypatch.setattr(query, "_prepared", {})
    for page in (people_views.PERSON_PAGE, release_views.RELEASE_PAGE):
        monkeypatch.setattr(page, "_shapes", {})


@pytest.fixture
def summaries(request, settings):
    """The hidden sources as a list of ids from the cache of summaries (production), or as a subquery (cache off)."""
    if request.param:
        cache.clear()
        settings.READ_CACHE_SUMMARY_SECONDS = 60
    yield request.param
    if request.param:
        cache.clear()


@pytest.fixture
def scene(build):
    """A public person whose source is also cited for another public person, their releases, a reported value
    citing the source, a private person and a draft release."""
    event = build.event("Compiled event", slug="compiled-event", date=date(2025, 9, 11))
    shared = build.source("https://example.org/compiled/shared", title="Shared report")
    one = build.prisoner("Compiled Person One", sources=[shared])
    two = build.prisoner("Compiled Person Two")
    release = build.release(one, event=event, destination="LT", sources=[shared])
    build.release(two, event=event, destination="UA", sources=[shared])
    ReportedValue.objects.create(record=release, field="date", value="2025-09-12", source=shared)
    build.release(build.prisoner("Compiled Private", visibility="private"), event=event)
    editor = build.user(perms=["prisoners.add_prisoner", "releases.add_release"])
    build.release(two, actor=editor, date=date(2025, 12, 1))  # a draft release
    return {"one": one, "two": two, "shared": shared, "editor": editor}


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _releases(client):
    response = client.get("/api/v1/releases/", {"page_size": 100})
    assert response.status_code == 200
    return {row["prisoner"]["full_name"]: row for row in response.json()["results"] if row["event"]}  # no draft


def _people(client):
    response = client.get("/api/v1/prisoners/", {"page_size": 100})
    assert response.status_code == 200
    return response.json()["results"]


def test_reader_class_tells_apart_every_reader_whose_sql_differs(build):
    staff = build.user(perms=["prisoners.view_withheld"])
    editor = build.user(perms=["releases.add_release"])
    both = build.user(perms=["prisoners.view_withheld", "prisoners.add_prisoner"])
    classes = {
        name: visibility.reader_class(user)
        for name, user in {
            "anonymous": AnonymousUser(),
            "reader": build.user(),
            "view_withheld": staff,
            "editor": editor,
            "both": both,
        }.items()
    }
    assert classes["anonymous"] == classes["reader"]  # the same SQL: one class
    distinct = [classes[name] for name in ("anonymous", "view_withheld", "editor", "both")]
    assert len(set(distinct)) == 4
    # Nothing of the user goes in: two readers with the same permissions are one class.
    assert visibility.reader_class(build.user(perms=["prisoners.view_withheld"])) == classes["view_withheld"]


@pytest.mark.parametrize("summaries", [False, True], indirect=True, ids=["subquery", "cached-ids"])
@pytest.mark.parametrize("first", ["staff", "public"])
def test_a_staff_reader_and_the_public_never_share_a_compiled_query(scene, build, summaries, first):
    prisoner_services.update_prisoner(prisoner=scene["one"], visibility="anonymized")  # its source is hidden now
    staff = build.user(perms=["prisoners.view_withheld", "prisoners.add_prisoner"])
    readers = {"staff": _client(staff), "public": _client()}
    order = [first, "public" if first == "staff" else "staff"]
    seen = {}
    for _round in range(2):  # each reader after the other has compiled its queries, both ways
        for name in order:
            seen[name] = (_releases(readers[name]), _people(readers[name]))
            releases, people = seen[name]
            if name == "staff":
                assert releases["Compiled Person Two"]["sources"][0]["title"] == "Shared report"
                assert releases["Compiled Person One"]["reported_values"]
                assert "Compiled Private" in releases
                assert any(len(row["releases"]) == 2 for row in people)  # the draft release shows
            else:
                assert releases["Compiled Person Two"]["sources"] == []
                assert releases["Name withheld"]["reported_values"] == []
                assert "Compiled Private" not in releases
                assert all(len(row["releases"]) == 1 for row in people)  # no draft release
    if POSTGRES:
        keys = {
            "staff": visibility.reader_class(staff),
            "public": visibility.reader_class(AnonymousUser()),
        }
        for name in keys:  # each reader class's page queries, sent together (tracker.api.prepared.rows_together)
            release_key = (keys[name], release_rows.ContentType.objects.get_for_model(Release).pk)
            people_key = (keys[name], get_language())
            keys[name] = (
                prepared.compiled_together(
                    release_rows.PAGE_SOURCES.call(key=release_key),
                    release_rows.PAGE_REPORTED_VALUES.call(key=release_key),
                ),
                prepared.compiled_together(
                    people_rows.PAGE_VARIANTS.call(),
                    people_rows.PAGE_DETENTIONS.call(),
                    people_rows.PAGE_RELEASES.call(key=people_key),
                ),
            )
        for staff_sql, public_sql in zip(keys["staff"], keys["public"], strict=True):
            assert staff_sql and public_sql and staff_sql != public_sql


@pytest.mark.parametrize("summaries", [False, True], indirect=True, ids=["subquery", "cached-ids"])
def test_a_person_withheld_after_the_query_was_compiled_is_withheld_in_the_next_response(scene, summaries):
    client = _client()
    if summaries:
        assert visibility.hidden_sources(AnonymousUser()) == []  # an empty array runs too
    before = _releases(client)
    assert before["Compiled Person Two"]["sources"][0]["title"] == "Shared report"
    assert before["Compiled Person One"]["reported_values"][0]["source"]["title"] == "Shared report"
    people = {row["full_name"]: row for row in _people(client)}
    assert people["Compiled Person One"]["withheld"] is False
    key = (visibility.reader_class(AnonymousUser()), release_rows.ContentType.objects.get_for_model(Release).pk)
    together = ((release_rows.PAGE_SOURCES, key), (release_rows.PAGE_REPORTED_VALUES, key))
    compiled = prepared._together.get(together)  # the page's sources and reported values, sent together

    prisoner_services.update_prisoner(prisoner=scene["one"], visibility="anonymized")

    after = _releases(client)
    assert "Compiled Person One" not in after
    assert after["Name withheld"]["reported_values"] == [] and after["Name withheld"]["sources"] == []
    assert after["Compiled Person Two"]["sources"] == []  # the shared source is cited for someone withheld now
    people = {row["full_name"]: row for row in _people(client)}
    assert "Compiled Person One" not in people and people["Name withheld"]["withheld"] is True
    if summaries:
        assert visibility.hidden_sources(AnonymousUser()) == [scene["shared"].pk]
    # The same compiled query answered (its SQL and parameters untouched): the hidden sources came as a parameter
    # (or, with the cache of summaries off, as a subquery run each time), never as part of the compiled SQL.
    assert prepared._together.get(together) is compiled
    assert compiled if POSTGRES else compiled is False


def test_array_arguments_are_parameters_and_other_arguments_need_a_key(build):
    sources = [build.source(f"https://example.org/compiled/{n}") for n in range(4)]
    ids = [source.pk for source in sources]
    query = PageQuery(
        lambda ids, hidden: Source.objects.filter(pk__in=ids).exclude(pk__in=hidden).order_by("pk").values_list("pk")
    )
    assert query.rows(ids, hidden=[]) == [(pk,) for pk in ids]
    assert query.rows(ids, hidden=ids[1:3]) == [(ids[0],), (ids[3],)]
    assert query.rows(ids[:2], hidden=[ids[0]]) == [(ids[1],)]
    if POSTGRES:
        sql = query.compiled(())
        assert sql.count("= ANY(%s)") == 2 and "IN (" not in sql
        with pytest.raises(TypeError):  # a key whose SQL was compiled with an array, given something else
            query.rows(ids, hidden=Source.objects.filter(pk=ids[0]).values("pk"))
    else:
        assert query.compiled(()) is False  # SQLite: through the ORM, each time with the request's arguments
        assert query.rows(ids, hidden=Source.objects.filter(pk=ids[0]).values("pk")) == [(pk,) for pk in ids[1:]]


def _filtered(filterset_class, model, user):
    request = RequestFactory().get("/")
    request.user = user
    return filterset_class(QueryDict(), queryset=model.objects.all(), request=request).qs


def test_the_list_filtersets_alone_leave_out_what_the_reader_may_not_see(scene):
    """The list views' querysets apply who-sees-what, and so do their FilterSets on their own (visible_* rules)."""
    public = AnonymousUser()
    people = set(_filtered(PrisonerFilterSet, Prisoner, public).values_list("full_name", flat=True))
    assert "Compiled Person One" in people and "Compiled Private" not in people
    releases = _filtered(ReleaseFilterSet, Release, public)
    assert not releases.filter(prisoner__full_name="Compiled Private").exists()
    assert not releases.filter(is_draft=True).exists()
    assert releases.filter(prisoner=scene["two"]).count() == 1
    assert _filtered(ReleaseFilterSet, Release, scene["editor"]).filter(is_draft=True).exists()


def _statements(client, url):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"].split(" ", 1)[0] for query in queries.captured_queries if "page_query_" in query["sql"]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_connection_prepares_a_page_query_once_and_then_only_executes_it(build):
    """Planning the page's reported values took ~1 ms, running them ~0.05 ms: a connection prepares each compiled
    query with its first run (one round trip with the run), then only executes it; a new connection prepares again,
    and a rollback keeps what was prepared (prepared statements live outside transactions)."""
    from django.db import transaction

    person = build.prisoner("Prepared Person")
    release = build.release(person, event=build.event("Prepared event", slug="prepared-event"))
    ReportedValue.objects.create(record=release, field="date", value="2025-09-12", source=build.source())
    client = _client()
    first = client.get("/api/v1/releases/").json()
    connection.close()
    # The page's own query (a first page without filter values, `tracker.api.compiled_list`) and its two related,
    # sent together as one statement (`tracker.api.prepared.rows_together`).
    assert _statements(client, "/api/v1/releases/") == ["PREPARE", "PREPARE"]  # a new connection
    assert _statements(client, "/api/v1/releases/") == ["EXECUTE", "EXECUTE"]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert client.get("/api/v1/releases/").json() == first
        raise RuntimeError("rolled back")
    assert _statements(client, "/api/v1/releases/") == ["EXECUTE", "EXECUTE"]
    assert client.get("/api/v1/releases/").json() == first
    assert first["results"][0]["reported_values"][0]["value"] == "2025-09-12"


def test_a_query_the_server_cannot_prepare_runs_as_text(build):
    """Parameters whose types the server cannot infer (`$1 + $2`): PREPARE would fail, so the query is sent as text
    each time (never an error, never a broken transaction)."""
    from django.db.models import IntegerField, Value

    source = build.source("https://example.org/compiled/text")
    query = PageQuery(
        lambda ids: (
            Source.objects.filter(pk__in=ids)
            .alias(mark=Value(1, IntegerField()) + Value(2, IntegerField()))
            .filter(mark=3)
            .values_list("pk", "link")
        )
    )
    assert query.rows([source.pk]) == [(source.pk, source.link)]
    assert query.rows([source.pk]) == [(source.pk, source.link)]
    if POSTGRES:
        assert query._prepared[()].preparable is False
    assert Source.objects.filter(pk=source.pk).exists()  # the transaction still works


@pytest.mark.postgres
def test_prepared_statements_can_be_turned_off(build, settings):
    settings.PREPARE_PAGE_QUERIES = False
    build.release(build.prisoner("Unprepared Person"), event=build.event("Unprepared event", slug="unprepared"))
    client = _client()
    assert client.get("/api/v1/releases/").status_code == 200
    assert _statements(client, "/api/v1/releases/") == []
    key = (visibility.reader_class(AnonymousUser()), release_rows.ContentType.objects.get_for_model(Release).pk)
    assert prepared.compiled_together(
        release_rows.PAGE_SOURCES.call(key=key), release_rows.PAGE_REPORTED_VALUES.call(key=key)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_gone_from_the_connection_is_run_as_text_not_answered_with_a_500(build):
    """A prepared statement can fail where its text would not: a pooler or `DISCARD ALL` dropped it, or a deploy's
    migration changed a column's type under it ("cached plan must not change result type"). The connection then
    runs the query as text from that moment, and the reader gets the list."""
    person = build.prisoner("Prepared Gone Person")
    build.release(person, event=build.event("Prepared gone event", slug="prepared-gone-event"))
    client = _client()
    first = client.get("/api/v1/releases/").json()
    assert _statements(client, "/api/v1/releases/") == ["EXECUTE", "EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    response = client.get("/api/v1/releases/")
    assert response.status_code == 200 and response.json() == first
    assert _statements(client, "/api/v1/releases/") == []  # as text on this connection from now on
    assert client.get("/api/v1/releases/").json() == first
