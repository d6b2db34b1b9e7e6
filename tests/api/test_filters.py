"""Every filter narrows its list as docs/contracts.md says (Filters); a bad value is a 400 that names the parameter."""

from datetime import date

import pytest

pytestmark = pytest.mark.django_db

EVENT = "2025-12-13-belarus-frees-123"


@pytest.fixture
def world(build, december):
    """December's people plus one still held in Russia and one freed in June into Lithuania."""
    held = build.prisoner("Ihar Held", country="RU", citizenship=["BY", "RU"], gender="male")
    build.detention(held, detained_on=date(2023, 5, 1), charges="275")
    june = build.event(
        "June release",
        slug="2025-06-21-june",
        date=date(2025, 6, 21),
        kind="deportation",
        releasing_countries=["BY", "RU"],
        destination_counts={"LT": 14},
    )
    tsikhanouski = build.prisoner("Siarhei Tsikhanouski", country="BY", gender="male")
    build.detention(tsikhanouski, detained_on=date(2020, 5, 29), charges="293|342")
    build.release(tsikhanouski, event=june, destination="LT")
    return december


def names(response):
    assert response.status_code == 200, response.content
    return {
        row.get("full_name") or row.get("slug") or row.get("country") or row.get("link")
        for row in response.json()["results"]
    }


PRISONER_FILTERS = [
    ({"status": "detained"}, {"Ihar Held"}),
    ({"country": "ru"}, {"Ihar Held"}),
    ({"country": "Russia"}, {"Ihar Held"}),
    ({"citizenship": "RU"}, {"Ihar Held"}),
    ({"gender": "female"}, {"Maria Kalesnikava"}),
    ({"detained_after": "2023-01-01"}, {"Ihar Held"}),
    ({"detained_before": "2020-06-01"}, {"Siarhei Tsikhanouski"}),
    ({"detained_after": "2020-09-01", "detained_before": "2020-12-31"}, {"Maria Kalesnikava"}),
    ({"released_after": "2025-12-01"}, {"Ales Bialiatski", "Maria Kalesnikava", "Andrei Ukrainau", "Name withheld"}),
    ({"released_before": "2025-07-01"}, {"Siarhei Tsikhanouski"}),
    ({"release_event": "2025-06-21-june"}, {"Siarhei Tsikhanouski"}),
    ({"destination": "LT"}, {"Ales Bialiatski", "Siarhei Tsikhanouski"}),
    ({"destination": "lt", "release_event": EVENT}, {"Ales Bialiatski"}),
    ({"deal": "potash-2025", "destination": "LT"}, {"Ales Bialiatski"}),
    ({"charge": "342"}, {"Andrei Ukrainau", "Siarhei Tsikhanouski", "Name withheld"}),
    ({"search": "Byalyatski"}, {"Ales Bialiatski"}),
    ({"visibility": "anonymized"}, {"Name withheld"}),
]


@pytest.mark.parametrize(("params", "expected"), PRISONER_FILTERS)
def test_prisoner_filters(client, world, params, expected):
    assert names(client.get("/api/v1/prisoners/", params)) == expected


OTHER_FILTERS = [
    ("release-events", {"date_after": "2025-07-01"}, {EVENT}),
    ("release-events", {"date_before": "2025-07-01"}, {"2025-06-21-june"}),
    ("release-events", {"country": "russia"}, {"2025-06-21-june"}),
    ("release-events", {"kind": "deportation"}, {"2025-06-21-june"}),
    ("release-events", {"deal": "potash-2025"}, {EVENT}),
    ("release-events", {"destination": "UA"}, {EVENT}),
    ("release-events", {"search": "june"}, {"2025-06-21-june"}),
    ("deals", {"status": "implemented"}, {"potash-2025"}),
    ("deals", {"status": "reversed"}, set()),
    ("deals", {"sanctioning_party": "us"}, {"potash-2025"}),
    ("deals", {"target_country": "Belarus"}, {"potash-2025"}),
    ("deals", {"search": "potash"}, {"potash-2025"}),
    ("destinations", {"search": "Ukraine"}, {"UA"}),
    ("destinations", {"release_event": "2025-06-21-june"}, {"LT"}),
    ("sources", {"search": "frees 123"}, {"https://example.org/news/belarus-frees-123"}),
    ("sources", {"kind": "official"}, set()),
]


@pytest.mark.parametrize(("resource", "params", "expected"), OTHER_FILTERS)
def test_other_resource_filters(client, world, resource, params, expected):
    assert names(client.get(f"/api/v1/{resource}/", params)) == expected


