"""The lists' page queries compiled once per reader class, language and filter combination (compiled_list.py).

Each request is answered twice, once through the compiled page query and once through the ORM (the FilterSet, the
visibility rules and the compiler on every request, as before); the whole responses must be equal, links and
cursors included, for every reader class, filter, order and page, and for bad input the same 400. On PostgreSQL the
tests also check that the filters the benchmark times are compiled (their second request builds no queryset), that
the values of one shape are parameters, and that a shape whose values are not parameters runs through the ORM.
"""

import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from people.api import views as people_views
from people.filtersets import PrisonerFilterSet
from prisoners import services as prisoner_services
from releases.api import views as release_views
from tracker.api.compiled_list import CompiledList

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
PEOPLE = ("/api/v1/prisoners/", people_views.PrisonerViewSet, people_views.PERSON_PAGE)
RELEASES = ("/api/v1/releases/", release_views.ReleaseViewSet, release_views.RELEASE_PAGE)


@pytest.fixture(autouse=True)
def nothing_compiled(monkeypatch):
    """Every test compiles its own shapes (none left by an earlier test, none left for a later one)."""
    for _url, _view, page in (PEOPLE, RELEASES):
        monkeypatch.setattr(page, "_shapes", {})


@pytest.fixture
def scene(build):
    """People of every visibility, drafts, releases in and outside events, to several destinations, on several
    dates, with a deal, conditions and every outcome."""
    editor = build.user(perms=["prisoners.add_prisoner", "releases.add_release"])
    deal = build.deal("Compiled deal", slug="compiled-deal")
    autumn = build.event("Autumn release", slug="autumn", date=date(2025, 9, 11), deal=deal)
    winter = build.event("Winter release", slug="winter", date=date(2025, 12, 13))
    people = []
    for n in range(14):
        visibility = ("public", "public", "anonymized", "private")[n % 4]
        person = build.prisoner(
            ("Ales Compiled", "Maria Compiled", "Withheld Compiled", "Private Compiled")[n % 4] + f" {n:02d}",
            visibility=visibility,
            country=("BY", "RU", "")[n % 3],
            gender=("male", "female", "unknown")[n % 3],
            citizenship=["BY"] if n % 2 else [],
            status=("released", "sentenced", "released", "detained")[n % 4],
        )
        build.detention(person, detained_on=date(2020 + n % 4, 7, 14), charges="342")
        if n % 3 != 2:
            build.release(
                person,
                event=autumn if n % 2 else winter,
                destination=None if n % 6 == 0 else ("LT", "UA")[n % 2],
                outcome="freed" if n % 5 else "freed_conditionally",
                confidence=("confirmed", "reported")[n % 2],
                freed_at_home=n % 6 == 0,
                travel_ban=bool(n % 2),
                notes="Freed with Withheld Compiled 02" if n % 5 == 0 else "",
            )
        if n % 3 == 0:
            build.release(person, date=date(2024, 5, 2 + n), outcome="freed_conditionally")
        if n % 4 == 0:
            build.release(person, actor=editor, event=autumn, destination="UA")  # a draft release
        people.append(person)
    build.prisoner("Draft Compiled", actor=editor)
    return {"editor": editor, "people": people, "autumn": autumn}


def _reader(build, scene, reader):
    client = APIClient()
    if reader == "view_withheld":
        client.force_authenticate(build.user(perms=["prisoners.view_withheld"]))
    elif reader == "editor":
        client.force_authenticate(scene["editor"])
    return client


def _orm_only(monkeypatch):
    """While in force, every list runs its page query through the ORM."""
    monkeypatch.setattr(CompiledList, "page", lambda self, view, paginator: None)


def _both(client, monkeypatch, url, params, **headers):
    compiled = client.get(url, params, **headers)
    with monkeypatch.context() as patch:
        _orm_only(patch)
        reference = client.get(url, params, **headers)
    assert compiled.status_code == reference.status_code, (params, compiled.content, reference.content)
    assert compiled.content == reference.content, params
    return compiled


def _walk(client, monkeypatch, url, params, pages=30):
    """The list from `params` to its end by the `next` links, each page equal both ways; the rows seen."""
    response = _both(client, monkeypatch, url, params)
    assert response.status_code == 200, response.content
    rows = list(response.json()["results"])
    while response.json()["next"] and pages:
        response = _both(client, monkeypatch, url, dict(parse_qsl(urlsplit(response.json()["next"]).query)))
        rows += response.json()["results"]
        pages -= 1
    return rows


