"""Public pages about releases: the dashboard, events, deals and destinations.

Lists run the same FilterSets as the API; the dashboard's numbers come from `releases.stats`;
named counts and reconciliation from `releases.selectors`. Views only arrange them for reading.
"""

from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from prisoners.models import ReportedValue
from prisoners.scripts import with_native_variants
from prisoners.visibility import display_name, is_withheld_for, visible_prisoners
from releases import stats
from releases.filtersets import DestinationFilterSet, ReleaseEventFilterSet, SanctionsDealFilterSet
from releases.models import Destination, EventDestination, Release, ReleaseEvent, ReportedTotal, SanctionsDeal
from releases.selectors import FREED_OUTCOMES, events_with_named_counts, reconcile_event
from tracker.charts import Column, bar_percentages, column_chart, month_range
from tracker.listing import apply_filterset, name_ordering, paginate


def _people_released(user, releases):
    """Releases of the people this reader may see, by name (withheld names never placed alphabetically)."""
    releases = (
        releases.filter(prisoner__in=visible_prisoners(user).values("pk"))
        .select_related("prisoner", "destination", "event")
        .order_by(*name_ordering(user, prefix="prisoner__"))
    )
    return with_native_variants(releases, get_language(), prefix="prisoner__")


def _with_display_names(user, releases):
    releases = list(releases)
    for release in releases:
        release.person_name = display_name(user, release.prisoner)
        release.person_withheld = is_withheld_for(user, release.prisoner)
    return releases


def _event_queryset(destination_counts=None):
    if destination_counts is None:
        destination_counts = EventDestination.objects.select_related("destination")
    return events_with_named_counts(ReleaseEvent.objects.select_related("deal")).prefetch_related(
        Prefetch("destination_counts", queryset=destination_counts),
    )


# Dashboard -----------------------------------------------------------------------------------------


def _monthly_columns(per_event, per_month):
    """Reported (events' announced counts) and named people freed, per month, gaps filled."""
    reported, named = {}, {}
    for row in per_event:
        month = date.fromisoformat(row["date"]).replace(day=1)
        reported[month] = reported.get(month, 0) + (row["reported_count"] or 0)
    for row in per_month:
        named[date.fromisoformat(row["month"] + "-01")] = row["named_count"]
    months = sorted(set(reported) | set(named))
    if not months:
        return []
    columns = []
    for month in month_range(months[0], months[-1]):
        columns.append(
            Column(
                label=month.strftime("%Y-%m"),
                short_label=date_format(month, "M Y" if month.month == 1 or not columns else "M"),
                reported=reported.get(month, 0),
                named=named.get(month, 0),
            )
        )
        columns[-1].month = month
        next_month = (month + timedelta(days=32)).replace(day=1)
        columns[-1].drilldown = (
            f"{reverse('release-event-list-page')}?date_after={month.isoformat()}"
            f"&date_before={(next_month - timedelta(days=1)).isoformat()}"
        )
    return columns


