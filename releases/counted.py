"""Every count of named releases from one grouped scan of the releases.

The dashboard, `/api/v1/stats/`, the country pages and the lists' named counts all count releases, grouped by an
event, a destination, a deal, a month or an outcome, filtered by the draft rules (`prisoners.visibility`) and, on
a country's pages, by the releasing country. At a million people each such count scanned the releases joined to
their people: 0.5-0.6 s of one core each, seven of them whenever a stream of writes made them due, and again in
every language. Here they are one grouped scan of every release (`counted_releases`: one row per combination,
a few hundred at a million people), cached once per change of the records for every language, and each count is
a sum over its rows (`summed`), made by the selector that owns that number (`releases.selectors.named_counts`,
`releases.stats.released_per_month`, ...).

The scan does not join a million people: the releases are grouped on their own columns, joined only to the people
counted apart (drafts, withheld: `prisoners.visibility.people_counted_apart_q`, a partial index) and, outside any
event, to their people (a partial index of those releases); the events' and destinations' values are attached to
the groups from those small tables. At a million people: 0.2 s instead of 1.0 s (docs/benchmarks.md).

Numbers only: no name, no title; every record counted, withheld or not (totals count everyone, lists name nobody
withheld); what is a draft or seen is decided by `prisoners.visibility` (`counted_flags`: `drafts_q`,
`published_release_q`, `unseen_q`, the rules the queries filter with).
"""

from collections import defaultdict
from itertools import chain
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db.models import CharField, Count, ExpressionWrapper, F, FilteredRelation
from django.db.models.functions import TruncMonth

from prisoners.visibility import ORDINARY_PERSON, counted_flags, counted_lookups, people_counted_apart_q
from releases.models import EFFECTIVE_DATE, Destination, Release, ReleaseEvent
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


# The release's own columns a count groups on (each group's flags are decided from its values afterwards).
_GROUPED = ("event", "destination", "c_month", "outcome", "freed_at_home")


def _with_month(queryset):
    return queryset.order_by().annotate(c_month=TruncMonth(EFFECTIVE_DATE))


def _grouped_releases(person):
    """The releases in an event grouped by their own columns and, for a person counted apart from the ordinary
    ones (`people_counted_apart_q`: drafts and withheld people, 70,000 of the benchmark's million), by the
    person's values: one scan of the releases, joined only to those people (a partial index). An ordinary
    person's columns read as None. Releases outside any event are left to `_releases_outside_events`."""
    apart = FilteredRelation("prisoner", condition=people_counted_apart_q(prefix="prisoner__"))
    fields = [f"apart__{name}" for name in person]
    rows = (
        _with_month(Release.objects.filter(event__isnull=False))
        .annotate(apart=apart)
        .values_list(*_GROUPED, "is_draft", *fields)
        .annotate(n=Count("id"))
    )
    # A filtered relation over a foreign key that cannot be null is an inner join for Django: made a left join
    # here (every release counted, its person's columns None unless counted apart; the test compares the rows).
    rows.query.alias_map["apart"] = rows.query.alias_map["apart"].promote()
    for row in rows:
        apart_values = row[6:-1]
        values = (
            dict(ORDINARY_PERSON)
            if all(value is None for value in apart_values)
            else dict(zip(person, apart_values, strict=True))
        )
        yield (*row[:5], "", row[5], values, row[-1])


def _releases_outside_events(person):
    """The releases outside any event (a partial index), with their people's values and the country they were held
    in (what scopes such a release to a country)."""
    rows = (
        _with_month(Release.objects.filter(event__isnull=True))
        .annotate(c_held_in=ExpressionWrapper(F("prisoner__country"), output_field=CharField()))
        .values_list(*_GROUPED, "c_held_in", "is_draft", *(f"prisoner__{name}" for name in person))
        .annotate(n=Count("id"))
    )
    for row in rows:
        yield (*row[:5], str(row[5] or ""), row[6], dict(zip(person, row[7:-1], strict=True)), row[-1])


@cached_summary(stale_while_computing=True, per_language=False)
def counted_releases():
    """Every release counted once, grouped by what any count of releases filters or groups on (plain tuples).

    The releases are grouped on their own columns; each group's event (deal, releasing countries, draft) and
    destination (country) are attached from those small tables, and its flags (published, named, seen) decided by
    `prisoners.visibility.counted_flags` from the values of the release, its person and its event."""
    lookups = counted_lookups(Release)
    person = sorted(lookup.removeprefix("prisoner__") for lookup in lookups if lookup.startswith("prisoner__"))
    event_fields = sorted(lookup.removeprefix("event__") for lookup in lookups if lookup.startswith("event__"))
    unknown = set(person) - set(ORDINARY_PERSON)
    if unknown or any("__" in lookup for lookup in lookups if not lookup.startswith(("prisoner__", "event__"))):
        raise ImproperlyConfigured(f"releases.counted cannot group on {sorted(lookups)}")
    groups = list(chain(_grouped_releases(person), _releases_outside_events(person)))
    # Read after the releases: an event or destination a group names was there when they were read, and one gone
    # since (deleted by a concurrent write) could only go after its releases (on_delete=PROTECT): its groups are
    # left out, counted as of this later moment.
    events = {
        pk: (deal, _codes(countries), dict(zip(event_fields, rest, strict=True)))
        for pk, deal, countries, *rest in ReleaseEvent.objects.order_by().values_list(
            "pk", "deal", "releasing_countries", *event_fields
        )
    }
    countries = dict(Destination.objects.order_by().values_list("pk", "country"))
    events[None], countries[None] = (None, (), dict.fromkeys(event_fields)), None
    totals = defaultdict(int)
    for event, destination, month, outcome, freed_at_home, held_in, own_draft, person_values, n in groups:
        if event not in events or destination not in countries:
            continue
        deal, releasing, event_values = events[event]
        values = {
            "is_draft": own_draft,
            **{f"prisoner__{name}": value for name, value in person_values.items()},
            **{f"event__{name}": value for name, value in event_values.items()},
        }
        key = (event, deal, releasing, destination, countries[destination], month, outcome, freed_at_home, held_in)
        totals[(*key, *counted_flags(Release, values))] += n
    return [(*key, n) for key, n in totals.items()]


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