PEOPLE_CASES = [
    {},
    {"page_size": 1},
    {"page_size": 3},
    {"page_size": 2, "page": 3},
    {"status": "released"},
    {"status": "detained", "page_size": 2},
    {"country": "BY"},
    {"country": "ru", "gender": "female"},
    {"visibility": "anonymized"},
    {"visibility": "private"},
    {"held": "true", "page_size": 2},
    {"held": "false"},
    {"release_event": "autumn"},
    {"release_event": "autumn", "destination": "UA"},
    {"deal": "compiled-deal", "page_size": 2},
    {"destination": "LT"},
    {"released_after": "2025-10-01"},
    {"released_before": "2025-01-01", "released_after": "2024-01-01"},
    {"detained_after": "2022-01-01", "page_size": 2},
    {"ordering": "-id", "page_size": 2},
    {"ordering": "status", "page_size": 3},
    {"ordering": "-country,name", "page_size": 3},
    {"ordering": "-released", "page_size": 3},
    {"ordering": "created_at", "page_size": 4},
    {"search": "Ales"},
    {"search": "Ales Compiled", "page_size": 2},
    {"search": "compiled  MARIA"},
    {"search": "Compiled Maria 05", "page_size": 3},
    {"search": "Maria", "gender": "female", "ordering": "-id"},
    {"search": "Ales", "release_event": "winter", "country": "BY"},
    {"citizenship": "BY"},
    {"charge": "342", "page_size": 2},
]

RELEASE_CASES = [
    {},
    {"page_size": 1},
    {"page_size": 4},
    {"page_size": 2, "page": 4},
    {"outcome": "freed"},
    {"outcome": "freed_conditionally", "page_size": 2},
    {"confidence": "reported"},
    {"destination": "LT"},
    {"destination": "ua", "release_event": "autumn"},
    {"release_event": "autumn", "page_size": 2},
    {"deal": "compiled-deal"},
    {"date_after": "2025-10-01"},
    {"date_before": "2025-01-01", "page_size": 1},
    {"freed_at_home": "true"},
    {"freed_at_home": "false", "page_size": 2},
    {"country": "BY"},
    {"ordering": "id", "page_size": 3},
    {"ordering": "-id", "page_size": 3, "page": 2},
    {"ordering": "date", "page_size": 2},
    {"search": "Maria"},
]


@pytest.mark.parametrize("reader", ["anonymous", "view_withheld", "editor"])
def test_people_pages_compiled_equal_the_orm(scene, build, monkeypatch, reader):
    client = _reader(build, scene, reader)
    url = PEOPLE[0]
    empty = [params for params in PEOPLE_CASES if not _walk(client, monkeypatch, url, params)]
    assert empty == ([{"visibility": "private"}] if reader != "view_withheld" else []), empty
    if reader != "anonymous":  # the same requests, now through shapes compiled by the walks above
        for params in PEOPLE_CASES:
            _walk(client, monkeypatch, url, params)


@pytest.mark.parametrize("reader", ["anonymous", "view_withheld", "editor"])
def test_release_pages_compiled_equal_the_orm(scene, build, monkeypatch, reader):
    client = _reader(build, scene, reader)
    url = RELEASES[0]
    for params in RELEASE_CASES:
        assert _walk(client, monkeypatch, url, params), params
    rows = client.get(url, {"page_size": 100}).json()["results"]
    assert any(row["notes"].startswith("[Withheld") for row in rows) is (reader != "view_withheld")


def test_the_scene_shows_what_each_reader_may_see(scene, build, monkeypatch):
    """Withheld names replaced and private people absent for the public, drafts only for the editor."""
    public = _walk(APIClient(), monkeypatch, PEOPLE[0], {"page_size": 3})
    names = {row["full_name"] for row in public}
    assert "Name withheld" in names and not any("Withheld" in name or "Private" in name for name in names)
    assert "Draft Compiled" not in names
    staff = _walk(_reader(build, scene, "view_withheld"), monkeypatch, PEOPLE[0], {"page_size": 3})
    assert {"Withheld Compiled 02", "Private Compiled 03"} <= {row["full_name"] for row in staff}
    editor = _walk(_reader(build, scene, "editor"), monkeypatch, RELEASES[0], {"page_size": 3})
    public_releases = _walk(APIClient(), monkeypatch, RELEASES[0], {"page_size": 3})
    assert len(editor) > len(public_releases)


