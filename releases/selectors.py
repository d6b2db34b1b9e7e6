"""Reads that derive numbers: named counts and reconciliation of an event, never typed twice."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from prisoners.visibility import (
    name_ordering,
    published,
    published_release_q,
    sees_as_public,
    visible_releases,
    without_drafts,
)
from releases.counted import counted, summed
from releases.models import (
    Destination,
    EventDestination,
    GroupRelease,
    Release,
    ReleaseEvent,
    ReportedCount,
    SanctionsDeal,
)
from tracker.read_cache import cached_summary, summaries_cached

# A person returned to custody was announced as freed but is not free: never counted as named freed.
FREED_OUTCOMES = (Release.Outcome.FREED, Release.Outcome.FREED_CONDITIONALLY)
GROUP_FREED_OUTCOMES = (GroupRelease.Outcome.FREED, GroupRelease.Outcome.FREED_CONDITIONALLY)
# Where a named person freed at home is counted in `named_by_destination` (not "" = not recorded).
AT_HOME = "home"
# How many people an event's or a destination's page and API detail list; the rest is one link away.
PEOPLE_FIRST_PAGE = 50


# Country scope: the releasing country of events, releases, deals and destinations -------------------


def events_released_by(queryset, code):
    """Events in which `code` released people (one of its releasing countries)."""
    return queryset.filter(releasing_countries__contains=code)


def releases_released_by(queryset, code, *, via=""):
    """Releases by `code`: in an event it took part in as releasing country, or outside any event, of a person
    held there."""
    return queryset.filter(
        Q(**{f"{via}event__releasing_countries__contains": code})
        | Q(**{f"{via}event__isnull": True, f"{via}prisoner__country": code})
    )


def deals_of_country(queryset, code):
    """Deals with an event in which `code` released people, or whose relief targets `code`."""
    events = ReleaseEvent.objects.filter(deal=OuterRef("pk"), releasing_countries__contains=code)
    return queryset.filter(Q(Exists(events)) | Q(target_country=code))


def destinations_of_country(queryset, code):
    """Destinations people released by `code` were taken to (reported in a breakdown, or named)."""
    reported = EventDestination.objects.filter(destination=OuterRef("pk"), event__releasing_countries__contains=code)
    named = releases_released_by(Release.objects.filter(destination=OuterRef("pk")), code)
    return queryset.filter(Q(Exists(reported)) | Q(Exists(named)))


# Dated counts of an event ------------------------------------------------------------------------


def latest_counts(event):
    """The latest dated count of each basis (verified, claimed, reported), newest first: {basis: ReportedCount}.

    Uses the caller's prefetch of `reported_counts` when there is one.
    """
    if "reported_counts" in getattr(event, "_prefetched_objects_cache", {}):
        rows = list(event.reported_counts.all())
    else:
        rows = list(ReportedCount.objects.filter(event=event))
    latest = {}
    for row in sorted(rows, key=lambda row: (row.reported_on, row.pk)):
        latest[row.basis] = row
    return {basis: latest[basis] for basis in ReportedCount.Basis.values if basis in latest}


def events_with_named_counts(queryset=None):
    """Annotate events with `named_count`: people we can identify as freed in the event.

    Counts every person, withheld or not: totals count every record, lists show none withheld; drafts
    awaiting review are not counted until published.
    """
    queryset = ReleaseEvent.objects.all() if queryset is None else queryset
    return queryset.annotate(
        named_count=_named_count_expression(
            "event",
            Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES) & published_release_q(), distinct=True),
        )
    )


@dataclass
class Reconciliation:
    reported_count: int | None
    qualifier: str
    named_count: int
    returned_count: int
    breakdown_total: int | None
    breakdown: dict = field(default_factory=dict)  # destination code -> reported count
    named_by_destination: dict = field(default_factory=dict)  # code, "home" (freed at home) or "" -> named
    warnings: list = field(default_factory=list)
    grouped_count: int = 0  # freed in described groups, not named
    refused_count: int = 0  # counted in groups that refused release
    kept_back_count: int = 0  # announced but kept back
    named_at_home: int = 0  # named people freed at home, no transfer
    latest_verified_count: int | None = None

    @property
    def unnamed_count(self):
        """Reported but neither named nor in a described group."""
        if self.reported_count is None:
            return None
        return max(self.reported_count - self.named_count - self.grouped_count, 0)

    @property
    def ok(self):
        return not self.warnings


def release_tallies(releases):
    """`releases` counted in SQL by (outcome, destination country or "", freed at home): [(o, dest, home, n)]."""
    rows = releases.order_by().values_list("outcome", "destination__country", "freed_at_home").annotate(n=Count("id"))
    return [(outcome, dest or "", bool(home), n) for outcome, dest, home, n in rows]


def release_tallies_by_event(releases, events):
    """`release_tallies` of several events in one query: {event id: [(o, dest, home, n)]} (every event a key)."""
    tallies = {event.pk: [] for event in events}
    rows = (
        releases.filter(event__in=list(tallies))
        .order_by()
        .values_list("event", "outcome", "destination__country", "freed_at_home")
        .annotate(n=Count("id"))
    )
    for event_id, outcome, dest, home, n in rows:
        tallies[event_id].append((outcome, dest or "", bool(home), n))
    return tallies


@cached_summary(stale_while_computing=True, per_language=False)
def _public_tallies_by_event():
    """`release_tallies` of every event as the public counts them (drafts absent), from `counted_releases`."""
    totals = summed(
        lambda row: (row.event, row.outcome, row.destination_country or "", bool(row.freed_at_home)),
        lambda row: row.event is not None and row.published,
    )
    tallies = {}
    for (event_id, outcome, dest, home), n in totals.items():
        tallies.setdefault(event_id, []).append((outcome, dest, home, n))
    return tallies


def shared_release_tallies(user, events):
    """`release_tallies_by_event` of these events from one summary of every event's tallies, computed once per
    change for every reader who sees as the public; None for anyone else or where summaries are not cached."""
    if not summaries_cached() or not sees_as_public(user):
        return None
    tallies = _public_tallies_by_event()
    return {event.pk: list(tallies.get(event.pk, ())) for event in events}


def named_by_destination(tallies):
    """Named people freed, per destination country ("" when not recorded, freed at home included)."""
    named = Counter()
    for outcome, dest, _home, n in tallies:
        if outcome in FREED_OUTCOMES:
            named[dest] += n
    return dict(named)


# Whose releases a page lists (`owner`: the field of Release), and the named count of each owner.
PEOPLE_OWNERS = {"event": "event", "destination": "destination", "deal": "event__deal"}


# Which field of `releases.counted.Counted` an owner's releases share.
OWNER_KEYS = {"event": "event", "destination": "destination", "deal": "deal"}


def _named_counts(owner, pks=None):
    """{id: named people freed} of every event, destination or deal (or of `pks`), summed over `counted_releases`.
    A deal counts its published events' releases (`deals_with_counts`); an event or a destination every published
    release of a published person (`published_release_q`), as the annotations do."""
    key = OWNER_KEYS[owner]
    counted_as = "published" if owner == "deal" else "named"
    counts = summed(
        lambda row: getattr(row, key),
        lambda row: row.outcome in FREED_OUTCOMES and getattr(row, key) is not None and getattr(row, counted_as),
    )
    if pks is not None:
        wanted = set(pks)
        counts = {pk: n for pk, n in counts.items() if pk in wanted}
    return counts


@cached_summary(stale_while_computing=True, per_language=False)
def named_counts(owner):
    """Named people freed per event, destination or deal ({id: n}), every record counted (withheld too), drafts
    not: the same numbers as `events_with_named_counts` and `deals_with_counts`, for all of them from one scan."""
    return _named_counts(owner)


def _named_count_expression(owner, counted):
    """`counted` (a count over each record's releases), or where summaries are cached the same numbers from
    `named_counts` as constants (`CASE id WHEN ...`), so that lists still sort and filter on them without the count
    over every release on each request."""
    if not summaries_cached():
        return counted
    counts = named_counts(owner)
    if not counts:
        return Value(0, output_field=IntegerField())
    whens = [When(pk=pk, then=Value(n)) for pk, n in sorted(counts.items())]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def with_named_counts(owner, records):
    """Set `named_count` on each of `records` (events, destinations or deals): from `named_counts` where summaries
    are cached, else counted for these records only (one query either way)."""
    records = list(records)
    counts = named_counts(owner) if summaries_cached() else _named_counts(owner, [record.pk for record in records])
    for record in records:
        record.named_count = counts.get(record.pk, 0)
    return records


def owner_releases(user, owner, pk):
    """The releases of one event, destination or deal, drafts absent unless the reader may see them."""
    return without_drafts(user, Release.objects.filter(**{f"{PEOPLE_OWNERS[owner]}_id": pk}))


@cached_summary(stale_while_computing=True, per_language=False)
def _public_people(owner, pk, size):
    """What a reader who sees as the public does of one owner's people: their tallies (`release_tallies`), counts
    and the ids of the first `size` releases in reading order. Computed once per change, shared by all of them.
    Numbers and candidate ids only, so it may be served from an older version for a moment after a write
    (`cached_summary`): the page filters those ids by who may be seen now (`people_first_page`), so a person
    withheld a moment ago drops out of the page at once; one added a moment ago joins it within seconds."""
    reader = AnonymousUser()
    visible = visible_releases(reader, owner_releases(reader, owner, pk))
    first = visible.order_by(*name_ordering(reader, prefix="prisoner__")).values_list("id", flat=True)[:size]
    # The counts and tallies from the one scan of every release (`releases.counted`): what the public sees of
    # them is `seen` (`visible_releases`), what it counts is `published` (`owner_releases`).
    key = OWNER_KEYS[owner]
    counts, tallies = {"listed": 0, "freed": 0}, Counter()
    for row in counted():
        if getattr(row, key) != pk:
            continue
        if row.seen:
            counts["listed"] += row.n
            counts["freed"] += row.n if row.outcome in FREED_OUTCOMES else 0
        if row.published:
            tallies[(row.outcome, row.destination_country or "", bool(row.freed_at_home))] += row.n
    tallies = [(*values, n) for values, n in tallies.items()]
    return {"tallies": tallies, "counts": counts, "first": list(first)}


def shared_people_summary(user, owner, pk, size=PEOPLE_FIRST_PAGE):
    """`_public_people` when the reader sees as the public and summaries are cached, else None (compute afresh)."""
    if owner is None or not summaries_cached() or not sees_as_public(user):
        return None
    return _public_people(owner, pk, size)


def people_first_page(user, releases, size=PEOPLE_FIRST_PAGE, prepare=None, summary=None):
    """The first `size` of `releases` whose people the reader may see, in reading order, and their counts.

    Returns (releases, {"listed": all the reader may see, "freed": those of them freed}): a page never grows
    with the data; the rest is in the filtered list the page links to. `prepare` may add prefetches. With a
    `summary` (`shared_people_summary` of the same releases) the counts and the page's ids come from it: one query.
    """
    visible = visible_releases(user, releases)
    if summary is not None:
        first = visible.filter(id__in=summary["first"]).select_related("prisoner", "destination", "event")
        first = first.order_by(*name_ordering(user, prefix="prisoner__"))
        first = prepare(first) if prepare else first
        return list(first), dict(summary["counts"])
    counts = visible.order_by().aggregate(listed=Count("id"), freed=Count("id", filter=Q(outcome__in=FREED_OUTCOMES)))
    first = visible.select_related("prisoner", "destination", "event").order_by(
        *name_ordering(user, prefix="prisoner__")
    )
    first = prepare(first) if prepare else first
    return list(first[:size]), counts


def _ranked_by_event(user, visible, size):
    return visible.annotate(
        rank=Window(RowNumber(), partition_by=[F("event")], order_by=name_ordering(user, prefix="prisoner__"))
    ).filter(rank__lte=size)


@cached_summary(stale_while_computing=True, per_language=False)
def _public_people_by_event(owner, pk, size):
    """`_public_people` per event: {"listed": {event id: n}, "first": [release ids of each event's first page]}."""
    reader = AnonymousUser()
    visible = visible_releases(reader, owner_releases(reader, owner, pk)).filter(event__isnull=False)
    listed = dict(visible.order_by().values_list("event").annotate(n=Count("id")))
    return {"listed": listed, "first": list(_ranked_by_event(reader, visible, size).values_list("id", flat=True))}


def shared_people_by_event(user, owner, pk, size=PEOPLE_FIRST_PAGE):
    """`_public_people_by_event` when the reader sees as the public and summaries are cached, else None."""
    if not summaries_cached() or not sees_as_public(user):
        return None
    return _public_people_by_event(owner, pk, size)


def people_first_page_by_event(user, releases, size=PEOPLE_FIRST_PAGE, summary=None):
    """`people_first_page` per event, in two queries (one with a `summary`, `shared_people_by_event` of the same
    releases): ({event id: releases}, {"listed": {event id: n}, "events": {event id: event}}). Releases outside
    any event are left out."""
    visible = visible_releases(user, releases).filter(event__isnull=False)
    if summary is None:
        listed = dict(visible.order_by().values_list("event").annotate(n=Count("id")))
        ranked = _ranked_by_event(user, visible, size)
    else:
        listed = dict(summary["listed"])
        ranked = _ranked_by_event(user, visible.filter(id__in=summary["first"]), size)
    ranked = ranked.select_related("prisoner", "destination", "event").order_by("event", "rank")
    people, events = {}, {}
    for release in ranked:
        people.setdefault(release.event_id, []).append(release)
        events[release.event_id] = release.event
    return people, {"listed": listed, "events": events}


def reconcile_event(event, tallies=None) -> Reconciliation:
    """Named vs reported, and destination breakdown vs total, with a warning for each mismatch.

    `tallies` (from `release_tallies`) are the event's releases counted in SQL; without them the event's
    `release_tallies` attribute, then a prefetch of `releases`, then one grouped query is used.
    """
    tallies = tallies if tallies is not None else getattr(event, "release_tallies", None)
    if tallies is None and "releases" in getattr(event, "_prefetched_objects_cache", {}):
        tallies = [
            (r.outcome, r.destination.country.code if r.destination_id else "", r.freed_at_home, 1)
            for r in event.releases.all()
        ]
    elif tallies is None:
        tallies = release_tallies(Release.objects.filter(event=event))
    named = Counter()
    for outcome, dest, home, n in tallies:
        if outcome in FREED_OUTCOMES:
            named[AT_HOME if home else dest] += n
    release_count = sum(n for *_row, n in tallies)
    if "group_releases" in getattr(event, "_prefetched_objects_cache", {}):
        groups = [(group.outcome, group.count) for group in event.group_releases.all()]
    else:
        groups = list(GroupRelease.objects.filter(event=event).values_list("outcome", "count"))
    if "destination_counts" in getattr(event, "_prefetched_objects_cache", {}):
        rows = event.destination_counts.all()
    else:
        rows = event.destination_counts.select_related("destination")
    breakdown = {str(row.destination.country): row.reported_count for row in rows}
    result = Reconciliation(
        reported_count=event.reported_count,
        qualifier=event.reported_count_qualifier,
        named_count=sum(named.values()),
        returned_count=release_count - sum(named.values()),
        breakdown_total=sum(breakdown.values()) if breakdown else None,
        breakdown=breakdown,
        named_by_destination=dict(named),
        grouped_count=sum(count for outcome, count in groups if outcome in GROUP_FREED_OUTCOMES),
        refused_count=sum(count for outcome, count in groups if outcome == GroupRelease.Outcome.REFUSED),
        kept_back_count=sum(count for outcome, count in groups if outcome == GroupRelease.Outcome.KEPT_BACK),
    )
    result.named_at_home = result.named_by_destination.get(AT_HOME, 0)
    verified = latest_counts(event).get(ReportedCount.Basis.VERIFIED)
    result.latest_verified_count = verified.count if verified else None
    exact = event.reported_count_qualifier == "exactly"
    if event.reported_count is not None:
        if result.named_count > event.reported_count and exact:
            result.warnings.append(
                _("%(named)d people are named but %(reported)d were reported.")
                % {"named": result.named_count, "reported": event.reported_count}
            )
        elif result.named_count + result.grouped_count > event.reported_count and exact:
            result.warnings.append(
                _("%(named)d named and %(grouped)d counted in groups add up to more than the %(reported)d reported.")
                % {"named": result.named_count, "grouped": result.grouped_count, "reported": event.reported_count}
            )
        if result.breakdown_total is not None and result.breakdown_total != event.reported_count:
            result.warnings.append(
                _("The destination breakdown adds up to %(total)d, the reported count is %(reported)d.")
                % {"total": result.breakdown_total, "reported": event.reported_count}
            )
    for code, count in result.named_by_destination.items():
        if code == AT_HOME:
            continue
        if code and code in breakdown and count > breakdown[code]:
            result.warnings.append(
                _("%(count)d people are named as taken to %(code)s, more than the %(reported)d reported.")
                % {"count": count, "code": code, "reported": breakdown[code]}
            )
        elif code and breakdown and code not in breakdown:
            result.warnings.append(
                _("%(count)d named people were taken to %(code)s, which is not in the reported breakdown.")
                % {"count": count, "code": code}
            )
    return result


def deals_with_counts(queryset=None, named=True):
    """Deals with `reported_count` (sum over their events) and `named_count` (people freed under them); with
    `named=False` without the latter (a count over every release of each deal: see `with_named_counts`)."""
    queryset = SanctionsDeal.objects.all() if queryset is None else queryset
    reported = (
        published(ReleaseEvent.objects.filter(deal=OuterRef("pk")))
        .order_by()
        .values("deal")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    named_releases = (
        published(Release.objects.filter(event__deal=OuterRef("pk"), outcome__in=FREED_OUTCOMES))
        .order_by()
        .values("event__deal")
        .annotate(total=Count("id"))
        .values("total")
    )
    queryset = queryset.annotate(reported_count=Subquery(reported, output_field=IntegerField()))
    if not named:
        return queryset
    return queryset.annotate(
        named_count=_named_count_expression("deal", Coalesce(Subquery(named_releases, output_field=IntegerField()), 0))
    )


def destinations_with_counts(queryset=None, named=True):
    """Destinations with `reported_count` (sum of the events' breakdowns) and `named_count` (named freed there);
    with `named=False` without the latter (see `with_named_counts`)."""
    queryset = Destination.objects.all() if queryset is None else queryset
    reported = (
        published(EventDestination.objects.filter(destination=OuterRef("pk")))
        .order_by()
        .values("destination")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    queryset = queryset.annotate(reported_count=Subquery(reported, output_field=IntegerField()))
    if not named:
        return queryset
    return queryset.annotate(
        named_count=_named_count_expression(
            "destination",
            Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES) & published_release_q(), distinct=True),
        ),
    )
