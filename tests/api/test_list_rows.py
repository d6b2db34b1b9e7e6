"""The people list's rows built from plain values (people/api/list_rows.py) are exactly the serializer's.

Each request is answered twice, once by the fast path and once with `rows_from_values` off (the serializer over
model instances, the reference and the schema's definition); the whole responses must be equal, links included.
"""

from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest
from rest_framework.test import APIClient

from people.api.serializers import PrisonerSerializer
from people.api.views import PrisonerViewSet
from prisoners.models import ReportedValue
from releases.api.views import ReleaseViewSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(build):
    """People of every visibility, drafts, several detentions and releases, variants, non-ASCII names."""
    editor = build.user(perms=["prisoners.add_prisoner", "releases.add_release"])
    deal = build.deal("Scene deal", slug="scene-deal")
    autumn = build.event("Autumn release", slug="autumn-release", date=date(2025, 9, 11), deal=deal)
    winter = build.event("Winter release", slug="winter-release", date=date(2025, 12, 13))
    people = []
    for n in range(12):
        visibility = ("public", "public", "anonymized", "private")[n % 4]
        person = build.prisoner(
            ("Алесь Бяляцкі", "Łukasz Żółć", "Zmitser Nameless", "Yauhen Hidden")[n % 4] + f" {n:02d}",
            native_name="Алесь" if n % 3 == 0 else "",
            name_variants=[f"Ales {n}", f"Aleś {n}"] if n % 2 else [],
            visibility=visibility,
            country="BY" if n % 5 else "",
            citizenship=["BY", "PL"] if n % 3 == 1 else (["UA"] if n % 3 == 2 else []),
            gender=("male", "female", "unknown")[n % 3],
            birth_date=date(1962, 9, 25) if n % 2 else None,
            birth_date_precision=("day", "month", "year")[n % 3],
        )
        build.detention(
            person,
            detained_on=date(2020, 7, 14),
            detained_on_precision="month" if n % 2 else "day",
            charges="342 | 361-1",
            court="Minsk city court",
            sentenced_on=date(2021, 3, 1) if n % 3 else None,
            sentence="5 years",
            sentence_months=60 if n % 2 else None,
            place_of_detention="Penal colony 1",
        )
        if n % 4 == 1:
            build.detention(person, detained_on=date(2023, 1, 1), ended_on=date(2023, 2, 1), ended_on_precision="year")
        publisher = "Viasna" if n % 2 else ""
        source = build.source(f"https://example.org/scene/{n}", title=f"Report {n}", publisher=publisher)
        if n % 3 != 2:
            release = build.release(
                person,
                event=autumn,
                destination="LT" if n % 2 else None,
                forced_exile=bool(n % 2),
                travel_ban=True,
                notes="Freed with Yauhen Hidden 03" if n % 5 == 0 else ("Crossed at Benyakoni" if n % 2 else ""),
                sources=[source] if n % 2 else [],
            )
            ReportedValue.objects.create(
                record=release, field="date", value="2025-09-12", note=f"said by Zmitser Nameless 02 {n}", source=source
            )
        if n % 3 == 0:
            build.release(person, date=date(2024, 5, 2), date_precision="month", outcome="freed_conditionally")
        if n % 4 == 0:
            build.release(person, actor=editor, event=winter, destination="UA")  # a draft release
        people.append(person)
    build.prisoner("Draft Person", actor=editor)
    return editor


def _both(client, monkeypatch, params, url="/api/v1/prisoners/", view=PrisonerViewSet, **headers):
    fast = client.get(url, params, **headers)
    monkeypatch.setattr(view, "rows_from_values", False)
    reference = client.get(url, params, **headers)
    monkeypatch.setattr(view, "rows_from_values", True)
    assert fast.status_code == reference.status_code == 200, (fast.content, reference.content)
    assert fast.content == reference.content or fast.json() != reference.json(), "same values, other key order"
    return fast.json(), reference.json()


CASES = [
    {},
    {"page_size": 1},
    {"page_size": 100},
    {"page_size": 3, "page": 2},
    {"status": "released"},
    {"release_event": "autumn-release"},
    {"destination": "LT"},
    {"search": "Ales"},
    {"search": "Бяляцкі"},
    {"ordering": "-released"},
    {"ordering": "country"},
    {"ordering": "-id", "page_size": 2},
]


