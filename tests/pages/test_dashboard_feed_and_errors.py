"""The dashboard (numbers from releases.stats), the Atom feed, and the friendly error pages."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from tests.pages.scenario import ANONYMIZED_NAME, PRIVATE_NAME

pytestmark = pytest.mark.django_db


def test_dashboard_puts_still_held_as_reported_next_to_people_named_here(client, dec13):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    held = html[html.index("Still held") : html.index("</div>", html.index("Still held"))]
    assert "more than 1,000" in held
    assert "Human Rights Watch, 15 December 2025" in held
    assert dec13.hrw.link in held  # the number traces to its source
    assert "<strong>1</strong> of them named here" in held


def test_dashboard_released_totals_events_and_deals(client, dec13):
    context = client.get("/").context
    assert context["released"]["reported_total"] == 137
    assert context["released"]["named_total"] == 5  # the private person is counted, not listed
    assert context["event_count"] == 2 and context["deal_count"] == 1
    assert [row["slug"] for row in context["latest_events"]] == ["2025-12-13-frees-123", "2025-06-21-frees-14"]


def test_dashboard_counts_releases_this_year(client, dec13, build):
    today = timezone.now().date()
    build.release(build.prisoner("Freed This Year"), build.event("This year", date=today, reported_count=7))
    released = client.get("/").context["released"]
    assert (released["latest_year"], released["reported_latest_year"], released["named_latest_year"]) == (
        today.year,
        7,
        1,
    )
    assert released["so_far"]


def test_dashboard_chart_is_an_accessible_svg_with_a_data_table(client, dec13):
    response = client.get("/")
    columns = response.context["chart"].columns
    assert [c.label for c in columns] == [f"2025-{m:02d}" for m in range(6, 13)]  # empty months included
    assert (columns[0].reported, columns[0].named) == (14, 1)
    assert (columns[-1].reported, columns[-1].named) == (123, 4)
    html = response.content.decode()
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    december = '<a href="/releases/?date_after=2025-12-01&amp;date_before=2025-12-31">December 2025</a>'
    assert f'<th scope="row">{december}</th><td class="num">123</td><td class="num">4</td>' in html


def test_dashboard_shows_where_released_people_were_taken(client, dec13):
    response = client.get("/")
    rows = {row["country"]: (row["reported_count"], row["named_count"]) for row in response.context["destinations"]}
    assert rows == {"UA": (114, 3), "LT": (23, 2)}
    assert 'href="/destinations/UA/"' in response.content.decode()


def test_every_page_links_the_atom_feed(client, dec13):
    for url in ("/", "/prisoners/", "/releases/", "/releases/2025-12-13-frees-123/", "/deals/", "/destinations/"):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="/feeds/releases/"' in html


def test_feed_is_atom_with_the_events_and_only_public_names(client, dec13):
    response = client.get("/feeds/releases/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.index("Belarus frees 123") < xml.index("Belarus frees 14")  # newest first
    assert "http://testserver/releases/2025-12-13-frees-123/" in xml
    assert "123 reported freed, 4 named." in xml
    assert "Ukraine 114" in xml and "Lithuania 9" in xml
    assert "US lifts sanctions on Belarusian potash" in xml and "John Coale" in xml
    assert "Ales Bialiatski (Lithuania)" in xml
    assert ANONYMIZED_NAME not in xml and PRIVATE_NAME not in xml


def test_feed_names_no_withheld_person_even_for_staff(staff_client, dec13):
    xml = staff_client.get("/feeds/releases/").content.decode()
    assert ANONYMIZED_NAME not in xml and PRIVATE_NAME not in xml


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html and 'href="/prisoners/"' in html


@pytest.mark.urls("tests.pages.urls_with_error")
def test_server_error_is_a_friendly_500(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "RuntimeError" not in html


def test_dashboard_without_any_data_still_renders(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No release recorded yet." in response.content.decode()


def test_old_releases_keep_their_partial_dates(client, build):
    event = build.event("Sometime in 2024", date=date(2024, 3, 1), date_precision="month", reported_count=3)
    assert "March 2024" in client.get(event.get_absolute_url()).content.decode()
