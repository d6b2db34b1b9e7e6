"""Deal pages (relief, conflicting claims, linked events) and destination pages."""

import pytest

from tests.pages.scenario import ANONYMIZED_NAME, PRIVATE_NAME

pytestmark = pytest.mark.django_db


def test_deal_page_shows_parties_relief_and_conflicting_claims_with_sources(client, dec13):
    response = client.get("/deals/2025-us-potash-sanctions-relief/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "John Coale, US special envoy for Belarus" in html
    assert "Belaruskali (potash)" in html and "US Treasury (OFAC)" in html and "CRBC News" in html
    assert "These claims contradict each other" in html
    claims = html[html.index('id="claims-heading"') :]
    assert "Office of the President of Belarus" in claims and "US State Department spokesperson" in claims
    assert dec13.coale_claim_source.link in claims and dec13.denial_source.link in claims
    assert 'href="/releases/2025-12-13-frees-123/"' in html
    assert response.context["reported_freed"] == 123
    assert response.context["named_freed"] == 4


def test_deal_list_filters_and_counts(client, dec13, build):
    build.deal("EU relief elsewhere", sanctioning_party="EU", status="reported")
    response = client.get("/deals/?sanctioning_party=us")
    deals = list(response.context["listing"].page.object_list)
    assert [deal.slug for deal in deals] == ["2025-us-potash-sanctions-relief"]
    assert (deals[0].event_count, deals[0].reported_count, deals[0].named_count) == (1, 123, 4)
    assert client.get("/deals/?status=nonsense").status_code == 400


def test_destination_list_shows_reported_and_named_totals(client, dec13):
    response = client.get("/destinations/")
    rows = {d.country.code: (d.reported_count, d.named_count) for d in response.context["listing"].page.object_list}
    assert rows == {"LT": (23, 2), "UA": (114, 3)}
    assert [
        d.country.code for d in client.get("/destinations/?search=Ukraine").context["listing"].page.object_list
    ] == ["UA"]


def test_destination_page_lists_events_and_people_with_who_sees_what(client, staff_client, dec13):
    response = client.get("/destinations/UA/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Taken to Ukraine" in html
    assert 'href="/releases/2025-12-13-frees-123/"' in html
    assert "Maria Kalesnikava" in html and "Name withheld" in html
    assert ANONYMIZED_NAME not in html and PRIVATE_NAME not in html
    assert response.context["reported_total"] == 114
    assert response.context["destination"].named_count == 3
    assert PRIVATE_NAME in staff_client.get("/destinations/UA/").content.decode()


def test_destination_code_is_case_insensitive_and_unknown_is_404(client, dec13):
    response = client.get("/destinations/lt/")
    assert response.status_code == 301 and response["Location"] == "/destinations/LT/"
    assert client.get("/destinations/ZZ/").status_code == 404
