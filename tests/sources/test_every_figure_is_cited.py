"""Issue 12, "a citation for every figure": a crawl of the public pages after `load_demo` fails on any figure
(`<data value>`) without a link to its sources or to a drill-down listing what it adds up."""

import re

from prisoners.models import Prisoner
from releases.models import Destination, ReleaseEvent, SanctionsDeal
from tests.sources.citations import cited_links, figures_of, uncited


def _pages():
    yield "/"
    yield "/countries/BY/"
    yield "/released/"
    yield "/released/?year=2024"
    yield "/released/?month=2025-12&country=BY"
    yield from (event.get_absolute_url() for event in ReleaseEvent.objects.all())
    yield from (deal.get_absolute_url() for deal in SanctionsDeal.objects.all())
    yield from (destination.get_absolute_url() for destination in Destination.objects.all())


def test_every_figure_on_every_page_has_a_citation_or_a_drill_down(client, demo):
    checked = 0
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        figures = figures_of(html)
        assert figures, f"{url}: no figure marked up"
        assert not uncited(html), (url, uncited(html))
        checked += len(figures)
    assert checked > 300


def test_the_crawl_fails_on_a_figure_without_a_link():
    assert uncited('<p><data value="114">114</data> (the event\'s sources)</p>')
    assert not uncited('<p><a href="/released/"><data value="571">571</data></a></p>')
    assert not uncited('<td><data value="114">114</data><span class="refs"><a href="#src-1">[1]</a></span></td>')


def test_each_destination_row_cites_its_own_sources_and_lithuania_has_sources(client, demo):
    html = client.get("/releases/2025-12-13-frees-123/").content.decode()
    row = re.search(r'<data value="114">114</data>(<span class="refs">.*?</span>)', html, re.S)
    assert row and cited_links(html, row.group(1)), "114 (Ukraine) cites sources of its own"
    more = row.group(1)
    assert "<details><summary>+5 more</summary>" in more  # "+N more" opens without JavaScript
    assert "the event's sources" not in html
    lithuania = client.get("/destinations/LT/").content.decode()
    assert "No source recorded yet" not in lithuania
    assert len(re.findall(r'<li id="src-\d+"', lithuania)) >= 5


def test_one_source_list_per_page_with_kind_and_readable_label(client, demo):
    html = client.get("/releases/2025-12-13-frees-123/").content.decode()
    entries = re.findall(r'<li id="src-(\d+)" value="\1">', html)
    assert entries and len(entries) == len(set(entries))  # each source once
    assert html.count('href="https://www.aljazeera.com/news/2025/12/13/') == 1  # the address once, not per person
    assert "Belarus frees 123 prisoners including ales bialiatski as us lifts sanctions" in html
    assert "rights group" in html  # hrw.org's kind
    mirror = Prisoner.objects.get(full_name="Siarhei Tsikhanouski")
    person = client.get(mirror.get_absolute_url()).content.decode()
    assert "d31fwg61mrpajq.cloudfront.net" in person and "mirror (copy of another outlet)" in person
