"""Numbers for the dashboard and `/api/v1/stats/`: one query each, plain values, no names.

Counts include every record, withheld or not (totals count all; lists name none), so nothing here
returns a person. "Reported" numbers are what someone announced; "named" numbers count the people
we can identify; the two are always given side by side and labelled, never merged.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth

from prisoners.models import Prisoner, PrisonerStatus
from releases.models import EFFECTIVE_DATE, Destination, EventDestination, Release, ReleaseEvent, ReportedTotal
from releases.selectors import FREED_OUTCOMES, deals_with_counts

HELD_STATUSES = (PrisonerStatus.DETAINED, PrisonerStatus.SENTENCED)
FREED_STATUSES = (PrisonerStatus.RELEASED, PrisonerStatus.RELEASED_CONDITIONALLY)


def _freed_releases():
    return Release.objects.filter(outcome__in=FREED_OUTCOMES)


def people_by_status():
    """Every status with its number of named people (zero included), in the token order."""
    counts = dict(Prisoner.objects.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {"status": status.value, "label": str(status.label), "count": counts.get(status, 0)}
        for status in PrisonerStatus
    ]


def named_totals():
    """How many people are named in all, held, and freed."""
    return Prisoner.objects.aggregate(
        named_people=Count("id"),
        named_held=Count("id", filter=Q(status__in=HELD_STATUSES)),
        named_released=Count("id", filter=Q(status__in=FREED_STATUSES)),
    )


def released_per_month():
    """Named people freed per month (a release's own date, else its event's)."""
    rows = (
        _freed_releases()
        .annotate(month=TruncMonth(EFFECTIVE_DATE))
        .order_by()
        .values("month")
        .annotate(named_count=Count("id"))
        .order_by("month")
    )
    return [
        {"month": row["month"].strftime("%Y-%m"), "named_count": row["named_count"]} for row in rows if row["month"]
    ]


def released_per_destination():
    """Per destination: the reported total over all events' breakdowns, and the named people taken there."""
    reported = (
        EventDestination.objects.filter(destination=OuterRef("pk"))
        .order_by()
        .values("destination")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    rows = (
        Destination.objects.annotate(
            reported_count=Subquery(reported, output_field=IntegerField()),
            named_count=Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES), distinct=True),
        )
        .order_by("country")
        .values("country", "reported_count", "named_count")
    )
    return [
        {
            "country": str(row["country"]),
            "name": str(Destination(country=row["country"]).country.name),
            "reported_count": row["reported_count"],
            "named_count": row["named_count"],
        }
        for row in rows
    ]


def released_per_event():
    """Per event, newest first: the reported count (with its qualifier) and the named people."""
    rows = (
        ReleaseEvent.objects.annotate(
            named_count=Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES), distinct=True)
        )
        .order_by("-date", "title", "id")
        .values("slug", "title", "date", "reported_count", "reported_count_qualifier", "named_count")
    )
    return [
        {
            "slug": row["slug"],
            "title": row["title"],
            "date": row["date"].isoformat(),
            "reported_count": row["reported_count"],
            "reported_count_qualifier": row["reported_count_qualifier"],
            "named_count": row["named_count"],
        }
        for row in rows
    ]


def released_per_deal():
    """Per deal: its events, the sum of their reported counts, and the named people freed under it."""
    rows = (
        deals_with_counts()
        .annotate(event_count=Count("release_events", distinct=True))
        .order_by("-announced_on", "title", "id")
        .values("slug", "title", "status", "event_count", "reported_count", "named_count")
    )
    return list(rows)


def latest_reported_totals(limit=10):
    """The newest totals as reported (who said it, when, what it counts), newest first."""
    rows = ReportedTotal.objects.order_by("-reported_on", "-id")[:limit]
    return [
        {
            "reported_on": total.reported_on.isoformat(),
            "count": total.count,
            "qualifier": total.qualifier,
            "counts_what": total.counts_what,
            "reported_by": total.reported_by,
            "country": total.country.code or None,
            "still_held": total.still_held,
        }
        for total in rows
    ]


def still_held_side_by_side():
    """The latest reported "still held" total next to the number of named people held."""
    latest = ReportedTotal.objects.filter(still_held=True).order_by("-reported_on", "-id").first()
    named_held = Prisoner.objects.filter(status__in=HELD_STATUSES).count()
    return {
        "reported": None
        if latest is None
        else {
            "count": latest.count,
            "qualifier": latest.qualifier,
            "reported_by": latest.reported_by,
            "reported_on": latest.reported_on.isoformat(),
        },
        "named": named_held,
    }


def all_stats():
    """Everything `/api/v1/stats/` answers, in one dict."""
    return {
        "named_totals": named_totals(),
        "by_status": people_by_status(),
        "released_per_month": released_per_month(),
        "per_destination": released_per_destination(),
        "per_event": released_per_event(),
        "per_deal": released_per_deal(),
        "latest_reported_totals": latest_reported_totals(),
        "still_held": still_held_side_by_side(),
    }
