"""Numbers for the dashboard and `/api/v1/stats/`: plain values, no names; counts of releases are sums over the one
grouped scan of every release (`releases.counted`), the rest one query each.

Each is cached (`tracker.read_cache.cached_summary`) under the records' version, which every write bumps: the
dashboard and the stats compute once per change, whoever reads; `f.uncached` computes afresh. While one process
computes them after a write, others serve the previous numbers for those seconds (`stale_while_computing`:
numbers and event titles only, never a name) rather than all computing at once.

Counts include every record, withheld or not (totals count all; lists name none), so nothing here
returns a person; drafts awaiting review are not counted until published (`prisoners.visibility.published`).
"Reported" numbers are what someone announced; "named" numbers count the people
we can identify; the two are always given side by side and labelled, never merged.

Every function takes `country` (an ISO code, or None for all): the releasing country of events, releases,
deals and destinations (`releases.selectors`' country scope), the country people are held in for people
and reported totals.

People are counted by their own release date where known (a release's own date, else its event's).
A release spread over weeks (a *process*: an end date or still going on) is not spread over the months:
its reported count stays in the month it began, and `processes` lists such events so that every chart
labels them (see docs/data-model.md).
"""

from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django_countries import countries as country_names

from prisoners.models import Prisoner, PrisonerStatus
from prisoners.timeline import HELD
from prisoners.visibility import published, visible_sources
from releases.counted import summed
from releases.models import (
    Destination,
    EventDestination,
    GroupRelease,
    Release,
    ReleaseEvent,
    ReportedTotal,
)
from releases.selectors import (
    FREED_OUTCOMES,
    GROUP_FREED_OUTCOMES,
    deals_of_country,
    deals_with_counts,
    destinations_of_country,
    events_released_by,
    named_counts,
    releases_released_by,
)
from tracker.history import bulk_created_last
from tracker.read_cache import cached_summary

HELD_STATUSES = tuple(sorted(HELD))
FREED_STATUSES = (PrisonerStatus.RELEASED, PrisonerStatus.RELEASED_CONDITIONALLY)


def _people(country=None):
    people = published(Prisoner.objects.all())
    return people.filter(country=country) if country else people


def _events(country=None):
    events = published(ReleaseEvent.objects.all())
    return events_released_by(events, country) if country else events


def _freed_releases(country=None):
    releases = published(Release.objects.filter(outcome__in=FREED_OUTCOMES))
    return releases_released_by(releases, country) if country else releases


@cached_summary(stale_while_computing=True, per_language=False)
def _status_counts(country=None):
    """{status: named people}: one scan of the people for `people_by_status` and `named_totals`, in every language."""
    return dict(_people(country).order_by().values_list("status").annotate(n=Count("id")))


def people_by_status(country=None):
    """Every status with its number of named people (zero included), in the token order."""
    counts = _status_counts(country)
    return [
        {"status": status.value, "label": str(status.label), "count": counts.get(status, 0)}
        for status in PrisonerStatus
    ]


def named_totals(country=None):
    """How many people are named in all, held, and freed."""
    counts = _status_counts(country)
    return {
        "named_people": sum(counts.values()),
        "named_held": sum(counts.get(status, 0) for status in HELD_STATUSES),
        "named_released": sum(counts.get(status, 0) for status in FREED_STATUSES),
    }


@cached_summary(stale_while_computing=True)
def released_per_month(country=None):
    """Named people freed per month (a release's own date, else its event's), and people freed in described
    groups (a group's own date, else its event's)."""
    named = summed(lambda row: row.month, lambda row: row.published and row.outcome in FREED_OUTCOMES, country)
    groups = GroupRelease.objects.filter(outcome__in=GROUP_FREED_OUTCOMES, event__in=_events(country).values("pk"))
    grouped = dict(
        groups.annotate(month=TruncMonth(Coalesce("date", "event__date")))
        .order_by()
        .values_list("month")
        .annotate(n=Sum("count"))
    )
    months = sorted(month for month in set(named) | set(grouped) if month)
    return [
        {"month": month.strftime("%Y-%m"), "named_count": named.get(month, 0), "grouped_count": grouped.get(month, 0)}
        for month in months
    ]