def test_another_language_has_its_own_shape(scene, monkeypatch):
    client = APIClient()
    for language in ("en", "be", "ru"):
        _walk(client, monkeypatch, RELEASES[0], {"page_size": 4}, pages=2)
        _both(client, monkeypatch, RELEASES[0], {"destination": "LT"}, HTTP_ACCEPT_LANGUAGE=language)
        _both(client, monkeypatch, PEOPLE[0], {"status": "released"}, HTTP_ACCEPT_LANGUAGE=language)
    if POSTGRES:
        languages = {key[2] for key in release_views.RELEASE_PAGE._shapes}
        assert {"en", "be", "ru"} <= languages


BAD = [
    {"outcome": "nope"},
    {"date_after": "2025-13-01"},
    {"date_after": "13.12.2025"},
    {"release_event": "no-such-event"},
    {"destination": "Atlantis"},
    {"prisoner": "x"},
    {"page": "0"},
    {"page_size": "many"},
    {"page": "5000", "page_size": "500"},
    {"cursor": "not-a-cursor"},
    {"cursor": "eyJvIjpbIi1lZmZlY3RpdmVfZGF0ZSIsImlkIl0sInYiOlsibm90LWEtZGF0ZSIsMV19"},  # a date that is none
    {"cursor": "eyJvIjpbIi1lZmZlY3RpdmVfZGF0ZSIsImlkIl0sInYiOlsiMjAyNS0wMS0wMSIsIngiXX0"},  # an id that is none
    {"cursor": "eyJvIjpbImlkIl0sInYiOlsxXX0"},  # a cursor of another order
    {"cursor": "eyJvIjpbIi1lZmZlY3RpdmVfZGF0ZSIsImlkIl0sInYiOlsiMjAyNS0wMS0wMSJdfQ"},  # one value short
    {"cursor": "eyJvIjpbIi1lZmZlY3RpdmVfZGF0ZSIsImlkIl0sInYiOlsiMjAyNS0wMS0wMSIsbnVsbF19"},  # a null
    {"cursor": "eyJvIjpbIi1lZmZlY3RpdmVfZGF0ZSIsImlkIl0sInYiOiIyMDI1In0"},  # values not a list
]


def test_bad_input_is_the_same_400_compiled_or_not(scene, monkeypatch):
    client = APIClient()
    for url in (RELEASES[0], PEOPLE[0]):
        _walk(client, monkeypatch, url, {"page_size": 2}, pages=1)  # the shapes compiled first
        _walk(client, monkeypatch, url, {"page_size": 2, "ordering": "-id"}, pages=1)
        for params in BAD:
            if url == PEOPLE[0] and params.keys() & {"outcome", "date_after", "prisoner"}:
                continue  # not filters of people
            response = _both(client, monkeypatch, url, params)
            assert response.status_code == 400, (url, params, response.content)
            assert response.json(), (url, params)
    release_bad = _both(client, monkeypatch, RELEASES[0], {"cursor": BAD[10]["cursor"]})
    assert "cursor" in release_bad.json()


@pytest.mark.skipif(not POSTGRES, reason="compiled SQL runs on PostgreSQL only; other databases take the ORM")
def test_the_benchmarked_filters_are_compiled_and_build_no_queryset_the_second_time(scene, monkeypatch):
    client = APIClient()
    cases = [
        (PEOPLE, {}),
        (PEOPLE, {"status": "released"}),
        (PEOPLE, {"country": "BY"}),
        (PEOPLE, {"release_event": "autumn"}),
        (PEOPLE, {"destination": "UA"}),
        (PEOPLE, {"ordering": "-id"}),
        (PEOPLE, {"ordering": "status"}),
        (PEOPLE, {"page": "2", "page_size": "2"}),
        (RELEASES, {}),
        (RELEASES, {"release_event": "autumn"}),
        (RELEASES, {"destination": "UA"}),
        (RELEASES, {"outcome": "freed"}),
        (RELEASES, {"ordering": "id"}),
    ]
    first = {}
    for (url, _view, _page), params in cases:
        first[(url, tuple(params.items()))] = client.get(url, params).content
    deep = client.get(RELEASES[0], {"page_size": 2}).json()["next"]
    assert "cursor=" in deep
    first[("deep", ())] = client.get(deep).content
    assert all(shape for _url, _view, page in (PEOPLE, RELEASES) for shape in page._shapes.values())

    def refuse(*args, **kwargs):
        raise AssertionError("a queryset built for a shape already compiled")

    for _url, view, _page in (PEOPLE, RELEASES):
        monkeypatch.setattr(view, "page_values", refuse)
        monkeypatch.setattr(view, "filter_queryset", refuse)
    for (url, _view, _page), params in cases:
        assert client.get(url, params).content == first[(url, tuple(params.items()))], params
    assert client.get(deep).content == first[("deep", ())]


