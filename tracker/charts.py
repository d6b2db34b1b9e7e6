"""Geometry for the server-drawn SVG charts and map (no JavaScript): plain numbers the templates place.

Two month charts, one for each screen: columns on a wide screen (a label under every month with data,
values on the bars, labels never overlapping), rows on a phone (one month per row, its numbers beside
the bar). The map places circles on the country centres of the outline shipped in static/maps/.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.contrib.staticfiles import finders

CHAR_WIDTH = 0.62  # average glyph width of the site's sans-serif, in font sizes


@dataclass
class Column:
    label: str
    short_label: str
    reported: int
    named: int
    year_label: str = ""
    x: float = 0
    width: float = 0
    reported_y: float = 0
    reported_height: float = 0
    named_y: float = 0
    named_height: float = 0
    label_x: float = 0
    show_label: bool = False
    show_value: bool = False
    value_y: float = 0

    @property
    def has_data(self):
        return bool(self.reported or self.named)

    @property
    def value(self):
        return max(self.reported, self.named)


def month_range(first: date, last: date):
    """Every first-of-month from `first` to `last`, gaps included, so empty months show as empty."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def nice_ceiling(value):
    """A round axis maximum at or above `value` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def text_width(text, font_size):
    return len(str(text)) * font_size * CHAR_WIDTH


@dataclass
class ColumnChart:
    columns: list
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    maximum: int
    gridlines: list  # (y, value)
    font_size: int
    label_width: float
    rows: list = field(default_factory=list)  # the phone's version: BarRow per month with data
    row_height: int = 0
    narrow_width: int = 0
    narrow_height: int = 0


def _place_without_overlap(columns, wanted, width_of, attribute, gap=4):
    """Show a label for each column in `wanted` order unless it would overlap one already shown."""
    taken = []  # (left, right)
    for column in wanted:
        half = width_of(column) / 2 + gap / 2
        left, right = column.label_x - half, column.label_x + half
        if all(right <= other_left or left >= other_right for other_left, other_right in taken):
            taken.append((left, right))
            setattr(column, attribute, True)


def column_chart(columns, *, width=720, height=300, plot_left=40, plot_top=24, axis_space=44, font_size=13):
    """Columns (reported behind, named in front) on a shared scale; labels under every month with data
    (then other months where there is room), the value on top of each bar, nothing overlapping."""
    maximum = nice_ceiling(max([c.value for c in columns] + [1]))
    plot_bottom = height - axis_space
    plot_height = plot_bottom - plot_top
    slot = (width - plot_left - 8) / max(len(columns), 1)
    label_width = text_width("Sep", font_size) + 4
    for index, column in enumerate(columns):
        column.width = max(slot * 0.72, 1)
        column.x = plot_left + index * slot + (slot - column.width) / 2
        column.reported_height = plot_height * column.reported / maximum
        column.reported_y = plot_bottom - column.reported_height
        column.named_height = plot_height * column.named / maximum
        column.named_y = plot_bottom - column.named_height
        column.label_x = column.x + column.width / 2
        column.value_y = min(column.reported_y, column.named_y) - 5
        column.show_label = column.show_value = False
    with_data = [c for c in columns if c.has_data]
    _place_without_overlap(
        columns, with_data + [c for c in columns if not c.has_data], lambda c: label_width, "show_label"
    )
    _place_without_overlap(columns, with_data, lambda c: text_width(c.value, font_size), "show_value")
    for column in columns:
        column.show_value = column.show_value and column.has_data
    gridlines = [(plot_bottom - plot_height * part / 2, round(maximum * part / 2)) for part in range(3)]
    return ColumnChart(
        columns=columns,
        width=width,
        height=height,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        plot_left=plot_left,
        maximum=maximum,
        gridlines=gridlines,
        font_size=font_size,
        label_width=label_width,
    )


@dataclass
class BarRow:
    label: str
    reported: int
    named: int
    drilldown: str
    y: float = 0
    reported_width: float = 0
    named_width: float = 0
    value_x: float = 0


def with_rows(chart, *, width=360, label_width=70, value_space=120, row_height=28):
    """Add the phone's version to a chart: one row per month with data, numbers beside each bar."""
    rows = [
        BarRow(label=c.row_label, reported=c.reported, named=c.named, drilldown=c.drilldown)
        for c in chart.columns
        if c.has_data
    ]
    largest = max([max(r.reported, r.named) for r in rows] + [1])
    bar_space = width - label_width - value_space
    for index, row in enumerate(rows):
        row.y = index * row_height
        row.reported_width = bar_space * row.reported / largest
        row.named_width = bar_space * row.named / largest
        row.value_x = label_width + max(row.reported_width, row.named_width) + 6
    chart.rows = rows
    chart.row_height = row_height
    chart.narrow_width = width
    chart.narrow_height = max(len(rows), 1) * row_height
    chart.narrow_label_width = label_width
    return chart


def bar_percentages(rows, *keys):
    """Add `<key>_pct` (share of the largest value across `keys`) to each row dict, for bar widths."""
    largest = max([row[key] or 0 for row in rows for key in keys] + [1])
    for row in rows:
        for key in keys:
            row[f"{key}_pct"] = round(100 * (row[key] or 0) / largest, 2)
    return rows


# The destinations map ------------------------------------------------------------------------------

MAP_OUTLINE = "maps/europe.svg"
MAP_CENTRES = "maps/europe.json"


@lru_cache(maxsize=1)
def map_outline():
    """The outline's size and the projected centre of each country on it (built by tools/build_europe_map.py)."""
    with open(finders.find(MAP_CENTRES), encoding="utf-8") as handle:
        return json.load(handle)


@dataclass
class MapMarker:
    code: str
    name: str
    url: str
    reported: int | None
    named: int
    x: float
    y: float
    r: float
    label: str
    label_inside: bool


def map_markers(rows, *, max_radius=72, min_radius=14, font_size=36):
    """Circles (area proportional to the reported number, else the named one) on the countries of `rows`
    (dicts with country, name, url, reported_count, named_count); rows off the map come back apart.

    Returns (markers largest first, so small ones are drawn on top; rows not on the map)."""
    outline = map_outline()
    sized = [row for row in rows if (row["reported_count"] or row["named_count"])]
    largest = max([(row["reported_count"] or row["named_count"]) for row in sized] + [1])
    markers, off_map = [], []
    for row in sized:
        centre = outline["centres"].get(row["country"])
        if not centre:
            off_map.append(row)
            continue
        value = row["reported_count"] or row["named_count"]
        radius = max(min_radius, max_radius * math.sqrt(value / largest))
        label = str(value)
        markers.append(
            MapMarker(
                code=row["country"],
                name=row["name"],
                url=row["url"],
                reported=row["reported_count"],
                named=row["named_count"],
                x=centre[0],
                y=centre[1],
                r=radius,
                label=label,
                label_inside=text_width(label, font_size) < radius * 1.7,
            )
        )
    markers.sort(key=lambda marker: -marker.r)
    return markers, off_map
