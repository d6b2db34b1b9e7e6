"""The issue's "Done when": releases from several countries entered through the API alone, shown faithfully by
the API, the pages, the CSV and the stats."""

import csv
import io

import pytest

from releases.models import ReliefMeasure
from tests.countries.scenario import enter_four_countries
from tests.csv_download import csv_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(staff_api):
    return enter_four_countries(staff_api)


def _csv(api, url):
    response = api.get(url, {"format": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(csv_text(response))))


def test_a_process_event_keeps_every_dated_count_and_shows_the_latest_verified(entered, reader_api):
    body = reader_api.get(f"/api/v1/release-events/{entered['process']['slug']}/").json()
    assert body["is_process"] and body["end_date"] == "2024-12-26" and body["reported_count"] is None
    assert [(row["count"], row["basis"]) for row in body["reported_counts"]] == [
        (80, "verified"),
        (626, "claimed"),
        (266, "verified"),
    ]
    assert body["latest_counts"]["verified"]["count"] == 266
    assert body["latest_counts"]["claimed"]["count"] == 626
    assert body["latest_counts"]["reported"] is None
    reconciliation = body["reconciliation"]
    assert reconciliation["latest_verified_count"] == 266
    assert (reconciliation["named_count"], reconciliation["grouped_count"], reconciliation["kept_back_count"]) == (
        1,
        13,
        5,
    )
    assert reconciliation["named_at_home"] == 1 and reconciliation["named_by_destination"] == {"home": 1}

    page = reader_api.get(f"/releases/{entered['process']['slug']}/").content.decode()
    assert "Latest verified count:" in page and "266" in page and "626" in page
    assert "Synthetic members of a religious charity" in page and "Freed at home, no transfer" in page
    assert "until" in page  # the process's end
    assert "No source has given a number of people freed in this event." in page


def test_conflicting_counts_are_kept_side_by_side(entered, reader_api):
    body = reader_api.get(f"/api/v1/release-events/{entered['exchange']['slug']}/").json()
    assert sorted((row["value"], row["reported_by"]) for row in body["reported_values"]) == [
        ("10", "Synthetic Ministry"),
        ("13", "Synthetic Monitor"),
    ]
    assert sorted(body["releasing_countries"]) == ["US", "VE"]
    page = reader_api.get(f"/releases/{entered['exchange']['slug']}/").content.decode()
    assert "Synthetic Ministry" in page and "Synthetic Monitor" in page


def test_a_reversed_measure_keeps_its_row_history_and_date(entered, reader_api):
    deal = reader_api.get(f"/api/v1/deals/{entered['deal']['slug']}/").json()
    (measure,) = deal["relief_measures"]
    assert measure["id"] == entered["measure_id"]
    assert (measure["kind"], measure["status"], measure["reversed_on"]) == (
        "state_list_removal",
        "reversed",
        "2021-01-12",
    )
    assert measure["given_by"]["slug"] == entered["us"]["slug"]
    history = ReliefMeasure.history.filter(id=measure["id"]).order_by("history_date")
    assert [row.status for row in history] == ["effective", "reversed"]
    assert {(row["party"]["slug"], row["role"]) for row in deal["parties"]} == {
        (entered["church"]["slug"], "mediator"),
        (entered["us"]["slug"], "counterparty"),
    }
    page = reader_api.get(f"/deals/{entered['deal']['slug']}/").content.decode()
    assert "Removed from a state list" in page and "Reversed" in page and "12 January 2021" in page
    assert "Synthetic Holy See" in page and "Mediator" in page
    rows = _csv(reader_api, "/api/v1/deals/")
    assert rows[0]["considerations"] == "state_list_removal:reversed:2021-01-12"


def test_parties_and_roles_are_filterable(entered, reader_api):
    church = entered["church"]["slug"]
    events = reader_api.get("/api/v1/release-events/", {"party": church, "role": "mediator"}).json()["results"]
    assert [event["slug"] for event in events] == [entered["church_release"]["slug"]]  # through its deal
    deals = reader_api.get("/api/v1/deals/", {"party": church, "role": "mediator"}).json()["results"]
    assert [deal["slug"] for deal in deals] == [entered["deal"]["slug"]]
    assert reader_api.get("/api/v1/deals/", {"party": church, "role": "host"}).json()["results"] == []
    parties = reader_api.get("/api/v1/parties/", {"role": "mediator"}).json()["results"]
    assert {party["slug"] for party in parties} == {church, "synthetic-qatar"}
    bad = reader_api.get("/api/v1/release-events/", {"party": "atlantis"})
    assert bad.status_code == 400 and "party" in bad.json()