@pytest.mark.skipif(not POSTGRES, reason="compiled SQL runs on PostgreSQL only; other databases take the ORM")
def test_one_shape_serves_every_value_of_its_filters(scene, monkeypatch):
    client = APIClient()
    values = ["freed", "freed_conditionally", "returned_to_custody"]
    answers = [_both(client, monkeypatch, RELEASES[0], {"outcome": value}).json()["results"] for value in values]
    assert {row["outcome"] for row in answers[0]} == {"freed"}
    assert {row["outcome"] for row in answers[1]} == {"freed_conditionally"}
    assert answers[2] == []
    outcome_shapes = [key for key in release_views.RELEASE_PAGE._shapes if dict(key[3])["outcome"]]
    assert len(outcome_shapes) == 1
    sql = release_views.RELEASE_PAGE._shapes[outcome_shapes[0]].sql
    assert "'freed" not in sql and "~sentinel" not in sql  # the value is a parameter, not in the SQL
    for event in ("autumn", "winter"):
        rows = _both(client, monkeypatch, PEOPLE[0], {"release_event": event, "page_size": 100}).json()["results"]
        assert rows and all(any(r["event"] and r["event"]["slug"] == event for r in row["releases"]) for row in rows)


@pytest.mark.skipif(not POSTGRES, reason="compiled SQL runs on PostgreSQL only; other databases take the ORM")
def test_a_value_that_is_not_a_parameter_as_it_is_sends_its_shape_through_the_orm(scene, monkeypatch):
    """Declared a parameter by mistake: `citizenship` and `charge` reach the SQL inside a LIKE pattern, `held`
    decides the query's structure; each shape is refused at compilation and answered by the ORM, correctly."""
    client = APIClient()
    monkeypatch.setattr(
        PrisonerFilterSet, "parameter_filters", PrisonerFilterSet.parameter_filters | {"citizenship", "charge", "held"}
    )
    monkeypatch.setattr(PrisonerFilterSet, "structural_filters", frozenset({"ordering"}))
    for params in ({"citizenship": "BY"}, {"charge": "342"}, {"held": "true"}, {"held": "false"}):
        assert _walk(client, monkeypatch, PEOPLE[0], {**params, "page_size": 2}), params
    refused = [key for key, shape in people_views.PERSON_PAGE._shapes.items() if shape is False]
    # One shape each for citizenship and charge, one for `held` ("true" and "false" are one shape when its value is
    # taken for a parameter), and the next pages' shapes (with a cursor).
    assert len([key for key in refused if not key[4]]) == 3
    assert not [shape for shape in people_views.PERSON_PAGE._shapes.values() if shape]


@pytest.mark.skipif(not POSTGRES, reason="compiled SQL runs on PostgreSQL only; other databases take the ORM")
def test_readers_of_different_classes_never_share_a_shape(scene, build, monkeypatch):
    staff = _reader(build, scene, "view_withheld")
    public = APIClient()
    for client in (staff, public, staff, public):
        rows = _walk(client, monkeypatch, PEOPLE[0], {"status": "released", "page_size": 3})
        names = {row["full_name"] for row in rows}
        assert any("Withheld Compiled" in name for name in names) is (client is staff)
    shapes = {key[1] for key in people_views.PERSON_PAGE._shapes}
    assert len(shapes) == 2


def test_a_person_withheld_after_the_shape_was_compiled_is_withheld_in_the_next_response(scene, monkeypatch):
    client = APIClient()
    person = scene["people"][1]
    before = _walk(client, monkeypatch, PEOPLE[0], {"status": "released"})
    assert person.full_name in {row["full_name"] for row in before}
    prisoner_services.update_prisoner(prisoner=person, visibility="private")
    after = _walk(client, monkeypatch, PEOPLE[0], {"status": "released"})
    assert len(after) == len(before) - 1 and person.pk not in {row["id"] for row in after}
    releases = _walk(client, monkeypatch, RELEASES[0], {})
    assert person.pk not in {row["prisoner"].get("id") for row in releases}


