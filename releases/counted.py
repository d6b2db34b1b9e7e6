"""Every count of named releases from one grouped scan of the releases.

The dashboard, `/api/v1/stats/`, the country pages and the lists' named counts all count releases, grouped by an
event, a destination, a deal, a month or an outcome, filtered by the draft rules (`prisoners.visibility`) and, on
a country's pages, by the releasing country. At a million people each such count scanned the releases joined to
their people: 0.5-0.6 s of one core each, seven of them whenever a stream of writes made them due, and again in
every language. Here they are one grouped query over every release (`counted_releases`: one row per combination,
a few hundred at a million people), cached once per change of the records for every language, and each count is
a sum over its rows (`summed`), made by the selector that owns that number (`releases.selectors.named_counts`,
`releases.stats.released_per_month`, ...).

Numbers only: no name, no title; every record counted, withheld or not (totals count everyone, lists name nobody
withheld); what is a draft is decided by `prisoners.visibility` in the query itself (`published`, `named`).
"""

from collections import defaultdict
from typing import NamedTuple

from django.db.models import BooleanField, Case, CharField, Count, F, Value, When
from django.db.models.functions import TruncMonth

from prisoners.visibility import drafts_q, published_release_q, seen_by_public
from releases.models import EFFECTIVE_DATE, Release
from tracker.read_cache import cached_summary


class Counted(NamedTuple):
    """How many releases (`n`) share these values."""

    event: int | None
    deal: int | None
    releasing: tuple  # the event's releasing countries' codes; () outside any event
    destination: int | None
    destination_country: object  # the destination's country as the ORM gives it (None when not recorded)
    month: object  # the first day of the month of the release's effective date (None when undated)
    outcome: str
    freed_at_home: bool
    held_in: str  # outside any event: the country the person was held in (the release's country scope); else ""
    published: bool  # not a draft, nor of a draft person or event: what the public totals count
    named: bool  # a published release of a published person (an event's or a destination's named count)
    seen: bool  # what an anonymous reader sees: published, and not of a private person (the lists' counts)
    n: int


def _codes(value):
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(code for code in value.split(",") if code)
    return tuple(str(getattr(code, "code", code)) for code in value)


@cached_summary(stale_while_computing=True, per_language=False)
def counted_releases():
    """Every release counted once, grouped by what any count of releases filters or groups on (plain tuples)."""
    published = Case(When(drafts_q(Release), then=Value(False)), default=Value(True), output_field=BooleanField())
    named = Case(
        When(published_release_q(prefix=""), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    held_in = Case(When(event__isnull=True, then=F("prisoner__country")), default=Value(""), output_field=CharField())
    rows = (
        Release.objects.order_by()
        .annotate(
            c_month=TruncMonth(EFFECTIVE_DATE),
            c_published=published,
            c_named=named,
            c_seen=seen_by_public(Release),
            c_held_in=held_in,
        )
        .values_list(
            "event",
            "event__deal",
            "event__releasing_countries",
            "destination",
            "destination__country",
            "c_month",
            "outcome",
            "freed_at_home",
            "c_held_in",
            "c_published",
            "c_named",
            "c_seen",
        )
        .annotate(n=Count("id"))
    )
    return [(*row[:2], _codes(row[2]), *row[3:8], str(row[8] or ""), *row[9:]) for row in rows]


def counted():
    """`counted_releases` as `Counted` rows."""
    return [Counted(*row) for row in counted_releases()]


def released_by(row, code):
    """Whether `row` is of releases by `code` (`releases.selectors.releases_released_by`, the same rule): in an
    event it took part in as a releasing country, or outside any event, of a person held there."""
    return code in row.releasing if row.event is not None else row.held_in == code


def summed(key, where, country=None):
    """{key(row): the number of releases} over the rows `where(row)` holds for (and released by `country`)."""
    totals = defaultdict(int)
    for row in counted():
        if where(row) and (country is None or released_by(row, country)):
            totals[key(row)] += row.n
    return dict(totals)