@cached_summary(stale_while_computing=True)
def released_per_destination(country=None):
    """Per destination: the reported total over all events' breakdowns, and the named people taken there."""
    breakdowns = published(EventDestination.objects.filter(destination=OuterRef("pk")))
    # Named: published releases of published people, summed per destination over the one scan of the releases.
    named = summed(
        lambda row: row.destination,
        lambda row: row.named and row.outcome in FREED_OUTCOMES and row.destination is not None,
        country,
    )
    destinations = Destination.objects.all()
    if country:
        breakdowns = breakdowns.filter(event__releasing_countries__contains=country)
        destinations = destinations_of_country(destinations, country)
    reported = breakdowns.order_by().values("destination").annotate(total=Sum("reported_count")).values("total")
    rows = (
        destinations.annotate(reported_count=Subquery(reported, output_field=IntegerField()))
        .order_by("country")
        .values("pk", "country", "reported_count")
    )
    return [
        {
            "country": str(row["country"]),
            "name": str(Destination(country=row["country"]).country.name),
            "reported_count": row["reported_count"],
            "named_count": named.get(row["pk"], 0),
        }
        for row in rows
    ]


@cached_summary(stale_while_computing=True)
def released_per_event(country=None):
    """Per event, newest first: the reported count (with its qualifier), the named people, and whether it was a
    process (an end date, or still going on)."""
    named = named_counts("event")  # one grouped query (a count over each event's joined releases is slower)
    rows = (
        _events(country)
        .order_by("-date", "title", "id")
        .values(
            "pk",
            "slug",
            "title",
            "date",
            "end_date",
            "ongoing",
            "releasing_countries",
            "reported_count",
            "reported_count_qualifier",
        )
    )
    return [
        {
            "slug": row["slug"],
            "title": row["title"],
            "date": row["date"].isoformat(),
            "end_date": row["end_date"].isoformat() if row["end_date"] else None,
            "ongoing": row["ongoing"],
            "is_process": row["ongoing"] or (row["end_date"] is not None and row["end_date"] != row["date"]),
            "releasing_countries": [code for code in str(row["releasing_countries"] or "").split(",") if code],
            "reported_count": row["reported_count"],
            "reported_count_qualifier": row["reported_count_qualifier"],
            "named_count": named.get(row["pk"], 0),
        }
        for row in rows
    ]


def processes(per_event):
    """The events of `released_per_event` that spread over days or weeks, oldest first (the charts label them)."""
    return [
        {key: row[key] for key in ("slug", "title", "date", "end_date", "ongoing", "reported_count")}
        for row in reversed(per_event)
        if row["is_process"]
    ]


@cached_summary(stale_while_computing=True)
def released_per_deal(country=None):
    """Per deal: its events, the sum of their reported counts, and the named people freed under it."""
    deals = deals_with_counts(named=False)
    if country:
        deals = deals_of_country(deals, country)
    # Counted per deal in grouped queries: counts over the deals' joined events and releases took a minute at 1M.
    events = dict(
        published(ReleaseEvent.objects.filter(deal__isnull=False))
        .order_by()
        .values_list("deal")
        .annotate(n=Count("id"))
    )
    named = named_counts("deal")
    rows = deals.order_by("-announced_on", "title", "id").values("pk", "slug", "title", "status", "reported_count")
    return [
        {
            "slug": row["slug"],
            "title": row["title"],
            "status": row["status"],
            "event_count": events.get(row["pk"], 0),
            "reported_count": row["reported_count"],
            "named_count": named.get(row["pk"], 0),
        }
        for row in rows
    ]


