"""Public pages about releases: the dashboard, events, deals and destinations.

Lists run the same FilterSets as the API; the dashboard's numbers come from `releases.stats`;
named counts and reconciliation from `releases.selectors`. Views only arrange them for reading.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from prisoners.models import ReportedValue, Source
from prisoners.scripts import with_native_variants
from prisoners.visibility import (
    display_name,
    is_withheld_for,
    mask_texts_naming_withheld,
    name_ordering,
    prefetch_visible,
    published,
    published_event_q,
    reported_value_prefetches,
    source_prefetches,
    visible_events,
    visible_releases,
    without_drafts,
)
from releases import stats
from releases.api.views import destinations_with_counts
from releases.filtersets import DestinationFilterSet, ReleaseEventFilterSet, SanctionsDealFilterSet
from releases.models import (
    Destination,
    EventDestination,
    GroupRelease,
    PartyRole,
    ReleaseEvent,
    ReportedCount,
    ReportedTotal,
    SanctionsDeal,
)
from releases.selectors import (
    AT_HOME,
    PEOPLE_FIRST_PAGE,
    deals_with_counts,
    events_released_by,
    events_with_named_counts,
    latest_counts,
    owner_releases,
    people_first_page,
    reconcile_event,
    release_tallies,
    shared_people_summary,
    with_named_counts,
)
from releases.templatetags.citations import by_field
from tracker import glossary
from tracker.charts import Column, bar_percentages, column_chart, map_markers, month_range, with_rows
from tracker.listing import apply_filterset, clean_query_redirect, paginate
from tracker.read_cache import cached_menu
from tracker.values import parse_country

COUNTRY_MENU_SECONDS = 300  # menus of countries in use: recomputed at most every five minutes

EVENT_SORTS = (
    ("", gettext_lazy("Newest first")),
    ("date", gettext_lazy("Oldest first")),
    ("-reported_count", gettext_lazy("Most freed first")),
    ("-named_count", gettext_lazy("Most named first")),
    ("title", gettext_lazy("Title A–Z")),
)
DEAL_SORTS = (
    ("", gettext_lazy("Newest first")),
    ("announced_on", gettext_lazy("Oldest first")),
    ("-reported_count", gettext_lazy("Most freed first")),
    ("title", gettext_lazy("Title A–Z")),
)
DESTINATION_SORTS = (
    ("", gettext_lazy("Country code A–Z")),
    ("-reported_count", gettext_lazy("Most reported taken there")),
    ("-named_count", gettext_lazy("Most named people")),
)


def _codes(values):
    """Country codes from CountryField values, multi-valued ones ("BY,RU") included."""
    return sorted({code for value in values for code in str(value or "").split(",") if code})


def _event_countries_in_use():
    def compute():
        return {
            "country": _codes(
                published(ReleaseEvent.objects.order_by()).values_list("releasing_countries", flat=True).distinct()
            ),
            "destination": _codes(Destination.objects.values_list("country", flat=True)),
        }

    return cached_menu("countries:events", compute, COUNTRY_MENU_SECONDS)


def _deal_countries_in_use():
    def compute():
        return {"target_country": _codes(SanctionsDeal.objects.order_by().values_list("target_country", flat=True))}

    return cached_menu("countries:deals", compute, COUNTRY_MENU_SECONDS)


def _with_uncertain_fields(objects):
    """What sources disagree on (their reported values' fields), for the "uncertain" badge."""
    for obj in objects:
        obj.uncertain_fields = sorted({value.field for value in obj.reported_values.all()})
    return objects


_UNCERTAIN_FIELDS = Prefetch(
    "reported_values", queryset=ReportedValue.objects.only("field", "object_id", "content_type")
)


def _in_reading_script(releases):
    """The people's native-script variants, where the reader's language uses Cyrillic."""
    return with_native_variants(releases, get_language(), prefix="prisoner__")


def _with_display_names(user, releases):
    releases = list(releases)
    for release in releases:
        release.person_name = display_name(user, release.prisoner)
        release.person_withheld = is_withheld_for(user, release.prisoner)
    return releases


def _reported_values_of(releases):
    return [value for release in releases for value in release.reported_values.all()]


def _event_queryset(user, destination_counts=None, named=True):
    """Events the reader may see with their breakdowns; `named=False`: without the `named_count` annotation (a
    count over every release of each event), for views that take it from `with_named_counts`."""
    if destination_counts is None:
        destination_counts = EventDestination.objects.select_related("destination")
    events = visible_events(user, ReleaseEvent.objects.select_related("deal"))
    return (events_with_named_counts(events) if named else events).prefetch_related(
        Prefetch("destination_counts", queryset=destination_counts),
    )


# Dashboard -----------------------------------------------------------------------------------------


def _monthly_columns(per_event, per_month, code=None):
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
                short_label=date_format(month, "M"),
                year_label=str(month.year) if month.month == 1 or not columns else "",
                reported=reported.get(month, 0),
                named=named.get(month, 0),
            )
        )
        columns[-1].month = month
        columns[-1].row_label = date_format(month, "M Y")
        columns[-1].drilldown = f"{reverse('released-breakdown')}?month={month.strftime('%Y-%m')}" + (
            f"&country={code}" if code else ""
        )
    return columns