SEARCHES = ["Maria", "Ales", "Mraia", "Withheld", "Private", "Compiled", "Nobody", "---", "Ales Compiled", "Maria 05"]


@pytest.mark.parametrize("reader", ["anonymous", "view_withheld"])
def test_a_search_answers_the_same_compiled_or_not_and_never_finds_a_withheld_name(scene, build, monkeypatch, reader):
    client = _reader(build, scene, reader)
    for _round in range(2):  # the second round through the shapes the first compiled
        found = {query: _walk(client, monkeypatch, PEOPLE[0], {"search": query, "page_size": 2}) for query in SEARCHES}
    assert {row["full_name"][:5] for row in found["Maria"]} == {"Maria"}
    assert found["Nobody"] == []
    assert len(found["---"]) == len(_walk(client, monkeypatch, PEOPLE[0], {"page_size": 2}))  # no words: no search
    withheld = [row for row in found["Withheld"] + found["Private"] if "Compiled" in row["full_name"]]
    assert bool(withheld) is (reader == "view_withheld"), withheld


@pytest.mark.skipif(not POSTGRES, reason="compiled SQL runs on PostgreSQL only; other databases take the ORM")
def test_a_search_is_compiled_once_per_shape_its_words_and_lengths_parameters(scene, monkeypatch):
    """Searches for "Maria", "Ales" and "Mraia" are one shape (one word), "Ales Compiled" another: their SQL holds
    no word of any query, and once compiled they build no queryset."""
    client = APIClient()
    one_word = ["Maria", "Ales", "Mraia", "Compiled"]
    first = {query: _both(client, monkeypatch, PEOPLE[0], {"search": query}).content for query in one_word}
    first["Ales Compiled"] = _both(client, monkeypatch, PEOPLE[0], {"search": "Ales Compiled"}).content
    shapes = {key: shape for key, shape in people_views.PERSON_PAGE._shapes.items() if dict(key[3])["search"]}
    assert len(shapes) == 2 and all(shapes.values()), shapes
    for shape in shapes.values():
        assert not {"mare", "ales", "compiled", "sentinel"} & set(re.findall(r"[a-z]+", shape.sql)), shape.sql

    def refuse(*args, **kwargs):
        raise AssertionError("a queryset built for a shape already compiled")

    monkeypatch.setattr(people_views.PrisonerViewSet, "page_values", refuse)
    monkeypatch.setattr(people_views.PrisonerViewSet, "filter_queryset", refuse)
    for query, content in first.items():
        assert client.get(PEOPLE[0], {"search": query}).content == content, query


@pytest.mark.skipif(not POSTGRES, reason="compiled SQL runs on PostgreSQL only; other databases take the ORM")
def test_a_first_page_without_values_is_a_statement_prepared_once_per_connection(scene, monkeypatch):
    """No filter value and no cursor: the first page is a prepared statement (planned once per connection), with its
    page size in the SQL; a page with values, or a later page, is sent as text. Answers equal the ORM's, and a person
    made private after the statement was prepared is gone from the next answer."""
    client = APIClient()
    for params in ({}, {"ordering": "-id"}, {"page_size": 3}, {}, {"ordering": "-id"}):
        _both(client, monkeypatch, PEOPLE[0], params)
    _both(client, monkeypatch, PEOPLE[0], {"status": "released"})
    _both(client, monkeypatch, PEOPLE[0], {"page": 2, "page_size": 3})
    shapes = people_views.PERSON_PAGE._shapes
    prepared = {dict(key[3])["ordering"]: shape.first_pages for key, shape in shapes.items() if shape.first_pages}
    assert set(prepared) == {None, ("-id",)}, prepared  # the status filter's shape has a value: not prepared
    assert set(prepared[None]) == {51, 4}  # the default page size and 3, each plus one; the second page: text
    held = connections["default"].__dict__["_page_statements"][1]
    assert all(held[statement.name] is True for sizes in prepared.values() for statement in sizes.values())
    assert all(f"LIMIT {size}" in statement.sql for sizes in prepared.values() for size, statement in sizes.items())
    person = scene["people"][0]
    assert person.pk in {row["id"] for row in client.get(PEOPLE[0], {"page_size": 100}).json()["results"]}
    prisoner_services.update_prisoner(prisoner=person, visibility="private")
    rows = _both(client, monkeypatch, PEOPLE[0], {}).json()["results"]
    assert person.pk not in {row["id"] for row in rows}
