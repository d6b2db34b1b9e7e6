"""Issue 12: every dashboard sum is one click from its parts, and the parts add up to it."""

import re

from releases.models import Release, ReleaseEvent


def _values(fragment):
    return [int(value) for value in re.findall(r'<data value="(\d+)">', fragment)]


def _section(html, anchor):
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def _rows(html):
    """The reported counts of the drill-down's event rows (not its total row)."""
    table = _section(html, "reported")
    body = table[: table.index('<tr class="total">')]
    return [
        int(value or 0)
        for value in re.findall(r'<td class="num" data-label="Reported freed"><data value="(\d*)">', body)
    ]


def _total(html):
    table = _section(html, "reported")
    return _values(table[table.index('<tr class="total">') :])[0]


def _named(html):
    section = _section(html, "named")
    listed = section.count('<li class="person">')
    hidden = re.search(r"(\d+) more named pe", section)
    return listed + (int(hidden.group(1)) if hidden else 0)


def test_the_released_total_and_the_named_total_add_up_on_their_drill_down(client, demo):
    dashboard = client.get("/")
    released = dashboard.context["released"]
    html = dashboard.content.decode()
    assert 'href="/released/#reported"' in html and 'href="/released/#named"' in html
    drill = client.get("/released/").content.decode()
    assert sum(_rows(drill)) == _total(drill) == released["reported_total"]
    assert len(_rows(drill)) == dashboard.context["event_count"] == ReleaseEvent.objects.count()
    assert _named(drill) == released["named_total"]
    assert "at least" in html and "at least" in _section(drill, "reported")  # 3 July 2024: "at least 18"


def test_each_year_adds_up_on_its_drill_down(client, demo):
    released = client.get("/").context["released"]
    assert [row["year"] for row in released["years"]] == [2025, 2024]
    for row in released["years"]:
        drill = client.get(f"/released/?year={row['year']}").content.decode()
        assert sum(_rows(drill)) == _total(drill) == row["reported"], row
        assert _named(drill) == row["named"], row
    assert sum(row["reported"] for row in released["years"]) == released["reported_total"]


def test_each_month_of_the_chart_adds_up_on_its_drill_down(client, demo):
    chart = client.get("/countries/BY/").context["chart"]
    for column in [column for column in chart.columns if column.reported or column.named][:6]:
        assert column.drilldown.startswith("/released/?month=") and "country=BY" in column.drilldown
        drill = client.get(column.drilldown).content.decode()
        assert sum(_rows(drill)) == column.reported and _named(drill) == column.named


def test_a_person_withheld_is_counted_in_the_drill_down_but_not_listed(client, demo):
    from prisoners import services

    person = Release.objects.filter(event__date__year=2024).select_related("prisoner").first().prisoner
    services.update_prisoner(prisoner=person, visibility="private")
    released = client.get("/").context["released"]
    drill = client.get("/released/").content.decode()
    assert person.full_name not in drill
    assert _named(drill) == released["named_total"]


def test_a_bad_period_is_a_400_naming_it(client, db):
    response = client.get("/released/?month=2025-13")
    assert response.status_code == 400 and b"month" in response.content
    assert client.get("/released/?country=Atlantis").status_code == 400


def test_stats_carry_what_each_figure_adds_up(client, demo):
    stats = client.get("/api/v1/stats/").json()
    event = stats["per_event"][0]
    assert event["url"] == f"/releases/{event['slug']}/" and event["source_ids"]
    month = stats["released_per_month"][-1]
    assert month["drilldown"] == f"/released/?month={month['month']}"
    assert all(slug.startswith(month["month"]) for slug in month["event_slugs"])
    ukraine = next(row for row in stats["per_destination"] if row["country"] == "UA")
    events = {row["slug"]: row for row in stats["per_event"]}
    assert ukraine["url"] == "/destinations/UA/" and ukraine["event_slugs"]
    deal = next(row for row in stats["per_deal"] if row["event_slugs"])
    assert sum(events[slug]["reported_count"] or 0 for slug in deal["event_slugs"]) == deal["reported_count"]
    assert stats["named_totals"]["drilldown"] == "/released/"
