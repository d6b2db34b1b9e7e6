"""Issue 17, the overview: period cards that follow the data, charts readable on a phone with every month
with data on the axis and values on the bars, totals that say what they include, and the map."""

import re
from datetime import date

import pytest

pytestmark = pytest.mark.django_db


def _text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _card(html, label):
    start = html.index(label)
    return _text(html[start : html.index('role="listitem"', start)])


# Seen: "Released in 2026: 0" while the data ends in December 2025.
def test_the_period_card_shows_the_latest_year_with_releases(client, dec13):
    html = client.get("/").content.decode()
    card = _card(html, "Released in 2025")
    assert "137" in card and "latest release 13 December 2025" in card
    assert "Released in 2026" not in html
    assert 'href="/released/?year=2025#reported"' in html  # the year's drill-down (issue 12)


def test_the_period_card_says_so_far_in_the_current_year(client, build):
    today = date.today()
    build.event("Synthetic this year", date=today.replace(day=1), reported_count=3)
    card = _card(client.get("/").content.decode(), f"Released in {today.year}")
    assert "so far" in card


# Seen: the chart's axis stops at "Oct" although December has a bar; bars carry no values.
def test_every_month_with_data_is_on_the_axis_and_bars_carry_values(client, dec13, build):
    build.event("Synthetic October", date=date(2025, 10, 2), reported_count=5)
    html = client.get("/").content.decode()
    wide = html[html.index('class="chart chart-wide"') : html.index("</svg>", html.index('class="chart chart-wide"'))]
    axis = re.findall(r'<text class="month"[^>]*>([^<]*)</text>', wide)
    for month in ("Jun", "Oct", "Dec"):
        assert month in axis, axis
    values = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', wide)
    assert {"14", "5", "123"} <= set(values)


def test_a_phone_gets_the_months_as_rows_with_their_numbers(client, dec13):
    html = client.get("/").content.decode()
    narrow = html[
        html.index('class="chart chart-narrow"') : html.index("</svg>", html.index('class="chart chart-narrow"'))
    ]
    text = _text(narrow)
    assert "Jun 2025" in text and "Dec 2025" in text
    assert "123 · 4 named" in text and "14 · 1 named" in text
    assert "Jul 2025" not in text  # months without releases are not rows on a phone


def test_column_labels_never_overlap_even_with_many_months():
    from tracker.charts import Column, column_chart

    columns = [Column(label=f"m{n}", short_label="Sep", reported=n % 3, named=0) for n in range(80)]
    chart = column_chart(columns)
    shown = [c for c in chart.columns if c.show_label]
    for left, right in zip(shown, shown[1:], strict=False):
        assert right.label_x - left.label_x >= chart.label_width


# Seen: the Russia-West exchange is inside what reads as a Belarus total, with no note.
def test_the_total_says_which_countries_and_exchanges_it_includes(client, dec13, build):
    build.event(
        "Synthetic exchange",
        date=date(2024, 8, 1),
        kind="exchange",
        reported_count=16,
        releasing_countries=["BY", "RU"],
    )
    html = client.get("/").content.decode()
    card = _card(html, "Released</p>")
    assert "includes 16 freed in 1 prisoner exchange (Belarus, Russia)" in card
    assert 'href="/methodology/#totals"' in html[html.index("Released</p>") :]


def test_the_methodology_page_explains_totals_and_every_word(client, db):
    html = client.get("/methodology/").content.decode()
    assert 'id="totals"' in html and 'id="kind-deportation"' in html and 'id="deal_status-announced"' not in html
    assert "Freed and expelled" in html and 'id="deal-status-implemented"' in html


# Must have 4: a map of where people were taken, same numbers and links as the table beside it.
def test_the_overview_map_has_the_tables_numbers_and_links(client, dec13):
    html = client.get("/").content.decode()
    figure = html[html.index('class="map"') : html.index("</figure>", html.index('class="map"'))]
    assert 'src="/static/maps/europe.svg"' in figure
    assert 'href="/destinations/UA/"' in figure and 'href="/destinations/LT/"' in figure
    assert "Ukraine: 114 reported, 3 named" in figure and "Lithuania: 23 reported, 2 named" in figure
    table = html[html.index('id="where-table"') :]
    assert "<table" in table[:200]
    assert re.search(
        r'href="/destinations/UA/">Ukraine</a></th>\s*<td class="num"><a href="/destinations/UA/#events-heading">'
        r'<data value="114">114</data></a></td>\s*<td class="num"><a href="/prisoners/\?destination=UA">'
        r'<data value="3">3</data></a></td>',
        table,
    )


def test_a_destination_off_the_map_is_listed_under_it(client, build):
    event = build.event("Synthetic to the US", reported_count=3, destination_counts={"US": 3})
    build.release(build.prisoner("Synthetic Flyer"), event, destination="US")
    html = client.get("/destinations/").content.decode()
    figure = html[html.index('class="map"') : html.index("</figure>", html.index('class="map"'))]
    assert "Not on this map" in figure and 'href="/destinations/US/"' in figure