def test_every_country_is_its_own_scope(entered, reader_api):
    syria = reader_api.get("/api/v1/stats/", {"country": "SY"}).json()
    assert [row["slug"] for row in syria["per_event"]] == [entered["process"]["slug"]]
    assert [row["slug"] for row in syria["processes"]] == [entered["process"]["slug"]]
    # The named person by their own release date; the group by its own date.
    assert [
        {key: row[key] for key in ("month", "named_count", "grouped_count")} for row in syria["released_per_month"]
    ] == [
        {"month": "2024-12", "named_count": 1, "grouped_count": 0},
        {"month": "2025-01", "named_count": 0, "grouped_count": 13},
    ]
    held = reader_api.get("/api/v1/stats/").json()["still_held"]["by_country"]
    assert [(row["country"], row["count"]) for row in held] == [("BY", 1100), ("VE", 300)]
    assert reader_api.get("/api/v1/stats/", {"country": "Atlantis"}).status_code == 400

    assert [e["slug"] for e in reader_api.get("/api/v1/release-events/", {"country": "NI"}).json()["results"]] == [
        entered["expulsion"]["slug"]
    ]
    assert len(reader_api.get("/api/v1/releases/", {"country": "SY"}).json()["results"]) == 1
    assert reader_api.get("/api/v1/releases/", {"country": "NI"}).json()["results"] == []
    assert [d["country"] for d in reader_api.get("/api/v1/destinations/", {"country": "NI"}).json()["results"]] == [
        "US"
    ]
    assert [d["slug"] for d in reader_api.get("/api/v1/deals/", {"country": "CU"}).json()["results"]] == [
        entered["deal"]["slug"]
    ]

    home = reader_api.get("/").content.decode()
    assert "Belarus" in home and "Venezuela" in home  # each total labelled with its country
    page = reader_api.get("/countries/SY/")
    assert page.status_code == 200 and "Syria" in page.content.decode()
    assert reader_api.get("/countries/sy/").status_code == 301
    assert reader_api.get("/countries/XX/").status_code == 404
    assert reader_api.get("/?country=SY")["Location"] == "/countries/SY/"
    assert reader_api.get("/countries/").status_code == 200
    feed = reader_api.get("/feeds/releases/", {"country": "CU"}).content.decode()
    assert "Synthetic church-mediated release" in feed and "Synthetic expulsion" not in feed


def test_the_csv_carries_the_new_fields(entered, reader_api):
    rows = {row["slug"]: row for row in _csv(reader_api, "/api/v1/release-events/")}
    process = rows[entered["process"]["slug"]]
    assert process["end_date"] == "2024-12-26" and process["latest_verified_count"] == "266"
    assert process["latest_claimed_count"] == "626" and process["grouped_count"] == "13"
    assert process["kept_back_count"] == "5" and process["named_at_home"] == "1"
    assert "2024-12-26:verified:266" in process["reported_counts"]
    assert rows[entered["expulsion"]["slug"]]["parties"] == "receiving:synthetic-united-states"
    releases = _csv(reader_api, "/api/v1/releases/")
    assert releases[0]["freed_at_home"] == "true" and releases[0]["conditions"] == "reporting_duty"


def test_new_fields_and_endpoints_match_the_schema(entered, reader_api, staff_api):
    from tests.api.test_schema import validate

    schema = reader_api.get("/api/schema/", {"format": "json"}).json()
    cases = [
        (f"/api/v1/release-events/{entered['process']['slug']}/", "/api/v1/release-events/{slug}/"),
        (f"/api/v1/release-events/{entered['exchange']['slug']}/", "/api/v1/release-events/{slug}/"),
        ("/api/v1/release-events/", "/api/v1/release-events/"),
        (f"/api/v1/deals/{entered['deal']['slug']}/", "/api/v1/deals/{slug}/"),
        ("/api/v1/parties/", "/api/v1/parties/"),
        (f"/api/v1/parties/{entered['church']['slug']}/", "/api/v1/parties/{slug}/"),
        ("/api/v1/releases/", "/api/v1/releases/"),
        (f"/api/v1/prisoners/{entered['person']['id']}/", "/api/v1/prisoners/{id}/"),
        ("/api/v1/stats/?country=SY", "/api/v1/stats/"),
        ("/api/v1/stats/", "/api/v1/stats/"),
    ]
    for api in (reader_api, staff_api):
        for url, template in cases:
            response = api.get(url)
            assert response.status_code == 200, url
            validate(schema, template, "get", 200, response.json())
    documented = {p["name"] for p in schema["paths"]["/api/v1/stats/"]["get"]["parameters"]}
    assert "country" in documented
    events = {p["name"] for p in schema["paths"]["/api/v1/release-events/"]["get"]["parameters"]}
    assert {"country", "party", "role", "process"} <= events


def test_writes_need_permission_and_bad_items_name_their_field(entered, reader_api, staff_api):
    slug = entered["process"]["slug"]
    assert reader_api.post("/api/v1/parties/", {"name": "Synthetic"}, format="json").status_code in (401, 403)
    assert reader_api.patch(f"/api/v1/release-events/{slug}/", {"ongoing": True}, format="json").status_code in (
        401,
        403,
    )
    bad = staff_api.patch(
        f"/api/v1/release-events/{slug}/", {"reported_counts": [{"count": -1, "colour": "red"}]}, format="json"
    )
    assert bad.status_code == 400 and "reported_counts" in bad.json()
    bad = staff_api.patch(f"/api/v1/release-events/{slug}/", {"ongoing": True}, format="json")
    assert bad.status_code == 400  # still going on, yet with an end date
    assert staff_api.get(f"/api/v1/release-events/{slug}/").json()["ongoing"] is False
