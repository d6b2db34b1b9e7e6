"""The findings of the one-door issue, each as a test: shared sources, write responses as a reading door,
publishing without the right, and writes that answered 200 while storing nothing."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from prisoners import services as prisoner_services
from prisoners.models import Prisoner, ReportedValue
from releases.models import DealClaim, Release, ReliefMeasure, ReportedTotal
from tests.api.conftest import PRIVATE_FULL_NAME, WITHHELD_FULL_NAME, WITHHELD_VARIANT

pytestmark = pytest.mark.django_db

SHARED_LINK = "https://example.org/news/zmitser-withheldovich-and-others-freed"
SHARED_TITLE = f"{WITHHELD_FULL_NAME} and others freed"


def _as(build, *perms):
    api = APIClient()
    api.force_authenticate(build.user(perms=perms))
    return api


@pytest.fixture
def shared(december, build):
    """One source cited for the anonymized person and for the event, its breakdown, the deal and a destination."""
    source = build.source(SHARED_LINK, title=SHARED_TITLE, publisher="Example News")
    december["anonymized"].sources.add(source)
    event, deal = december["event"], december["deal"]
    event.sources.add(source)
    event.destination_counts.get(destination__country="UA").sources.add(source)
    deal.sources.add(source)
    deal.relief_measures.get().sources.add(source)
    deal.claims.get().sources.add(source)
    ua = event.destination_counts.get(destination__country="UA").destination
    ua.sources.add(source)
    ReportedValue.objects.create(record=event, field="reported_count", value="124", source=source)
    return source


# Finding 1: a source cited for a withheld person and for an event -----------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/releases/2025-12-13-belarus-frees-123/",
        "/deals/potash-2025/",
        "/destinations/UA/",
        "/api/v1/release-events/2025-12-13-belarus-frees-123/",
        "/api/v1/deals/potash-2025/",
        "/api/v1/destinations/UA/",
        "/api/v1/releases/?format=json",
        "/api/v1/sources/",
        "/api/v1/reported-totals/",
    ],
)
def test_a_source_shared_with_a_withheld_person_is_hidden_at_every_door(shared, client, url):
    body = client.get(url).content.decode()
    assert "zmitser-withheldovich" not in body.lower()
    assert WITHHELD_FULL_NAME not in body


def test_readers_with_the_permission_still_see_the_shared_source(shared, build):
    staff = _as(build, "prisoners.view_withheld")
    body = staff.get("/api/v1/release-events/2025-12-13-belarus-frees-123/").json()
    assert SHARED_LINK in [source["link"] for source in body["sources"]]
    assert "124" in [value["value"] for value in body["reported_values"]]


def test_the_event_keeps_its_other_sources(shared, client, december):
    body = client.get("/api/v1/release-events/2025-12-13-belarus-frees-123/").json()
    assert [source["link"] for source in body["sources"]] == [december["news"].link]
    assert body["reported_values"] == []  # the only one cites the hidden source


def test_demo_a_private_person_named_in_an_event_source(client):
    """The demo's shape: make Kseniya Lutskina private and the 16 Aug 2024 event shows no address naming her."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    lutskina = Prisoner.objects.get(full_name="Kseniya Lutskina")
    event = lutskina.releases.get().event
    assert "lutskina" in client.get(event.get_absolute_url()).content.decode().lower()  # before: named publicly
    prisoner_services.update_prisoner(prisoner=lutskina, visibility="private")
    for url in (event.get_absolute_url(), f"/api/v1/release-events/{event.slug}/", "/api/v1/sources/?page_size=500"):
        assert "lutskina" not in client.get(url).content.decode().lower(), url


# Finding 2: a write's response and its errors are no reading door -----------------------------------


def test_a_writer_cannot_read_hidden_sources_through_source_ids(december, build):
    writer = _as(build, "prisoners.add_prisoner")
    hidden = december["secret_source"]
    response = writer.post("/api/v1/prisoners/", {"full_name": "Synthetic Writer Test", "source_ids": [hidden.pk]})
    assert response.status_code == 400
    missing = writer.post("/api/v1/prisoners/", {"full_name": "Synthetic Writer Test", "source_ids": [999999]})
    assert response.json()["source_ids"] == [m.replace("999999", str(hidden.pk)) for m in missing.json()["source_ids"]]
    assert WITHHELD_FULL_NAME not in response.content.decode()
    assert not Prisoner.objects.filter(full_name="Synthetic Writer Test").exists()