def dashboard(request, code=None):
    """The overview; with `code` (a country's page, `/countries/<code>/`) every number is that country's."""
    if code is None and request.GET.get("country"):
        try:
            return redirect("country-page", code=parse_country(request.GET["country"]))
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(["country:", *error.messages]))
    per_event = stats.released_per_event(code)
    per_month = stats.released_per_month(code)
    per_destination = stats.released_per_destination(code)
    per_deal = stats.released_per_deal(code)

    # Each country's latest "still held", labelled with its country, with its sources.
    latest_totals = stats.latest_still_held_totals(
        code, ReportedTotal.objects.prefetch_related(*source_prefetches(request.user, "sources"))
    )
    still_held_rows = stats.still_held_by_country(code, latest_totals)
    for row in still_held_rows:
        total = latest_totals[row["country"] or ""]
        row["reported_on"] = total.reported_on
        row["sources"] = list(total.sources.all())
        row["url"] = reverse("country-page", args=[row["country"]]) if row["country"] else None
        row["people_url"] = f"{reverse('prisoner-list-page')}?held=true" + (
            f"&country={row['country']}" if row["country"] else ""
        )

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
    # The period card follows the data: the latest year with a release, "so far" if that is this year.
    years = sorted(set(reported_by_year) | set(named_by_year), reverse=True)
    latest_year = years[0] if years else None

    columns = _monthly_columns(per_event, per_month, code)
    destinations = _destination_table(per_destination)
    markers, off_map = map_markers(destinations)
    drilldown = reverse("released-breakdown") + (f"?country={code}" if code else "")
    context = {
        "drilldown": drilldown,
        "drilldown_year": drilldown + ("&" if code else "?") + "year=",
        "country": {"code": code, "name": country_names.name(code)} if code else None,
        "still_held": {
            "by_country": still_held_rows,
            "named": stats.still_held_side_by_side(code)["named"] if not still_held_rows else None,
        },
        "released": {
            "reported_total": sum(reported_by_year.values()),
            "reported_uncertain": reported_uncertain,
            "named_total": sum(named_by_year.values()),
            "includes": _what_the_total_includes(code),
            "latest_year": latest_year,
            "latest_date": latest_events[0]["date"] if latest_events else None,
            "so_far": latest_year == timezone.now().year,
            "reported_latest_year": reported_by_year.get(latest_year, 0),
            "named_latest_year": named_by_year.get(latest_year, 0),
            "years": [
                {"year": year, "reported": reported_by_year.get(year, 0), "named": named_by_year.get(year, 0)}
                for year in years
            ],
        },
        "event_count": len(per_event),
        "deal_count": len(per_deal),
        "latest_events": latest_events,
        "processes": [
            {**row, "date": date.fromisoformat(row["date"]), "end_date": _date_or_none(row["end_date"])}
            for row in stats.processes(per_event)
        ],
        "chart": with_rows(column_chart(columns)) if columns else None,
        "destinations": destinations,
        "map": {"markers": markers, "off_map": off_map},
    }
    return render(request, "pages/dashboard.html", context)