def _total_row(total):
    return {
        "reported_on": total.reported_on.isoformat(),
        "count": total.count,
        "qualifier": total.qualifier,
        "counts_what": total.counts_what,
        "reported_by": total.reported_by,
        "country": total.country.code or None,
        "still_held": total.still_held,
    }


@cached_summary(stale_while_computing=True)
def latest_reported_totals(limit=10, country=None):
    """The newest totals as reported (who said it, when, what it counts), newest first."""
    totals = ReportedTotal.objects.all()
    if country:
        totals = totals.filter(country=country)
    return [_total_row(total) for total in totals.order_by("-reported_on", "-id")[:limit]]


def latest_still_held_totals(country=None, queryset=None):
    """{country code or "": the latest "still held" total reported for it}; `queryset` may carry prefetches."""
    totals = (ReportedTotal.objects.all() if queryset is None else queryset).filter(still_held=True)
    if country:
        totals = totals.filter(country=country)
    latest = {}
    for total in totals.order_by("reported_on", "id"):
        latest[total.country.code or ""] = total
    return latest


@cached_summary(stale_while_computing=True)
def named_held_by_country(codes):
    """{country: named people held there} for these country codes."""
    return dict(
        published(Prisoner.objects.all())
        .filter(status__in=HELD_STATUSES, country__in=codes)
        .order_by()
        .values_list("country")
        .annotate(n=Count("id"))
    )


def still_held_by_country(country=None, latest=None):
    """Per country, the latest reported "still held" total, labelled with its country, next to the named people
    held there; one figure is never shown as if it were everyone's. Totals without a country come last."""
    latest = latest_still_held_totals(country) if latest is None else latest
    held = named_held_by_country(tuple(sorted(code for code in latest if code)))
    rows = []
    for code in sorted(latest, key=lambda code: (code == "", code)):
        total = latest[code]
        rows.append(
            {
                "country": code or None,
                "name": str(country_names.name(code)) if code else None,
                "count": total.count,
                "qualifier": total.qualifier,
                "counts_what": total.counts_what,
                "reported_by": total.reported_by,
                "reported_on": total.reported_on.isoformat(),
                "named": held.get(code, 0) if code else None,
            }
        )
    return rows


@cached_summary(stale_while_computing=True)
def still_held_side_by_side(country=None):
    """The latest reported "still held" total next to the number of named people held, and the same per country.

    `reported` is the single latest total (of its `country`); readers of several countries use `by_country`.
    """
    totals = ReportedTotal.objects.filter(still_held=True)
    if country:
        totals = totals.filter(country=country)
    latest = totals.order_by("-reported_on", "-id").first()
    named_held = _people(country).filter(status__in=HELD_STATUSES).count()
    return {
        "reported": None
        if latest is None
        else {
            "count": latest.count,
            "qualifier": latest.qualifier,
            "reported_by": latest.reported_by,
            "reported_on": latest.reported_on.isoformat(),
            "country": latest.country.code or None,
        },
        "named": named_held,
        "by_country": still_held_by_country(country),
    }


@cached_summary(stale_while_computing=True)
def all_stats(country=None):
    """Everything `/api/v1/stats/` answers, in one dict (narrowed to a releasing country when given).

    Cached whole, parts included: the API and the dashboard compute it once per change of the records."""
    return _all_stats(country or None)


@cached_summary(stale_while_computing=True)
def _all_stats(country):
    per_event = released_per_event(country)
    return with_parts(
        {
            "country": country,
            "named_totals": named_totals(country),
            "by_status": people_by_status(country),
            "released_per_month": released_per_month(country),
            "per_destination": released_per_destination(country),
            "per_event": per_event,
            "processes": processes(per_event),
            "per_deal": released_per_deal(country),
            "latest_reported_totals": latest_reported_totals(country=country),
            "still_held": still_held_side_by_side(country),
        },
        country,
    )