def test_release_filters(client, world):
    def prisoners(params):
        response = client.get("/api/v1/releases/", params)
        assert response.status_code == 200, response.content
        return {row["prisoner"]["full_name"] for row in response.json()["results"]}

    assert prisoners({"destination": "LT"}) == {"Ales Bialiatski", "Siarhei Tsikhanouski"}
    assert prisoners({"release_event": "2025-06-21-june"}) == {"Siarhei Tsikhanouski"}
    assert prisoners({"deal": "potash-2025", "destination": "LT"}) == {"Ales Bialiatski"}
    assert prisoners({"date_before": "2025-07-01"}) == {"Siarhei Tsikhanouski"}
    assert prisoners({"prisoner": world["kalesnikava"].pk}) == {"Maria Kalesnikava"}
    assert prisoners({"search": "Kalesnikava"}) == {"Maria Kalesnikava"}
    assert prisoners({"outcome": "returned_to_custody"}) == set()


INVALID = [
    ("prisoners", "status", "jailed"),
    ("prisoners", "country", "Atlantis"),
    ("prisoners", "citizenship", "XX"),
    ("prisoners", "gender", "x"),
    ("prisoners", "detained_after", "2021-13-01"),
    ("prisoners", "detained_before", "yesterday"),
    ("prisoners", "released_after", "13/12/2025"),
    ("prisoners", "released_before", "2025-02-30"),
    ("prisoners", "release_event", "no-such-event"),
    ("prisoners", "destination", "Neverland"),
    ("prisoners", "deal", "no-such-deal"),
    ("prisoners", "ordering", "birth_date"),
    ("prisoners", "page_size", "many"),
    ("prisoners", "page", "0"),
    ("release-events", "date_after", "soon"),
    ("release-events", "date_before", "2025-1-1x"),
    ("release-events", "country", "Mordor"),
    ("release-events", "kind", "kidnapping"),
    ("release-events", "deal", "nope"),
    ("release-events", "destination", "ZZ"),
    ("releases", "release_event", "nope"),
    ("releases", "outcome", "escaped"),
    ("releases", "prisoner", "abc"),
    ("deals", "status", "rumoured"),
    ("deals", "sanctioning_party", "U.S.!"),
    ("deals", "target_country", "Oz"),
    ("destinations", "release_event", "nope"),
    ("sources", "kind", "blog"),
    ("sources", "published_after", "last year"),
]


@pytest.mark.parametrize(("resource", "parameter", "value"), INVALID)
def test_an_invalid_value_answers_400_naming_the_parameter(client, world, resource, parameter, value):
    response = client.get(f"/api/v1/{resource}/", {parameter: value})
    assert response.status_code == 400
    assert parameter in response.json()
    if parameter in ("page", "page_size"):
        return  # CSV is the whole list: it takes no page
    csv_response = client.get(f"/api/v1/{resource}/", {parameter: value, "format": "csv"})
    assert csv_response.status_code == 400
    assert parameter in csv_response.content.decode()


def test_ordering_and_page_size_clamping(client, build):
    for n in range(7):
        build.prisoner(f"Synthetic Order {n}")
    first = client.get("/api/v1/prisoners/", {"page_size": 3, "ordering": "-name"}).json()
    assert [row["full_name"] for row in first["results"]] == [
        "Synthetic Order 6",
        "Synthetic Order 5",
        "Synthetic Order 4",
    ]
    assert first["next"] and first["previous"] is None
    third = client.get("/api/v1/prisoners/", {"page_size": 3, "ordering": "-name", "page": 3}).json()
    assert [row["full_name"] for row in third["results"]] == ["Synthetic Order 0"]
    assert third["next"] is None and third["previous"]
    assert client.get("/api/v1/prisoners/", {"page_size": 100000}).json()["page_size"] == 500
    assert client.get("/api/v1/prisoners/", {"page_size": -4}).json()["page_size"] == 1
    assert client.get("/api/v1/prisoners/", {"page": 99}).json()["results"] == []


def test_detention_filters_given_together_hold_for_the_same_detention(client, build):
    rearrested = build.prisoner("Synthetic Rearrested")
    build.detention(rearrested, detained_on=date(2019, 1, 1), charges="342", ended_on=date(2020, 1, 1))
    build.detention(rearrested, detained_on=date(2023, 1, 1), charges="130")
    assert names(client.get("/api/v1/prisoners/", {"charge": "342"})) == {"Synthetic Rearrested"}
    assert names(client.get("/api/v1/prisoners/", {"detained_after": "2022-01-01"})) == {"Synthetic Rearrested"}
    assert names(client.get("/api/v1/prisoners/", {"charge": "342", "detained_after": "2022-01-01"})) == set()
    assert names(client.get("/api/v1/prisoners/", {"charge": "130", "detained_after": "2022-01-01"})) == {
        "Synthetic Rearrested"
    }