def dashboard(request):
    per_event = stats.released_per_event()
    per_month = stats.released_per_month()
    per_destination = stats.released_per_destination()
    per_deal = stats.released_per_deal()
    still_held = stats.still_held_side_by_side()

    still_held_sources = []
    reported_held = still_held["reported"]
    if reported_held:
        reported_held = {**reported_held, "reported_on": date.fromisoformat(reported_held["reported_on"])}
        # The sources of the very total the stats picked, matched on what they returned.
        total = (
            ReportedTotal.objects.filter(
                still_held=True,
                reported_on=reported_held["reported_on"],
                count=reported_held["count"],
                reported_by=reported_held["reported_by"],
            )
            .prefetch_related("sources")
            .order_by("-id")
            .first()
        )
        if total is not None:
            reported_held["counts_what"] = total.counts_what
            still_held_sources = list(total.sources.all())

    this_year = timezone.now().year
    reported_by_year, named_by_year = {}, {}
    reported_uncertain = False
    for row in per_event:
        year = int(row["date"][:4])
        reported_by_year[year] = reported_by_year.get(year, 0) + (row["reported_count"] or 0)
        reported_uncertain |= row["reported_count"] is None or row["reported_count_qualifier"] != "exactly"
    for row in per_month:
        year = int(row["month"][:4])
        named_by_year[year] = named_by_year.get(year, 0) + row["named_count"]

    latest_events = [{**row, "date": date.fromisoformat(row["date"])} for row in per_event[:6]]

    columns = _monthly_columns(per_event, per_month)
    for row in per_destination:
        row["url"] = reverse("destination-detail-page", args=[row["country"]])
    destinations = bar_percentages(
        sorted(per_destination, key=lambda row: (-(row["reported_count"] or 0), -row["named_count"], row["name"])),
        "reported_count",
        "named_count",
    )
    context = {
        "still_held": {"reported": reported_held, "named": still_held["named"], "sources": still_held_sources},
        "released": {
            "reported_total": sum(reported_by_year.values()),
            "reported_uncertain": reported_uncertain,
            "named_total": sum(named_by_year.values()),
            "this_year": this_year,
            "reported_this_year": reported_by_year.get(this_year, 0),
            "named_this_year": named_by_year.get(this_year, 0),
            "years": [
                {"year": year, "reported": reported_by_year.get(year, 0), "named": named_by_year.get(year, 0)}
                for year in sorted(set(reported_by_year) | set(named_by_year), reverse=True)
            ],
        },
        "event_count": len(per_event),
        "deal_count": len(per_deal),
        "latest_events": latest_events,
        "chart": column_chart(columns) if columns else None,
        "destinations": destinations,
    }
    return render(request, "pages/dashboard.html", context)


# Release events -------------------------------------------------------------------------------------


def release_event_list(request):
    filterset, events, ok = apply_filterset(request, ReleaseEventFilterSet, _event_queryset())
    listing = paginate(request, events, "/api/v1/release-events/")
    context = {"filterset": filterset, "listing": listing, "list_title": _("Release events")}
    return render(request, "pages/release_event_list.html", context, status=200 if ok else 400)


def _destination_rows(event, reconciliation):
    """One row per destination: the reported number (with its sources) next to the named people."""
    rows = []
    for row in event.destination_counts.all():
        code = row.destination.country.code
        rows.append(
            {
                "destination": row.destination,
                "url": row.destination.get_absolute_url(),
                "name": row.destination.country.name,
                "reported_count": row.reported_count,
                "named_count": reconciliation.named_by_destination.get(code, 0),
                "sources": row.sources.all(),
            }
        )
    listed = {row["destination"].country.code for row in rows}
    for code, count in reconciliation.named_by_destination.items():
        if code and code not in listed:
            destination = Destination(country=code)
            rows.append(
                {
                    "destination": destination,
                    "url": destination.get_absolute_url(),
                    "name": destination.country.name,
                    "reported_count": None,
                    "named_count": count,
                    "sources": [],
                }
            )
    if reconciliation.named_by_destination.get(""):
        rows.append(
            {
                "destination": None,
                "name": _("Destination not recorded"),
                "reported_count": None,
                "named_count": reconciliation.named_by_destination[""],
                "sources": [],
            }
        )
    return bar_percentages(rows, "reported_count", "named_count")


def release_event_detail(request, slug):
    queryset = _event_queryset(
        EventDestination.objects.select_related("destination").prefetch_related("sources")
    ).prefetch_related(
        "sources",
        Prefetch("releases", queryset=Release.objects.select_related("destination")),
        Prefetch("reported_values", queryset=ReportedValue.objects.select_related("source")),
    )
    event = get_object_or_404(queryset, slug=slug)
    reconciliation = reconcile_event(event)
    people = _with_display_names(
        request.user,
        _people_released(request.user, Release.objects.filter(event=event)).prefetch_related(
            "sources", Prefetch("reported_values", queryset=ReportedValue.objects.select_related("source"))
        ),
    )
    freed_listed = sum(1 for release in people if release.outcome in FREED_OUTCOMES)
    context = {
        "event": event,
        "reconciliation": reconciliation,
        "destination_rows": _destination_rows(event, reconciliation),
        "people": people,
        "not_listed_count": max(reconciliation.named_count - freed_listed, 0),
    }
    return render(request, "pages/release_event_detail.html", context)