@pytest.mark.parametrize("reader", ["anonymous", "view_withheld", "editor"])
def test_rows_from_values_equal_the_serializer(scene, build, monkeypatch, reader):
    client = APIClient()
    if reader == "view_withheld":
        client.force_authenticate(build.user(perms=["prisoners.view_withheld"]))
    elif reader == "editor":
        client.force_authenticate(scene)
    for params in CASES:
        fast, reference = _both(client, monkeypatch, params)
        assert fast == reference, params
        assert fast["results"] or params.get("search") == "Бяляцкі", params
        # Follow the `next` links (cursor pages) to the end: every page equal too.
        pages = 0
        while fast["next"] and pages < 20:
            next_params = dict(parse_qsl(urlsplit(fast["next"]).query))
            assert "cursor" in next_params or "page" in next_params
            fast, reference = _both(client, monkeypatch, next_params)
            assert fast == reference, next_params
            pages += 1


RELEASE_CASES = [
    {},
    {"page_size": 1},
    {"page_size": 100},
    {"release_event": "autumn-release"},
    {"destination": "LT"},
    {"outcome": "freed_conditionally"},
    {"search": "Ales"},
    {"ordering": "date", "page_size": 2},
    {"ordering": "-id", "page_size": 3, "page": 2},
]


@pytest.mark.parametrize("reader", ["anonymous", "view_withheld", "editor"])
def test_release_rows_from_values_equal_the_serializer(scene, build, monkeypatch, reader):
    client = APIClient()
    if reader == "view_withheld":
        client.force_authenticate(build.user(perms=["prisoners.view_withheld"]))
    elif reader == "editor":
        client.force_authenticate(scene)
    url, view = "/api/v1/releases/", ReleaseViewSet
    for params in RELEASE_CASES:
        fast, reference = _both(client, monkeypatch, params, url, view)
        assert fast == reference, params
        assert fast["results"], params
        pages = 0
        while fast["next"] and pages < 30:
            next_params = dict(parse_qsl(urlsplit(fast["next"]).query))
            fast, reference = _both(client, monkeypatch, next_params, url, view)
            assert fast == reference, next_params
            pages += 1
    rows = client.get(url, {"page_size": 100}).json()["results"]
    masked = [row for row in rows if row["notes"].startswith("[Withheld")]
    assert bool(masked) is (reader != "view_withheld")  # the note names someone withheld from the reader
    assert any(row["sources"] for row in rows) and any(row["reported_values"] for row in rows)


def test_rows_in_another_language_equal_the_serializer(scene, client, monkeypatch):
    """Destination names are the country's name in the reader's language, as the serializer gives them."""
    fast, reference = _both(client, monkeypatch, {"destination": "LT"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert fast == reference
    releases = [release for row in fast["results"] for release in row["releases"]]
    names = {release["destination"]["name"] for release in releases if release["destination"]}
    assert names and "Lithuania" not in names


def test_the_scene_covers_what_the_rows_must_get_right(scene, build, client):
    """Withheld people blanked, private and draft people absent for the public, drafts shown to an editor."""
    rows = client.get("/api/v1/prisoners/", {"page_size": 100}).json()["results"]
    withheld = [row for row in rows if row["withheld"]]
    assert withheld and all(row["full_name"] == "Name withheld" and row["native_name"] == "" for row in withheld)
    assert all(row["visibility"] != "private" for row in rows)
    assert "Draft Person" not in {row["full_name"] for row in rows}
    assert any(len(row["releases"]) == 2 and len(row["detentions"]) == 2 for row in rows)
    assert any(release["destination"] for row in rows for release in row["releases"])
    editor = APIClient()
    editor.force_authenticate(scene)
    rows = editor.get("/api/v1/prisoners/", {"page_size": 100}).json()["results"]
    assert "Draft Person" in {row["full_name"] for row in rows}
    assert any(len(row["releases"]) == 3 for row in rows)  # the draft release too


def test_the_list_serializes_no_row(scene, client, monkeypatch):
    """The JSON list does not go through the serializer per row (the detail still does)."""

    def refuse(self, instance):
        raise AssertionError("serializer called")

    monkeypatch.setattr(PrisonerSerializer, "to_representation", refuse)
    response = client.get("/api/v1/prisoners/", {"page_size": 100})
    assert response.status_code == 200 and len(response.json()["results"]) == 9
