"""The people list (shared FilterSet, search, sorting) and one person's timeline."""

import re

import pytest

from tests.pages.scenario import ANONYMIZED_NAME, PRIVATE_NAME, STAFF_NOTE
from tests.sources.citations import cited_links

pytestmark = pytest.mark.django_db


def _names(response):
    assert response.status_code == 200, response.content.decode()[:500]
    return [person.display_name for person in response.context["listing"].page.object_list]


def test_list_shows_public_people_withholds_anonymized_and_hides_private(client, dec13):
    response = client.get("/prisoners/")
    names = _names(response)
    assert "Ales Bialiatski" in names and "Maria Kalesnikava" in names
    assert "Name withheld" in names
    html = response.content.decode()
    assert ANONYMIZED_NAME not in html and PRIVATE_NAME not in html
    assert f'href="/prisoners/{dec13.private.pk}/"' not in html


def test_staff_see_every_name_in_the_list(staff_client, dec13):
    names = _names(staff_client.get("/prisoners/"))
    assert ANONYMIZED_NAME in names and PRIVATE_NAME in names


def test_search_box_finds_a_person_by_a_variant_spelling(client, dec13):
    assert _names(client.get("/prisoners/?search=Kolesnikova")) == ["Maria Kalesnikava"]


def test_search_never_matches_a_withheld_name_for_the_public(client, staff_client, dec13):
    assert _names(client.get("/prisoners/?search=Hiddenname")) == []
    assert _names(client.get("/prisoners/?search=Privatename")) == []
    assert ANONYMIZED_NAME in _names(staff_client.get("/prisoners/?search=Hiddenname"))


def test_filters_change_the_list(client, dec13):
    assert _names(client.get("/prisoners/?status=sentenced")) == ["Still Heldperson"]
    assert _names(client.get("/prisoners/?destination=LT")) == ["Ales Bialiatski", "Siarhei Tsikhanouski"]
    assert _names(client.get("/prisoners/?release_event=2025-06-21-frees-14")) == ["Siarhei Tsikhanouski"]
    assert _names(client.get("/prisoners/?released_after=2025-12-01&destination=UA")) == [
        "Maria Kalesnikava",
        "Name withheld",
    ]


def test_sorting_never_places_a_withheld_name(client, dec13):
    names = _names(client.get("/prisoners/?ordering=name"))
    public_names = [name for name in names if name != "Name withheld"]
    assert public_names == sorted(public_names)


def test_filter_form_is_built_from_the_filterset_and_works_without_javascript(client, dec13):
    html = client.get("/prisoners/").content.decode()
    assert '<form class="filters" method="get"' in html
    for name in ("status", "country", "citizenship", "gender", "detained_after", "released_before", "release_event"):
        assert f'name="{name}"' in html
    assert 'name="visibility"' not in html  # the public see one visibility only
    assert '<label for="id_status">' in html
    # No script is needed; the one there is a static file that only tidies the URL (no inline code).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/clean-query.js" defer>']


def test_bad_filter_value_is_a_400_naming_the_field(client, dec13):
    response = client.get("/prisoners/?release_event=no-such-event")
    assert response.status_code == 400
    assert "No release event has this slug." in response.content.decode()


def test_list_links_the_same_query_as_csv_and_json(client, dec13):
    html = client.get("/prisoners/?status=released&search=ales&page_size=10").content.decode()
    assert 'href="/api/v1/prisoners/?status=released&amp;search=ales&amp;format=csv"' in html
    assert 'href="/api/v1/prisoners/?status=released&amp;search=ales&amp;page_size=10"' in html


def test_detail_shows_the_timeline_with_sources(client, dec13):
    response = client.get(f"/prisoners/{dec13.bialiatski.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ales Bialiatski" in html and "Алесь Бяляцкі" in html and "Ales Bialiatsky" in html
    timeline = html[html.index('id="timeline-heading"') : html.index("</section>", html.index('id="timeline-heading"'))]
    assert timeline.index("14 July 2021") < timeline.index("13 December 2025")
    assert "Arrested" in timeline and "243, 228" in timeline and "10 years" in timeline
    assert 'href="/releases/2025-12-13-frees-123/"' in timeline and "Lithuania" in timeline
    assert any("aljazeera" in link for link in cited_links(html, timeline))  # a reference to the source list
    assert "Nobel Peace Prize laureate" in html
    assert STAFF_NOTE not in html


def test_detail_of_an_anonymized_person_withholds_identifying_fields(client, dec13):
    response = client.get(f"/prisoners/{dec13.anonymized.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Name withheld" in html
    for secret in (ANONYMIZED_NAME, "Ганна Схаваная", "Teacher from Hrodna", "1980", "Hrodna regional court"):
        assert secret not in html
    # The same fields as the API withholds: free text goes, the timeline's dates and numbers stay.
    assert "Hrodna penal colony" not in html
    assert "1 March 2022" in html and "361-1" in html and "36 months" in html
    assert "hanna-hiddenname-profile" not in html
    assert 'href="/releases/2025-12-13-frees-123/"' in html  # the release itself is not withheld


def test_detail_of_a_private_person_is_404_for_the_public_and_shown_to_staff(client, staff_client, dec13):
    assert client.get(f"/prisoners/{dec13.private.pk}/").status_code == 404
    response = staff_client.get(f"/prisoners/{dec13.private.pk}/")
    assert response.status_code == 200
    assert PRIVATE_NAME in response.content.decode()


def test_staff_see_the_anonymized_name_but_never_staff_notes_on_pages(staff_client, dec13):
    html = staff_client.get(f"/prisoners/{dec13.bialiatski.pk}/").content.decode()
    assert STAFF_NOTE not in html
    assert ANONYMIZED_NAME in staff_client.get(f"/prisoners/{dec13.anonymized.pk}/").content.decode()


def test_filter_panel_stays_collapsed_once_filters_are_applied_and_says_how_many(client, dec13):
    assert '<details class="more-filters">' in client.get("/prisoners/?search=ales").content.decode()
    html = client.get("/prisoners/?status=released&country=BY").content.decode()
    assert '<details class="more-filters">' in html and "2 active" in html


def test_timeline_shows_each_sources_value_where_they_disagree_on_a_release(client, dec13):
    html = client.get(dec13.tsikhanouski.get_absolute_url()).content.decode()
    disagreement = html[html.index('class="disagree') :]
    assert "2025-06-21" in disagreement and "Viasna" in disagreement and "Al Jazeera" in disagreement
    assert "2025-06-20" in disagreement and "Belta" in disagreement and "Human Rights Watch" in disagreement
    event_html = client.get(dec13.june_event.get_absolute_url()).content.decode()
    assert "Belta" in event_html and "2025-06-20" in event_html


def test_export_links_answer_the_same_list_as_the_page(client, dec13):
    response = client.get("/prisoners/?destination=UA")
    names = _names(response)
    listing = response.context["listing"]
    csv_response = client.get(listing.csv_url)
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    content = b"".join(csv_response.streaming_content) if csv_response.streaming else csv_response.content
    *rows, complete = content.decode().splitlines()[1:]
    assert complete == f"# complete: {len(rows)} rows"
    csv_names = [line.split(",")[2] for line in rows]
    assert sorted(csv_names) == sorted(names) == ["Maria Kalesnikava", "Name withheld"]
    json_response = client.get(listing.json_url)
    assert sorted(item["full_name"] for item in json_response.json()["results"]) == sorted(names)