# Deals ----------------------------------------------------------------------------------------------


def deal_list(request):
    filterset, deals, ok = apply_filterset(request, SanctionsDealFilterSet, SanctionsDeal.objects.all())
    listing = paginate(request, deals, "/api/v1/deals/")
    numbers = {row["slug"]: row for row in stats.released_per_deal()}
    for deal in listing.page.object_list:
        row = numbers.get(deal.slug, {})
        deal.event_count = row.get("event_count", 0)
        deal.reported_count = row.get("reported_count")
        deal.named_count = row.get("named_count", 0)
    context = {"filterset": filterset, "listing": listing, "list_title": _("Sanctions deals")}
    return render(request, "pages/deal_list.html", context, status=200 if ok else 400)


def deal_detail(request, slug):
    queryset = SanctionsDeal.objects.prefetch_related(
        "sources",
        "relief_measures__sources",
        "claims__sources",
        Prefetch("release_events", queryset=_event_queryset().prefetch_related("sources").order_by("date", "id")),
        Prefetch("reported_values", queryset=ReportedValue.objects.select_related("source")),
    )
    deal = get_object_or_404(queryset, slug=slug)
    events = list(deal.release_events.all())
    reported = [event.reported_count for event in events if event.reported_count is not None]
    claims = list(deal.claims.all())
    context = {
        "deal": deal,
        "events": events,
        "reported_freed": sum(reported) if reported else None,
        "reported_freed_partial": len(reported) < len(events)
        or any(event.reported_count_qualifier != "exactly" for event in events),
        "named_freed": sum(event.named_count for event in events),
        "claims": claims,
        "claims_conflict": len({claim.position for claim in claims} - {"other"}) > 1,
    }
    return render(request, "pages/deal_detail.html", context)


# Destinations ---------------------------------------------------------------------------------------


def destination_list(request):
    filterset, destinations, ok = apply_filterset(request, DestinationFilterSet, Destination.objects.all())
    listing = paginate(request, destinations, "/api/v1/destinations/")
    numbers = {row["country"]: row for row in stats.released_per_destination()}
    for destination in listing.page.object_list:
        row = numbers.get(destination.country.code, {})
        destination.reported_count = row.get("reported_count")
        destination.named_count = row.get("named_count", 0)
    context = {"filterset": filterset, "listing": listing, "list_title": _("Destinations")}
    return render(request, "pages/destination_list.html", context, status=200 if ok else 400)


def destination_detail(request, code):
    if code != code.upper():
        return redirect("destination-detail-page", code=code.upper(), permanent=True)
    queryset = Destination.objects.prefetch_related(
        "sources",
        Prefetch(
            "event_counts",
            queryset=EventDestination.objects.select_related("event")
            .prefetch_related("sources")
            .order_by("-event__date"),
        ),
    ).annotate(named_count=Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES), distinct=True))
    try:
        destination = queryset.get(country=code)
    except (Destination.DoesNotExist, ValueError):
        raise Http404(_("No destination with this country code.")) from None
    rows = list(destination.event_counts.all())
    people = _with_display_names(
        request.user, _people_released(request.user, Release.objects.filter(destination=destination))
    )
    freed_listed = sum(1 for release in people if release.outcome in FREED_OUTCOMES)
    context = {
        "destination": destination,
        "event_rows": rows,
        "reported_total": sum(row.reported_count for row in rows) if rows else None,
        "people": people,
        "not_listed_count": max(destination.named_count - freed_listed, 0),
    }
    return render(request, "pages/destination_detail.html", context)