def with_parts(stats, country=None):
    """Each figure of `all_stats` with what it adds up: the events (slugs, pages, source ids) and a drill-down page."""

    def drilldown(**params):
        query = urlencode({key: value for key, value in {**params, "country": country}.items() if value})
        return f"{reverse('released-breakdown')}{'?' if query else ''}{query}"

    links = event_links(country)
    for row in stats["per_event"]:
        row.update(
            links.get(row["slug"], {"url": reverse("release-event-detail-page", args=[row["slug"]]), "source_ids": []})
        )
    for row in stats["released_per_month"]:
        row["event_slugs"] = [event["slug"] for event in events_in_period(stats["per_event"], month=row["month"])]
        row["drilldown"] = drilldown(month=row["month"])
    by_destination = destination_event_slugs(country)
    for row in stats["per_destination"]:
        row["event_slugs"] = by_destination.get(row["country"], [])
        row["url"] = reverse("destination-detail-page", args=[row["country"]])
    deal_events = {}
    for deal_slug, slug in (
        _events(country).filter(deal__isnull=False).order_by("date", "slug").values_list("deal__slug", "slug")
    ):
        deal_events.setdefault(deal_slug, []).append(slug)
    for row in stats["per_deal"]:
        row["event_slugs"] = deal_events.get(row["slug"], [])
        row["url"] = reverse("deal-detail-page", args=[row["slug"]])
    stats["named_totals"]["drilldown"] = drilldown()
    return stats


# Drill-downs: what each sum adds up ------------------------------------------------------------------


def events_in_period(per_event, year=None, month=None):
    """The rows of `released_per_event` dated in a year ("2025") or a month ("2025-12"), as the sums count them."""
    prefix = month or (str(year) if year else "")
    return [row for row in per_event if row["date"].startswith(prefix)]


def freed_releases(country=None, year=None, month=None):
    """The freed releases a named figure counts (by a release's own date, else its event's), as a queryset.

    The caller decides who may be listed (`prisoners.visibility`); this counts everyone published."""
    releases = _freed_releases(country).with_effective_date()
    if month:
        first_year, first_month = (int(part) for part in month.split("-"))
        releases = releases.filter(effective_date__year=first_year, effective_date__month=first_month)
    elif year:
        releases = releases.filter(effective_date__year=int(year))
    return releases


def event_links(country=None):
    """{slug: {"url", "source_ids"}} for every event the sums add up: each figure's parts, with the sources
    a public reader may see (the same for everyone: stats name no one)."""
    events = (
        _events(country).only("slug").prefetch_related(Prefetch("sources", queryset=visible_sources(None).only("id")))
    )
    return {
        event.slug: {
            "url": reverse("release-event-detail-page", args=[event.slug]),
            "source_ids": sorted(source.pk for source in event.sources.all()),
        }
        for event in events
    }


def destination_event_slugs(country=None):
    """{destination code: slugs of the events whose reported breakdown it sums}."""
    rows = published(EventDestination.objects.all())
    if country:
        rows = rows.filter(event__releasing_countries__contains=country)
    slugs = {}
    for code, slug in rows.order_by("-event__date", "event__slug").values_list("destination__country", "event__slug"):
        slugs.setdefault(str(code), []).append(slug)
    return slugs


def data_last_changed():
    """When the published data last changed: the newest entry of the history tables, or the last import that
    created records in bulk (those have no history rows; `tracker.history.bulk_created_last`). Derived, never typed."""
    models = [
        ("prisoners", "Prisoner"),
        ("prisoners", "Detention"),
        ("prisoners", "Source"),
        ("prisoners", "ReportedValue"),
        ("releases", "ReleaseEvent"),
        ("releases", "Release"),
        ("releases", "EventDestination"),
        ("releases", "SanctionsDeal"),
        ("releases", "ReportedTotal"),
    ]
    dates = [apps.get_model(app, name).history.aggregate(last=Max("history_date"))["last"] for app, name in models]
    dates = [value for value in [*dates, bulk_created_last()] if value]
    return max(dates) if dates else None