def _date_or_none(value):
    return date.fromisoformat(value) if value else None


def country_page(request, code):
    """`/countries/<code>/`: the overview narrowed to one releasing country."""
    try:
        canonical = parse_country(code)
    except ValidationError:
        raise Http404(_("No country with this code.")) from None
    if canonical != code:
        return redirect("country-page", code=canonical, permanent=True)
    return dashboard(request, code)


def country_list(request):
    """`/countries/`: every country that released people or whose prisoners are counted, with its page."""
    codes = set(_event_countries_in_use()["country"])
    codes |= {code for code in ReportedTotal.objects.order_by().values_list("country", flat=True).distinct() if code}
    rows = [
        {"code": code, "name": country_names.name(code), "url": reverse("country-page", args=[code])}
        for code in sorted(codes, key=lambda code: str(country_names.name(code)))
    ]
    return render(request, "pages/country_list.html", {"countries": rows})


def _destination_table(rows):
    """Destinations with their page, largest first: one list feeds the map and the table beside it."""
    for row in rows:
        row["url"] = reverse("destination-detail-page", args=[row["country"]])
    return bar_percentages(
        sorted(rows, key=lambda row: (-(row["reported_count"] or 0), -row["named_count"], row["name"])),
        "reported_count",
        "named_count",
    )


def _what_the_total_includes(code=None):
    """Which countries released people in the events the total adds up, and what exchanges it contains."""
    countries, exchanges = {}, []
    events = published(ReleaseEvent.objects.all())
    events = events_released_by(events, code) if code else events
    for event in events.order_by("date").only("releasing_countries", "kind", "reported_count"):
        for country in event.releasing_countries:
            countries[country.code] = country.name
        if event.kind == ReleaseEvent.Kind.EXCHANGE:
            exchanges.append(event)
    exchange_countries = sorted({str(c.name) for event in exchanges for c in event.releasing_countries})
    return {
        "countries": sorted(str(name) for name in countries.values()),
        "exchange_count": len(exchanges),
        "exchange_reported": sum(event.reported_count or 0 for event in exchanges),
        "exchange_countries": ", ".join(exchange_countries),
    }


# Release events -------------------------------------------------------------------------------------


def release_event_list(request):
    if clean := clean_query_redirect(request, ReleaseEventFilterSet):
        return clean
    filterset, events, ok = apply_filterset(
        request,
        ReleaseEventFilterSet,
        _event_queryset(request.user).prefetch_related(_UNCERTAIN_FIELDS),
        sorts=EVENT_SORTS,
        countries_in_use=_event_countries_in_use(),
    )
    listing = paginate(request, events, "/api/v1/release-events/")
    _with_uncertain_fields(listing.page.object_list)
    context = {"filterset": filterset, "listing": listing, "list_title": _("Release events")}
    return render(request, "pages/release_event_list.html", context, status=200 if ok else 400)


def _disputed_for(name, values):
    """The event's reported values about one destination's number (their field names the country)."""
    name = str(name).casefold()
    return [value for value in values if name in value.field.casefold()]


