"""Issue 17, small things: the deal's parties, the feed for a browser, the API docs, the favicon, the CSV."""

import csv
import io
import re

import pytest
from django.test import override_settings

from prisoners.models import Visibility
from tests.pages.scenario import ANONYMIZED_NAME

pytestmark = pytest.mark.django_db


def _text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Seen: the deal page shows "Target country" and "Counterparty" both as Belarus.
def test_the_deal_page_names_each_party_once(client, dec13):
    html = client.get(dec13.deal.get_absolute_url()).content.decode()
    parties = html[html.index('id="parties-heading"') : html.index("</section>", html.index('id="parties-heading"'))]
    text = _text(parties)
    assert parties.count("<dd>Belarus</dd>") == 1, text
    assert "Relief granted by United States" in text
    assert "Relief for, and freeing the prisoners Belarus" in text
    assert "Counterparty" not in text


def test_a_different_counterparty_is_shown_apart(client, build):
    deal = build.deal(
        "Synthetic exchange", target_country="RU", counterparty="United States, Germany, Poland", status="implemented"
    )
    text = _text(client.get(deal.get_absolute_url()).content.decode())
    assert "Russia" in text and "United States, Germany, Poland" in text


# Seen: the deal's count of events does not look like a link.
def test_the_deals_count_of_events_is_a_link(client, dec13):
    html = client.get(dec13.deal.get_absolute_url()).content.decode()
    assert f'<a href="/releases/?deal={dec13.deal.slug}">in 1 release event</a>' in html


# Seen: the feed opens as raw XML with stray blank lines in the summaries.
def test_the_feed_is_styled_for_a_browser_and_its_summaries_are_clean(client, dec13):
    response = client.get("/feeds/releases/")
    xml = response.content.decode()
    stylesheet = r'<\?xml version="1.0" encoding="utf-8"\?>\n<\?xml-stylesheet href="/feeds/releases.xsl"'
    assert re.match(stylesheet + r'[^>]*type="text/xsl"', xml)
    summaries = re.findall(r"<summary[^>]*>(.*?)</summary>", xml, re.S)
    assert summaries
    for summary in summaries:
        assert "\n\n" not in summary and "&lt;/p&gt;\n\n" not in summary
        assert not summary.startswith("\n") and not summary.endswith("\n")
    assert response["Content-Type"].startswith("application/atom+xml")  # what a feed reader gets
    browser = client.get("/feeds/releases/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser["Content-Type"] == "application/xml; charset=utf-8"  # a browser applies the stylesheet to XML
    assert '<category term="Freed and expelled"' in xml
    xsl = client.get("/feeds/releases.xsl")
    assert xsl.status_code == 200
    assert xsl["Content-Type"] == "text/xsl; charset=utf-8"
    assert b"xsl:stylesheet" in xsl.content


# Seen: /api/docs/ has no way back to the site.
def test_the_api_docs_link_back_to_the_site(client, db):
    html = client.get("/api/docs/").content.decode()
    assert 'href="/"' in html and "Release Tracker" in html


# Seen: no favicon (a 404 on every page).
@override_settings(DEBUG=False)
def test_there_is_a_favicon_and_a_touch_icon(client, db):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html and 'rel="apple-touch-icon"' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.ico"
    for path in ("/static/favicon.ico", "/static/favicon.svg", "/static/apple-touch-icon.png"):
        assert client.get(path).status_code == 200, path


def _csv(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# Seen: the CSV is always prisoners.csv, its url is the API's, events are slugs, and no sources.
def test_csv_files_are_named_after_what_they_hold_and_the_day(client, dec13):
    from django.utils import timezone

    today = timezone.now().date().isoformat()
    for url, name in (
        ("/api/v1/prisoners/?format=csv", f"people-{today}.csv"),
        ("/api/v1/prisoners/?status=released&format=csv", f"people-released-{today}.csv"),
        ("/api/v1/prisoners/?destination=LT&format=csv", f"people-taken-to-lt-{today}.csv"),
        (f"/api/v1/prisoners/?release_event={dec13.event.slug}&format=csv", f"people-{dec13.event.slug}-{today}.csv"),
        ("/api/v1/release-events/?format=csv", f"release-events-{today}.csv"),
        ("/api/v1/deals/?format=csv", f"deals-{today}.csv"),
    ):
        assert client.get(url)["Content-Disposition"] == f'attachment; filename="{name}"', url


def test_the_people_csv_links_pages_names_events_and_gives_visible_sources(client, staff_client, dec13):
    rows = {row["full_name"]: row for row in _csv(client.get("/api/v1/prisoners/?format=csv"))}
    bialiatski = rows["Ales Bialiatski"]
    assert bialiatski["url"] == f"http://testserver/prisoners/{dec13.bialiatski.pk}/"
    assert bialiatski["release_event"] == dec13.event.slug  # the import's column, unchanged
    assert bialiatski["release_event_title"] == dec13.event.title
    assert bialiatski["release_event_date"] == "2025-12-13"
    assert bialiatski["sources"] == dec13.aljazeera.link
    withheld = rows["Name withheld"]
    assert withheld["sources"] == ""
    assert "hanna-hiddenname-profile" not in str(rows)


def test_a_source_cited_for_a_withheld_person_never_reaches_a_reader_through_csv(client, staff_client, dec13, build):
    shared = build.source("https://example.org/list-naming-hanna-hiddenname", publisher="Shared list")
    public = build.prisoner("Synthetic Public Person", sources=[shared])
    assert dec13.anonymized.visibility == Visibility.ANONYMIZED
    dec13.anonymized.sources.add(shared)
    rows = {row["full_name"]: row for row in _csv(client.get("/api/v1/prisoners/?format=csv"))}
    assert rows[public.full_name]["sources"] == ""
    staff_rows = {row["full_name"]: row for row in _csv(staff_client.get("/api/v1/prisoners/?format=csv"))}
    assert staff_rows[public.full_name]["sources"] == shared.link
    assert ANONYMIZED_NAME in staff_rows


def test_the_event_csv_links_pages_and_carries_sources(client, dec13):
    rows = {row["slug"]: row for row in _csv(client.get("/api/v1/release-events/?format=csv"))}
    row = rows[dec13.event.slug]
    assert row["url"] == f"http://testserver/releases/{dec13.event.slug}/"
    assert row["deal_title"] == dec13.deal.title
    assert set(row["sources"].split("|")) == {dec13.aljazeera.link, dec13.hrw.link}


def test_the_list_page_offers_the_csv_under_its_name(client, dec13):
    html = client.get("/prisoners/?status=released").content.decode()
    assert 'href="/api/v1/prisoners/?status=released&amp;format=csv" download' in html