def test_a_release_writer_cannot_tell_a_private_person_from_a_missing_one(december, build):
    writer = _as(build, "releases.add_release")
    private = december["private"]
    event = december["event"].slug
    hidden = writer.post("/api/v1/releases/", {"prisoner_id": private.pk, "release_event": event}, format="json")
    missing = writer.post("/api/v1/releases/", {"prisoner_id": 999999, "release_event": event}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["prisoner_id"] == [m.replace("999999", str(private.pk)) for m in missing.json()["prisoner_id"]]
    assert PRIVATE_FULL_NAME not in hidden.content.decode()


def test_a_source_writer_cannot_tell_a_hidden_source_link_from_a_new_one(december, build):
    """A link already stored as a hidden source answers as a new link does (a second source with it)."""
    writer = _as(build, "prisoners.add_source")
    hidden = december["secret_source"]
    response = writer.post("/api/v1/sources/", {"link": hidden.link, "title": "My copy"}, format="json")
    new_link = {"link": "https://example.org/never-stored", "title": "My copy"}
    fresh = writer.post("/api/v1/sources/", new_link, format="json")
    assert response.status_code == fresh.status_code == 201
    assert set(response.json()) == set(fresh.json())
    assert response.json()["title"] == "My copy" and response.json()["id"] != hidden.pk
    assert WITHHELD_FULL_NAME not in response.content.decode()
    hidden.refresh_from_db()
    assert hidden.title != "My copy"  # the stored hidden source is untouched


def test_a_link_the_writer_can_see_is_still_refused_once(december, build):
    visible = build.source("https://example.org/visible-report", title="Visible report")
    writer = _as(build, "prisoners.add_source")
    response = writer.post("/api/v1/sources/", {"link": visible.link}, format="json")
    assert response.status_code == 400
    assert "already exists" in response.json()["link"][0]
    # A writer who sees withheld records sees the hidden source too: their duplicate is refused.
    keeper = _as(build, "prisoners.add_source", "prisoners.view_withheld")
    response = keeper.post("/api/v1/sources/", {"link": december["secret_source"].link}, format="json")
    assert response.status_code == 400
    assert "already exists" in response.json()["link"][0]


def test_a_link_changed_to_a_hidden_sources_link_is_stored(december, build):
    mine = build.source("https://example.org/mine", title="Mine")
    writer = _as(build, "prisoners.change_source")
    response = writer.patch(f"/api/v1/sources/{mine.pk}/", {"link": december["secret_source"].link}, format="json")
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.link == december["secret_source"].link


def test_a_writers_own_response_masks_a_withheld_person(december, build):
    writer = _as(build, "releases.change_release")
    release = december["anonymized"].releases.get()
    response = writer.patch(f"/api/v1/releases/{release.pk}/", {"confidence": "confirmed"}, format="json")
    assert response.status_code == 200
    assert WITHHELD_FULL_NAME not in response.content.decode()
    assert response.json()["prisoner"]["full_name"] == "Name withheld"


# Finding 3: publishing needs the permission to see withheld records ---------------------------------


def test_changing_a_withheld_person_to_public_needs_view_withheld(december, build):
    anonymized = december["anonymized"]
    editor = _as(build, "prisoners.change_prisoner")
    response = editor.patch(f"/api/v1/prisoners/{anonymized.pk}/", {"visibility": "public"}, format="json")
    assert response.status_code == 403
    assert WITHHELD_FULL_NAME not in response.content.decode()
    anonymized.refresh_from_db()
    assert anonymized.visibility == "anonymized"

    more_private = editor.patch(f"/api/v1/prisoners/{anonymized.pk}/", {"visibility": "private"}, format="json")
    assert more_private.status_code == 200  # restricting needs no special right

    trusted = _as(build, "prisoners.change_prisoner", "prisoners.view_withheld")
    published = trusted.patch(f"/api/v1/prisoners/{anonymized.pk}/", {"visibility": "public"}, format="json")
    assert published.status_code == 200
    assert published.json()["full_name"] == WITHHELD_FULL_NAME


# Finding 5: a write stores everything it was given or answers 400 naming what it could not ------------


def test_patching_a_deal_stores_relief_measures_and_claims(december, staff_client):
    news = december["news"]
    deal = december["deal"]
    kept = deal.relief_measures.get()
    response = staff_client.patch(
        "/api/v1/deals/potash-2025/",
        {
            "relief_measures": [
                {"id": kept.pk, "measure": "Potash sanctions lifted", "target": "Belaruskali", "source_ids": [news.pk]},
                {"measure": "Belavia delisted", "instrument": "delisting", "effective_on": "2025-09-11"},
            ],
            "claims": [{"claim": "No deal was made", "claimant": "Minsk", "position": "denies"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert sorted(deal.relief_measures.values_list("measure", flat=True)) == [
        "Belavia delisted",
        "Potash sanctions lifted",
    ]
    assert deal.relief_measures.get(pk=kept.pk).sources.get() == news
    assert list(deal.claims.values_list("claimant", "position")) == [("Minsk", "denies")]
    body = staff_client.get("/api/v1/deals/potash-2025/").json()
    assert {m["measure"] for m in body["relief_measures"]} == {"Belavia delisted", "Potash sanctions lifted"}
    assert [c["claimant"] for c in body["claims"]] == ["Minsk"]


def test_patching_an_event_stores_reported_values(december, staff_client):
    news = december["news"]
    values = [
        {"field": "reported_count", "value": "123", "reported_by": "US embassy", "source_id": news.pk},
        {"field": "reported_count", "value": "124", "reported_by": "Viasna", "source_id": news.pk, "note": "late"},
    ]
    url = "/api/v1/release-events/2025-12-13-belarus-frees-123/"
    response = staff_client.patch(url, {"reported_values": values}, format="json")
    assert response.status_code == 200, response.content
    event = december["event"]
    assert sorted(event.reported_values.values_list("value", "reported_by")) == [
        ("123", "US embassy"),
        ("124", "Viasna"),
    ]
    assert sorted(v["value"] for v in staff_client.get(url).json()["reported_values"]) == ["123", "124"]
    # A write of the list replaces it.
    assert staff_client.patch(url, {"reported_values": values[:1]}, format="json").status_code == 200
    assert list(event.reported_values.values_list("value", flat=True)) == ["123"]


@pytest.mark.parametrize(
    "url, payload, field",
    [
        ("/api/v1/deals/potash-2025/", {"title": "Renamed", "named_count": 5}, "named_count"),
        ("/api/v1/deals/potash-2025/", {"title": "Renamed", "relief": []}, "relief"),
        ("/api/v1/release-events/2025-12-13-belarus-frees-123/", {"title": "Renamed", "people": []}, "people"),
        ("/api/v1/release-events/2025-12-13-belarus-frees-123/", {"title": "Renamed", "sources": []}, "sources"),
        ("/api/v1/prisoners/{person}/", {"full_name": "Renamed", "withheld": True}, "withheld"),
    ],
)
def test_a_field_that_cannot_be_stored_is_a_400_naming_it(december, staff_client, url, payload, field):
    url = url.format(person=december["bialiatski"].pk)
    before = staff_client.get(url).json()
    response = staff_client.patch(url, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    after = staff_client.get(url).json()
    assert after == before  # nothing of the write was stored


def test_a_nested_error_stores_nothing_of_the_write(december, staff_client):
    response = staff_client.patch(
        "/api/v1/deals/potash-2025/",
        {"title": "Renamed deal", "relief_measures": [{"measure": "x", "instrument": "not-a-token"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "relief_measures" in response.json()
    december["deal"].refresh_from_db()
    assert december["deal"].title == "US lifts sanctions on Belarusian potash"
    assert ReliefMeasure.objects.count() == 1 and DealClaim.objects.count() == 1


# Reported totals: their own endpoint, same permissions as every record ----------------------------------


def test_reported_totals_are_written_through_their_endpoint(december, build, client):
    news = december["news"]
    payload = {
        "reported_on": "2026-01-10",
        "count": 1110,
        "qualifier": "about",
        "counts_what": "political prisoners",
        "reported_by": "Viasna",
        "country": "BY",
        "source_ids": [news.pk],
    }
    assert client.post("/api/v1/reported-totals/", payload, format="json").status_code in (401, 403)
    editor = _as(build, "releases.add_reportedtotal", "releases.change_reportedtotal")
    created = editor.post("/api/v1/reported-totals/", payload, format="json")
    assert created.status_code == 201, created.content
    total = ReportedTotal.objects.get(pk=created.json()["id"])
    assert (total.count, total.reported_on, list(total.sources.all())) == (1110, date(2026, 1, 10), [news])
    listed = client.get("/api/v1/reported-totals/").json()["results"]
    assert [row["count"] for row in listed][:1] == [1110]
    assert listed[0]["sources"][0]["link"] == news.link
    changed = editor.patch(f"/api/v1/reported-totals/{total.pk}/", {"count": 1111}, format="json")
    assert changed.status_code == 200
    total.refresh_from_db()
    assert total.count == 1111
    assert total.history.count() == 2


def test_a_release_write_cannot_name_the_person_field(december, staff_client):
    release = december["bialiatski"].releases.get()
    response = staff_client.patch(f"/api/v1/releases/{release.pk}/", {"prisoner": {"id": 1}}, format="json")
    assert response.status_code == 400 and "prisoner" in response.json()
    assert Release.objects.get(pk=release.pk).prisoner == december["bialiatski"]


def test_hidden_variant_never_in_a_write_error(december, build):
    writer = _as(build, "prisoners.change_prisoner")
    anonymized = december["anonymized"]
    response = writer.patch(f"/api/v1/prisoners/{anonymized.pk}/", {"birth_date": "not-a-date"}, format="json")
    assert response.status_code == 400
    assert WITHHELD_VARIANT not in response.content.decode()
    assert WITHHELD_FULL_NAME not in response.content.decode()


def test_an_update_answers_with_the_detail_as_a_read_shows_it(december, staff_client):
    """A PATCH's answer carries the detail's derived numbers (the fuzzer found events without named_count)."""
    response = staff_client.patch("/api/v1/deals/potash-2025/", {"title": "Renamed deal"}, format="json")
    assert response.status_code == 200
    assert response.json() == staff_client.get("/api/v1/deals/potash-2025/").json()
    assert all("named_count" in event for event in response.json()["events"])