def _destination_rows(event, reconciliation, values=()):
    """One row per destination: the reported number (with its own sources, and each source's value where they
    disagree) next to the named people."""
    rows = []
    people = reverse("prisoner-list-page")
    for row in event.destination_counts.all():
        code = row.destination.country.code
        disputed = _disputed_for(row.destination.country.name, values)
        rows.append(
            {
                "destination": row.destination,
                "url": row.destination.get_absolute_url(),
                "name": row.destination.country.name,
                "reported_count": row.reported_count,
                "named_count": reconciliation.named_by_destination.get(code, 0),
                "people_url": f"{people}?release_event={event.slug}&destination={code}",
                "sources": row.sources.all(),
                "disputed": by_field(disputed),
                "disputed_values": disputed,
            }
        )
    listed = {row["destination"].country.code for row in rows}
    for code, count in reconciliation.named_by_destination.items():
        if code and code != AT_HOME and code not in listed:
            destination = Destination(country=code)
            rows.append(
                {
                    "destination": destination,
                    "url": destination.get_absolute_url(),
                    "name": destination.country.name,
                    "reported_count": None,
                    "named_count": count,
                    "people_url": f"{people}?release_event={event.slug}&destination={code}",
                    "sources": [],
                }
            )
    if reconciliation.named_at_home:
        rows.append(
            {
                "destination": None,
                "name": _("Freed at home, no transfer"),
                "reported_count": None,
                "named_count": reconciliation.named_at_home,
                "people_url": f"{people}?release_event={event.slug}#people-heading",
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
                "people_url": f"{people}?release_event={event.slug}#people-heading",
                "sources": [],
            }
        )
    return bar_percentages(rows, "reported_count", "named_count")


def _event_parts_prefetches(user):
    """Parties, dated counts and groups of an event, each with the sources the reader may see."""
    return [
        Prefetch(
            "party_roles",
            queryset=PartyRole.objects.select_related("party").prefetch_related(*source_prefetches(user, "sources")),
        ),
        Prefetch(
            "reported_counts",
            queryset=ReportedCount.objects.prefetch_related(*source_prefetches(user, "sources")),
        ),
        Prefetch(
            "group_releases",
            queryset=GroupRelease.objects.select_related("destination").prefetch_related(
                *source_prefetches(user, "sources")
            ),
        ),
    ]


def release_event_detail(request, slug):
    user = request.user
    queryset = _event_queryset(
        user,
        EventDestination.objects.select_related("destination").prefetch_related(*source_prefetches(user, "sources")),
        named=False,
    ).prefetch_related(
        *source_prefetches(user, "sources"),
        *reported_value_prefetches(user, "reported_values"),
        *_event_parts_prefetches(user),
    )
    event = get_object_or_404(queryset, slug=slug)
    _with_uncertain_fields(with_named_counts("event", [event]))
    releases = owner_releases(user, "event", event.pk)
    # Counts and the first page's ids computed once per change for every reader who sees as the public.
    summary = shared_people_summary(user, "event", event.pk)
    reconciliation = reconcile_event(event, summary["tallies"] if summary else release_tallies(releases))
    first_page, counts = people_first_page(user, releases, prepare=_in_reading_script, summary=summary)
    people = _with_display_names(user, _with_sources(user, first_page))
    parts = [*event.party_roles.all(), *event.reported_counts.all(), *event.group_releases.all()]
    mask_texts_naming_withheld(
        user, [event, *event.reported_values.all(), *people, *_reported_values_of(people), *parts]
    )
    destination_rows = _destination_rows(event, reconciliation, list(event.reported_values.all()))
    shown_next_to_rows = {value.pk for row in destination_rows for value in row.get("disputed_values", ())}
    # Said once: an editors' note that repeats the description is not shown again under "What is uncertain".
    note = (event.uncertainty_note or "").strip()
    context = {
        "event": event,
        "uncertainty_note": "" if note and note in (event.description or "") else note,
        "other_values": by_field(
            [value for value in event.reported_values.all() if value.pk not in shown_next_to_rows]
        ),
        "latest_counts": latest_counts(event),
        "party_roles": list(event.party_roles.all()),
        "reported_counts": list(event.reported_counts.all()),
        "group_releases": list(event.group_releases.all()),
        "reconciliation": reconciliation,
        "destination_rows": destination_rows,
        "people": people,
        "people_count": counts["listed"],
        "people_url": f"{reverse('prisoner-list-page')}?release_event={event.slug}",
        "not_listed_count": max(reconciliation.named_count - counts["freed"], 0),
    }
    return render(request, "pages/release_event_detail.html", context)


def _with_sources(user, releases):
    """A first page of releases with their sources and reported values (two queries, whatever the page)."""
    return prefetch_visible(user, releases, sources=["sources"], reported_values=["reported_values"])


# Deals ----------------------------------------------------------------------------------------------


