"""Every resource answers list and detail with what a reader needs; writes go through the services."""

import csv
import io

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from prisoners.models import Prisoner
from releases.models import Release
from tests.csv_download import csv_text

pytestmark = pytest.mark.django_db

EVENT = "2025-12-13-belarus-frees-123"


def test_done_when_a_script_lists_the_13_december_people_narrows_to_ukraine_and_downloads_csv(client, december):
    """The issue's 'done when', the way a `requests` script would do it (plain GETs, JSON and CSV)."""
    event = client.get(f"/api/v1/release-events/{EVENT}/").json()
    taken_to = {person["prisoner"]["full_name"]: person["destination"]["country"] for person in event["people"]}
    assert taken_to == {
        "Ales Bialiatski": "LT",
        "Maria Kalesnikava": "UA",
        "Andrei Ukrainau": "UA",
        "Name withheld": "UA",
    }
    assert event["reconciliation"]["reported_count"] == 123
    assert event["reconciliation"]["named_count"] == 5  # the private person is counted, never listed
    assert {row["destination"]["country"]: row["reported_count"] for row in event["destination_breakdown"]} == {
        "LT": 9,
        "UA": 114,
    }

    ukraine = client.get("/api/v1/prisoners/", {"release_event": EVENT, "destination": "ua"}).json()
    assert [person["full_name"] for person in ukraine["results"]] == [
        "Andrei Ukrainau",
        "Maria Kalesnikava",
        "Name withheld",
    ]
    same_by_releases = client.get("/api/v1/releases/", {"release_event": EVENT, "destination": "Ukraine"}).json()
    assert len(same_by_releases["results"]) == 3

    download = client.get("/api/v1/prisoners/", {"release_event": EVENT, "destination": "UA", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(csv_text(download))))
    assert [(row["full_name"], row["destination"]) for row in rows] == [
        ("Andrei Ukrainau", "UA"),
        ("Maria Kalesnikava", "UA"),
        ("Name withheld", "UA"),
    ]

    # ...and can neither see nor change what it should not.
    assert client.get(f"/api/v1/prisoners/{december['private'].pk}/").status_code == 404
    assert client.delete(f"/api/v1/prisoners/{december['bialiatski'].pk}/").status_code in (401, 403)
    assert client.patch(f"/api/v1/release-events/{EVENT}/", {"reported_count": 1}).status_code in (401, 403)


def test_prisoner_detail_has_the_timeline_with_event_and_destination(client, december):
    person = client.get(f"/api/v1/prisoners/{december['bialiatski'].pk}/").json()
    assert person["full_name"] == "Ales Bialiatski"
    assert person["native_name"] == "Алесь Бяляцкі"
    assert [variant["name"] for variant in person["name_variants"]] == ["Ales Byalyatski"]
    assert person["detentions"][0]["detained_on"] == "2021-07-14"
    assert person["detentions"][0]["charges"] == ["228", "243"]
    release = person["releases"][0]
    assert release["event"]["slug"] == EVENT
    assert release["destination"]["country"] == "LT"
    assert release["sources"][0]["link"] == "https://example.org/news/belarus-frees-123"
    assert person["url"].endswith(f"/api/v1/prisoners/{december['bialiatski'].pk}/")


def test_reported_values_appear_where_sources_disagree(staff_client, december):
    person = staff_client.get(f"/api/v1/prisoners/{december['anonymized'].pk}/").json()
    assert person["reported_values"][0]["field"] == "birth_date"
    assert person["reported_values"][0]["value"] == "1980"


def test_deal_detail_has_relief_claims_events_and_number_freed(client, december):
    deal = client.get("/api/v1/deals/potash-2025/").json()
    assert deal["relief_measures"][0]["target"] == "Belaruskali"
    assert deal["claims"][0]["claimant"] == "US envoy"
    assert deal["claims"][0]["sources"][0]["title"] == "Belarus frees 123"
    assert [event["slug"] for event in deal["events"]] == [EVENT]
    assert deal["named_count"] == 5 and deal["reported_count"] == 123


def test_destination_detail_by_code_in_any_case_lists_people_by_event(client, december):
    assert client.get("/api/v1/destinations/ua/").status_code == 200
    ukraine = client.get("/api/v1/destinations/UA/").json()
    assert ukraine["name"] == "Ukraine"
    assert ukraine["reported_count"] == 114 and ukraine["named_count"] == 4
    (by_event,) = ukraine["events"]
    assert by_event["event"]["slug"] == EVENT
    assert [entry["prisoner"]["full_name"] for entry in by_event["people"]] == [
        "Andrei Ukrainau",
        "Maria Kalesnikava",
        "Name withheld",
    ]
    assert client.get("/api/v1/destinations/FR/").status_code == 404


