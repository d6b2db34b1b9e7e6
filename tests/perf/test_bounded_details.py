"""Nothing unbounded: an event's or a destination's page and API detail list a first page of people,
their count and a link to the filtered list, however many people there are (issue 16, must have 1)."""

import pytest
from rest_framework.test import APIClient

from releases.selectors import PEOPLE_FIRST_PAGE

pytestmark = pytest.mark.django_db

CROWD = PEOPLE_FIRST_PAGE + 12  # more people than a first page holds
SLUG = "synthetic-crowded-event"


@pytest.fixture
def crowded(build):
    """An event with 62 public people taken to LT, 3 anonymized ones and a private one."""
    event = build.event("Synthetic crowded event", slug=SLUG, reported_count=70)
    for n in range(CROWD):
        build.release(build.prisoner(f"Synthetic Crowd {n:03d}"), event=event, destination="LT")
    for n in range(3):
        build.release(build.prisoner(f"Synthetic Hidden {n}", visibility="anonymized"), event=event, destination="LT")
    build.release(build.prisoner("Synthetic Private", visibility="private"), event=event, destination="LT")
    return event


def test_event_api_detail_lists_a_first_page_with_a_count_and_a_link(crowded):
    event = APIClient().get(f"/api/v1/release-events/{SLUG}/").json()
    assert len(event["people"]) == PEOPLE_FIRST_PAGE
    assert [row["prisoner"]["full_name"] for row in event["people"][:2]] == [
        "Synthetic Crowd 000",
        "Synthetic Crowd 001",
    ]
    assert event["people_count"] == CROWD + 3  # the withheld are counted, the private one is absent
    assert event["people_url"].endswith(f"/api/v1/prisoners/?release_event={SLUG}")
    assert event["reconciliation"]["named_count"] == CROWD + 4  # totals count everyone
    assert event["named_count"] == CROWD + 4


def test_event_api_list_counts_named_people_by_destination_without_listing_them(crowded):
    (event,) = APIClient().get("/api/v1/release-events/").json()["results"]
    assert event["named_count"] == CROWD + 4
    assert "people" not in event


def test_destination_api_detail_lists_a_first_page_per_event(crowded):
    lithuania = APIClient().get("/api/v1/destinations/LT/").json()
    (by_event,) = lithuania["events"]
    assert len(by_event["people"]) == PEOPLE_FIRST_PAGE
    assert by_event["people_count"] == CROWD + 3
    assert by_event["people_url"].endswith(f"/api/v1/prisoners/?destination=LT&release_event={SLUG}")
    names = [row["prisoner"]["full_name"] for row in by_event["people"]]
    assert "Synthetic Private" not in names and names == sorted(names)


def test_staff_see_the_private_person_counted_in_the_first_page_count(crowded, build):
    staff = APIClient()
    staff.force_authenticate(build.user(perms=["prisoners.view_withheld"]))
    assert staff.get(f"/api/v1/release-events/{SLUG}/").json()["people_count"] == CROWD + 4


def test_event_page_shows_a_first_page_and_links_to_all_of_them(client, crowded):
    response = client.get(crowded.get_absolute_url())
    assert len(response.context["people"]) == PEOPLE_FIRST_PAGE
    assert response.context["people_count"] == CROWD + 3
    html = response.content.decode()
    assert f"The first {PEOPLE_FIRST_PAGE} of {CROWD + 3} people" in html
    assert f'href="/prisoners/?release_event={SLUG}"' in html
    assert "Synthetic Crowd 061" not in html  # beyond the first page
    assert response.context["not_listed_count"] == 1  # the private person: counted, never listed


def test_destination_page_shows_a_first_page_and_links_to_all_of_them(client, crowded):
    response = client.get("/destinations/LT/")
    assert len(response.context["people"]) == PEOPLE_FIRST_PAGE
    assert response.context["people_count"] == CROWD + 3
    assert 'href="/prisoners/?destination=LT"' in response.content.decode()
    assert response.context["not_listed_count"] == 1