def deal_list(request):
    if clean := clean_query_redirect(request, SanctionsDealFilterSet):
        return clean
    queryset = deals_with_counts().annotate(
        event_count=Count("release_events", filter=published_event_q(), distinct=True)
    )
    filterset, deals, ok = apply_filterset(
        request,
        SanctionsDealFilterSet,
        queryset.prefetch_related(_UNCERTAIN_FIELDS),
        sorts=DEAL_SORTS,
        countries_in_use=_deal_countries_in_use(),
    )
    listing = paginate(request, deals, "/api/v1/deals/")
    _with_uncertain_fields(listing.page.object_list)
    context = {"filterset": filterset, "listing": listing, "list_title": _("Sanctions deals")}
    return render(request, "pages/deal_list.html", context, status=200 if ok else 400)


def deal_detail(request, slug):
    user = request.user
    queryset = SanctionsDeal.objects.prefetch_related(
        Prefetch("party_roles", queryset=PartyRole.objects.select_related("party")),
        *source_prefetches(user, "sources", "relief_measures__sources", "claims__sources", "party_roles__sources"),
        "relief_measures__given_by",
        Prefetch(
            "release_events",
            queryset=_event_queryset(user, named=False)
            .prefetch_related(*source_prefetches(user, "sources"))
            .order_by("date", "id"),
        ),
        *reported_value_prefetches(user, "reported_values"),
    )
    deal = get_object_or_404(queryset, slug=slug)
    _with_uncertain_fields([deal])
    events = with_named_counts("event", list(deal.release_events.all()))
    mask_texts_naming_withheld(
        user,
        [
            deal,
            *deal.claims.all(),
            *deal.relief_measures.all(),
            *deal.reported_values.all(),
            *deal.party_roles.all(),
            *events,
        ],
    )
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
        "party_roles": list(deal.party_roles.all()),
        "claims_conflict": len({claim.position for claim in claims} - {"other"}) > 1,
        # One party shown once: the country relieved of sanctions is usually the one freeing the prisoners.
        "counterparty_is_target": _same_country(deal.target_country, deal.counterparty),
    }
    return render(request, "pages/deal_detail.html", context)


def _same_country(country, text):
    if not country or not text:
        return False
    return text.strip().casefold() in (country.code.casefold(), str(country.name).casefold())


# Destinations ---------------------------------------------------------------------------------------


def destination_list(request):
    if clean := clean_query_redirect(request, DestinationFilterSet):
        return clean
    filterset, destinations, ok = apply_filterset(
        request, DestinationFilterSet, destinations_with_counts(), sorts=DESTINATION_SORTS
    )
    listing = paginate(request, destinations, "/api/v1/destinations/")
    markers, off_map = map_markers(
        [
            {
                "country": destination.country.code,
                "name": str(destination.country.name),
                "url": destination.get_absolute_url(),
                "reported_count": destination.reported_count,
                "named_count": destination.named_count,
            }
            for destination in listing.page.object_list
        ]
    )
    context = {
        "filterset": filterset,
        "listing": listing,
        "list_title": _("Destinations"),
        "map": {"markers": markers, "off_map": off_map},
    }
    return render(request, "pages/destination_list.html", context, status=200 if ok else 400)


def destination_detail(request, code):
    if code != code.upper():
        return redirect("destination-detail-page", code=code.upper(), permanent=True)
    user = request.user
    queryset = Destination.objects.prefetch_related(
        *source_prefetches(user, "sources"),
        Prefetch(
            "event_counts",
            queryset=without_drafts(user, EventDestination.objects.select_related("event"))
            .prefetch_related(*source_prefetches(user, "sources"))
            .order_by("-event__date"),
        ),
    )
    try:
        destination = with_named_counts("destination", [queryset.get(country=code)])[0]
    except (Destination.DoesNotExist, ValueError):
        raise Http404(_("No destination with this country code.")) from None
    rows = list(destination.event_counts.all())
    first_page, counts = people_first_page(
        user,
        owner_releases(user, "destination", destination.pk),
        prepare=_in_reading_script,
        summary=shared_people_summary(user, "destination", destination.pk),
    )
    people = _with_display_names(user, first_page)
    mask_texts_naming_withheld(user, [destination, *people])
    context = {
        "destination": destination,
        "event_rows": rows,
        "reported_total": sum(row.reported_count for row in rows) if rows else None,
        "people": people,
        "people_count": counts["listed"],
        "people_url": f"{reverse('prisoner-list-page')}?destination={destination.code}",
        "not_listed_count": max(destination.named_count - counts["freed"], 0),
    }
    return render(request, "pages/destination_detail.html", context)


