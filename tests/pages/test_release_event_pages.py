"""The release event list and the story of one release."""

import pytest

from tests.pages.scenario import ANONYMIZED_NAME, PRIVATE_NAME, STAFF_NOTE

pytestmark = pytest.mark.django_db


def test_event_page_tells_the_story_of_13_december(client, dec13):
    response = client.get("/releases/2025-12-13-frees-123/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "13 December 2025" in html
    assert "Freed and expelled" in html  # the kind in words, not its token
    assert "John Coale, US special envoy for Belarus" in html
    assert 'href="/deals/2025-us-potash-sanctions-relief/"' in html
    # Destination breakdown, reported next to named, in a chart with a data table.
    assert 'href="/destinations/LT/"' in html and 'href="/destinations/UA/"' in html
    assert "Lithuania: 9 reported, 1 named" in html
    assert "Ukraine: 114 reported, 3 named" in html  # Kalesnikava, the anonymized and the private person
    assert '<svg class="hbar"' in html and "<caption>" in html
    # Reported 123 next to named 4 (the private person is counted, not listed).
    assert response.context["reconciliation"].reported_count == 123
    assert response.context["reconciliation"].named_count == 4
    # Sources of the event are linked.
    assert dec13.aljazeera.link in html and dec13.hrw.link in html


def test_event_page_lists_people_with_where_each_went(client, dec13):
    html = client.get("/releases/2025-12-13-frees-123/").content.decode()
    people = html[html.index('id="people-heading"') :]
    assert "Ales Bialiatski" in people and "Maria Kalesnikava" in people
    bialiatski = people[people.index("Ales Bialiatski") : people.index("</li>", people.index("Ales Bialiatski"))]
    assert "Lithuania" in bialiatski and "forced exile" in bialiatski
    kalesnikava = people[people.index("Maria Kalesnikava") : people.index("</li>", people.index("Maria Kalesnikava"))]
    assert "Ukraine" in kalesnikava


def test_event_page_withholds_and_hides_people_from_the_public(client, dec13):
    html = client.get("/releases/2025-12-13-frees-123/").content.decode()
    assert ANONYMIZED_NAME not in html
    assert "Name withheld" in html
    assert PRIVATE_NAME not in html
    assert f"/prisoners/{dec13.private.pk}/" not in html
    assert "https://example.org/hanna-hiddenname-profile" not in html  # a withheld person's own source
    assert "1 more named person is counted but not listed" in html
    assert STAFF_NOTE not in html


def test_event_page_shows_everyone_to_staff(staff_client, dec13):
    html = staff_client.get("/releases/2025-12-13-frees-123/").content.decode()
    assert ANONYMIZED_NAME in html and PRIVATE_NAME in html
    assert "counted but not listed" not in html


def test_withheld_names_are_not_sorted_among_public_names(client, dec13):
    people = client.get("/releases/2025-12-13-frees-123/").context["people"]
    names = [release.person_name for release in people]
    assert names == ["Ales Bialiatski", "Maria Kalesnikava", "Name withheld"]


def test_event_page_shows_each_sources_value_where_they_disagree(client, dec13):
    html = client.get("/releases/2025-12-13-frees-123/").content.decode()
    section = html[html.index("Where sources disagree") :]
    assert "more than 120" in section and "Human Rights Watch" in section
    assert "Belarusian state media" in section


def test_event_page_warns_when_numbers_do_not_add_up(client, build):
    event = build.event("Mismatch", reported_count=10, destination_counts={"LT": 4})
    html = client.get(event.get_absolute_url()).content.decode()
    assert "The destination breakdown adds up to 4, the reported count is 10." in html


def test_unknown_event_is_a_friendly_404(client, db):
    response = client.get("/releases/no-such-event/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_event_list_shows_events_with_reported_and_named_counts(client, dec13):
    response = client.get("/releases/")
    assert response.status_code == 200
    events = list(response.context["listing"].page.object_list)
    assert [event.slug for event in events] == ["2025-12-13-frees-123", "2025-06-21-frees-14"]
    assert events[0].named_count == 4
    html = response.content.decode()
    assert "Lithuania</a> 9" in html and "Ukraine</a> 114" in html


def test_event_list_filters_through_the_shared_filterset(client, dec13):
    assert _slugs(client, "/releases/?date_before=2025-07-01") == ["2025-06-21-frees-14"]
    assert _slugs(client, "/releases/?destination=Ukraine") == ["2025-12-13-frees-123"]
    assert _slugs(client, "/releases/?deal=2025-us-potash-sanctions-relief") == ["2025-12-13-frees-123"]
    assert _slugs(client, "/releases/?search=Coale") == ["2025-12-13-frees-123"]
    assert _slugs(client, "/releases/?ordering=date") == ["2025-06-21-frees-14", "2025-12-13-frees-123"]


def test_event_list_bad_filter_is_a_400_with_the_message_next_to_the_field(client, dec13):
    response = client.get("/releases/?date_after=13/12/2025")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a date such as 12 February 2025." in html
    assert 'href="#id_date_after"' in html


def test_event_list_links_the_same_query_as_csv_and_json(client, dec13):
    html = client.get("/releases/?kind=deportation&page_size=10").content.decode()
    assert 'href="/api/v1/release-events/?kind=deportation&amp;format=csv"' in html
    assert 'href="/api/v1/release-events/?kind=deportation&amp;page_size=10"' in html


@pytest.mark.parametrize(("asked", "used"), [("0", 1), ("-5", 1), ("3", 3), ("100000", 500), ("abc", 50)])
def test_page_size_is_clamped_like_the_api(client, dec13, asked, used):
    response = client.get(f"/releases/?page_size={asked}")
    assert response.status_code == 200
    assert response.context["listing"].page_size == used


def test_pagination_moves_through_the_list(client, dec13):
    first = client.get("/releases/?page_size=1")
    second = client.get("/releases/?page_size=1&page=2")
    assert [e.slug for e in first.context["listing"].page.object_list] == ["2025-12-13-frees-123"]
    assert [e.slug for e in second.context["listing"].page.object_list] == ["2025-06-21-frees-14"]
    assert 'rel="next"' in first.content.decode()


def _slugs(client, url):
    response = client.get(url, follow=True)  # a country name leads to the clean URL with its code
    assert response.status_code == 200, response.content.decode()[:500]
    return [event.slug for event in response.context["listing"].page.object_list]


def test_column_heads_sort_the_list_and_say_how_it_is_sorted(client, dec13):
    html = client.get("/releases/?ordering=date&kind=deportation").content.decode()
    assert '<th scope="col" aria-sort="ascending"><a href="?ordering=-date&amp;kind=deportation"' in html
    assert _slugs(client, "/releases/?ordering=-reported_count") == ["2025-12-13-frees-123", "2025-06-21-frees-14"]
