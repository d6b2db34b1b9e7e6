"""Geometry for the server-drawn SVG charts (no JavaScript): plain numbers the templates place."""

from dataclasses import dataclass
from datetime import date


@dataclass
class Column:
    label: str
    short_label: str
    reported: int
    named: int
    x: float = 0
    width: float = 0
    reported_y: float = 0
    reported_height: float = 0
    named_y: float = 0
    named_height: float = 0
    show_label: bool = False


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


def column_chart(columns, *, width=720, height=320, plot_left=48, plot_top=16, axis_space=34, label_every=None):
    """Lay out overlapping columns (reported behind, named in front) on a shared scale."""
    maximum = nice_ceiling(max([c.reported for c in columns] + [c.named for c in columns] + [1]))
    plot_bottom = height - axis_space
    plot_height = plot_bottom - plot_top
    slot = (width - plot_left - 8) / max(len(columns), 1)
    label_every = label_every or max(1, -(-len(columns) // 7))
    for index, column in enumerate(columns):
        column.width = max(slot * 0.7, 1)
        column.x = plot_left + index * slot + (slot - column.width) / 2
        column.reported_height = plot_height * column.reported / maximum
        column.reported_y = plot_bottom - column.reported_height
        column.named_height = plot_height * column.named / maximum
        column.named_y = plot_bottom - column.named_height
        column.show_label = index % label_every == 0
        column.label_x = column.x + column.width / 2
    gridlines = [(plot_bottom - plot_height * part / 4, round(maximum * part / 4)) for part in range(0, 5)]
    return ColumnChart(
        columns=columns,
        width=width,
        height=height,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        plot_left=plot_left,
        maximum=maximum,
        gridlines=gridlines,
    )


def bar_percentages(rows, *keys):
    """Add `<key>_pct` (share of the largest value across `keys`) to each row dict, for bar widths."""
    largest = max([row[key] or 0 for row in rows for key in keys] + [1])
    for row in rows:
        for key in keys:
            row[f"{key}_pct"] = round(100 * (row[key] or 0) / largest, 2)
    return rows