# Methodology ----------------------------------------------------------------------------------------


def methodology(request):
    """How the numbers are counted and what every word means (the pages link here), which countries are covered,
    and when the data last changed (from the history tables)."""
    codes = set(_event_countries_in_use()["country"])
    codes |= {code for code in ReportedTotal.objects.order_by().values_list("country", flat=True).distinct() if code}
    countries = [
        {"code": code, "name": country_names.name(code), "url": reverse("country-page", args=[code])}
        for code in sorted(codes, key=lambda code: str(country_names.name(code)))
    ]
    context = {
        "glossary": glossary.all_groups(),
        "countries": countries,
        "last_changed": stats.data_last_changed(),
        "source_kinds": Source.Kind.choices,
    }
    return render(request, "pages/methodology.html", context)


# Drill-down: what a released figure adds up ---------------------------------------------------------


def _period(request):
    """`?year=2025` or `?month=2025-12` (or neither: all); a malformed value is a 400 naming it."""
    year, month = request.GET.get("year", ""), request.GET.get("month", "")
    if year and not (year.isdigit() and len(year) == 4):
        raise ValidationError({"year": _("A year, e.g. 2025.")})
    if month:
        try:
            date.fromisoformat(f"{month}-01")
        except ValueError:
            raise ValidationError({"month": _("A month, e.g. 2025-12.")}) from None
    return year or None, month or None


def released_breakdown(request):
    """`/released/`: the events whose reported counts a released figure adds up (each with its sources), and the
    named people it counts; `?year=`, `?month=`, `?country=` narrow it as the dashboard's figures are narrowed."""
    try:
        year, month = _period(request)
        code = parse_country(request.GET["country"]) if request.GET.get("country") else None
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"country": error.messages}
        return HttpResponseBadRequest(
            "; ".join(f"{field}: {' '.join(texts)}" for field, texts in messages.items()),
            content_type="text/plain; charset=utf-8",
        )
    user = request.user
    rows = stats.events_in_period(stats.released_per_event(code), year=year, month=month)
    events = {
        event.slug: event
        for event in visible_events(user, ReleaseEvent.objects.filter(slug__in=[row["slug"] for row in rows]))
        .only("slug", "title", "date", "date_precision")
        .prefetch_related(*source_prefetches(user, "sources"))
    }
    for row in rows:
        row["event"] = events.get(row["slug"])
    releases = stats.freed_releases(code, year=year, month=month)
    named_total = releases.count()
    visible = visible_releases(user, releases)
    listed = visible.count()
    # The first page only (all freed people of every year are hundreds of thousands): the rest on the events' pages.
    people = _with_display_names(
        user,
        visible.select_related("prisoner", "event", "destination").order_by(
            "effective_date", *name_ordering(user, prefix="prisoner__")
        )[:PEOPLE_FIRST_PAGE],
    )
    counted = [row["reported_count"] for row in rows]
    context = {
        "country": {"code": code, "name": country_names.name(code)} if code else None,
        "year": year,
        "month": date.fromisoformat(f"{month}-01") if month else None,
        "rows": rows,
        "reported_total": sum(count or 0 for count in counted),
        "reported_uncertain": any(
            row["reported_count"] is None or row["reported_count_qualifier"] != "exactly" for row in rows
        ),
        "named_total": named_total,
        "people": people,
        "more_count": listed - len(people),
        "not_listed_count": named_total - listed,
    }
    return render(request, "pages/released_breakdown.html", context)