def test_stats_put_reported_and_named_side_by_side(client, december):
    stats = client.get("/api/v1/stats/").json()
    assert stats["named_totals"]["named_people"] == 5
    assert {row["status"]: row["count"] for row in stats["by_status"]}["released"] == 5
    assert stats["per_event"][0] | {} == stats["per_event"][0]
    assert stats["per_event"][0]["reported_count"] == 123 and stats["per_event"][0]["named_count"] == 5
    assert {row["country"]: (row["reported_count"], row["named_count"]) for row in stats["per_destination"]} == {
        "LT": (9, 1),
        "UA": (114, 4),
    }
    assert stats["per_deal"][0]["named_count"] == 5
    month = {key: stats["released_per_month"][0][key] for key in ("month", "named_count", "grouped_count")}
    assert len(stats["released_per_month"]) == 1 and month == {"month": "2025-12", "named_count": 5, "grouped_count": 0}
    assert stats["still_held"]["reported"]["count"] == 1000
    assert stats["still_held"]["reported"]["qualifier"] == "more_than"
    assert stats["latest_reported_totals"][0]["reported_by"] == "Human Rights Watch"


@pytest.fixture
def editor(build):
    user = build.user(
        perms=[
            "prisoners.add_prisoner",
            "prisoners.change_prisoner",
            "prisoners.delete_prisoner",
            "releases.add_release",
            "releases.change_release",
            "releases.delete_release",
            "releases.add_releaseevent",
            "releases.change_releaseevent",
            "releases.delete_releaseevent",
            "releases.add_sanctionsdeal",
            "releases.change_sanctionsdeal",
            "releases.delete_sanctionsdeal",
            "releases.add_destination",
            "releases.change_destination",
            "releases.delete_destination",
            "prisoners.add_source",
            "prisoners.change_source",
            "prisoners.delete_source",
        ]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_a_prisoner_can_be_created_with_full_name_alone_by_token(editor):
    response = editor.post("/api/v1/prisoners/", {"full_name": "Synthetic New Person"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "unknown"
    person = Prisoner.objects.get(full_name="Synthetic New Person")
    assert person.history.first().history_user.auth_token.key  # attributed to the token's user


def test_writes_go_through_the_services_and_their_rules(editor, december):
    person = editor.post(
        "/api/v1/prisoners/",
        {"full_name": "Synthetic Writer", "country": "belarus", "citizenship": ["by", "Lithuania"], "aliases": ["S W"]},
        format="json",
    ).json()
    assert person["country"] == "BY" and person["citizenship"] == ["BY", "LT"]
    release = editor.post(
        "/api/v1/releases/",
        {"prisoner_id": person["id"], "release_event": EVENT, "destination_country": "Lithuania"},
        format="json",
    )
    assert release.status_code == 201, release.content
    assert release.json()["destination"]["country"] == "LT"
    assert Prisoner.objects.get(pk=person["id"]).status == "released"  # the service refreshed the status

    twice = editor.post("/api/v1/releases/", {"prisoner_id": person["id"], "release_event": EVENT}, format="json")
    assert twice.status_code == 400
    contradiction = editor.patch(f"/api/v1/prisoners/{person['id']}/", {"status": "detained"}, format="json")
    assert contradiction.status_code == 400
    assert "status" in contradiction.json()

    event = editor.post(
        "/api/v1/release-events/",
        {
            "title": "Synthetic release",
            "date": "2025-09-11",
            "releasing_countries": ["BY"],
            "destination_counts": {"Lithuania": 52},
            "deal_slug": "potash-2025",
        },
        format="json",
    )
    assert event.status_code == 201, event.content
    slug = event.json()["slug"]
    changed = editor.patch(f"/api/v1/release-events/{slug}/", {"reported_count": 52}, format="json")
    assert changed.json()["reported_count"] == 52
    assert editor.delete(f"/api/v1/release-events/{EVENT}/").status_code == 409  # releases point to it
    assert editor.delete(f"/api/v1/release-events/{slug}/").status_code == 204

    deal = editor.post(
        "/api/v1/deals/", {"title": "Synthetic Belavia relief", "sanctioning_party": "us"}, format="json"
    )
    assert deal.status_code == 201 and deal.json()["sanctioning_party"] == "US"
    source = editor.post("/api/v1/sources/", {"link": "https://example.org/synthetic/new"}, format="json")
    assert source.status_code == 201
    destination = editor.post("/api/v1/destinations/", {"country": "poland"}, format="json")
    assert destination.status_code == 201 and destination.json()["country"] == "PL"
    assert editor.delete(f"/api/v1/prisoners/{person['id']}/").status_code == 204
    assert not Release.objects.filter(prisoner_id=person["id"]).exists()


def test_validation_errors_are_400_with_field_messages(editor):
    response = editor.post("/api/v1/prisoners/", {"full_name": "", "birth_date": "May 1980"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"full_name", "birth_date"}
    response = editor.post("/api/v1/prisoners/", {"full_name": "X", "country": "Narnia"}, format="json")
    assert response.status_code == 400 and "country" in response.json()
    response = editor.post("/api/v1/release-events/", {"title": "No date"}, format="json")
    assert response.status_code == 400 and "date" in response.json()


def test_a_destination_that_exists_is_not_created_twice(editor, december):
    response = editor.post("/api/v1/destinations/", {"country": "ua"}, format="json")
    assert response.status_code == 400
    assert "country" in response.json()


def test_the_api_root_links_every_resource(client):
    links = client.get("/api/v1/").json()
    for name in ("prisoners", "release-events", "releases", "destinations", "deals", "sources", "stats", "schema"):
        assert client.get(links[name]).status_code == 200, name
