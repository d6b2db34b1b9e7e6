"""API views for release events, releases, destinations, deals and the stats: thin; rules live elsewhere."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from prisoners.api.viewsets import RecordViewSet
from prisoners.visibility import (
    is_withheld_for,
    reader_class,
    redact,
    reported_value_prefetches,
    shown_sources,
    source_prefetches,
    visible_events,
    visible_releases,
    without_drafts,
)
from releases import services as release_services
from releases.api.csv_rows import release_csv_rows
from releases.api.list_rows import RELEASE_FIELDS, release_list_rows
from releases.api.serializers import (
    DestinationDetailSerializer,
    DestinationSerializer,
    PartyDetailSerializer,
    PartySerializer,
    ReleaseEventDetailSerializer,
    ReleaseEventSerializer,
    ReleaseSerializer,
    ReportedTotalSerializer,
    SanctionsDealDetailSerializer,
    SanctionsDealSerializer,
)
from releases.api.stats_serializers import StatsSerializer
from releases.filtersets import (
    DestinationFilterSet,
    PartyFilterSet,
    ReleaseEventFilterSet,
    ReleaseFilterSet,
    ReportedTotalFilterSet,
    SanctionsDealFilterSet,
)
from releases.models import (
    Destination,
    EventDestination,
    GroupRelease,
    Party,
    PartyRole,
    Release,
    ReleaseEvent,
    ReportedCount,
    ReportedTotal,
    SanctionsDeal,
)
from releases.selectors import (
    deals_with_counts,
    destinations_with_counts,
    events_with_named_counts,
    latest_counts,
    reconcile_event,
    release_tallies_by_event,
    shared_people_summary,
    shared_release_tallies,
    with_named_counts,
)
from releases.stats import all_stats
from tracker.api.compiled_list import CompiledList
from tracker.api.pagination import sort_terms
from tracker.api.permissions import ReadOnly
from tracker.translated import translated
from tracker.values import parse_country


def country_param(request):
    """The `?country=` of a request as an ISO code (None when absent); a bad value is a 400 naming it."""
    value = request.query_params.get("country", "").strip()
    if not value:
        return None
    try:
        return parse_country(value)
    except DjangoValidationError as error:
        raise ValidationError({"country": error.messages}) from None


def _consideration_cell(measure):
    """kind:status, and the date of reversal where there is one ("state_list_removal:reversed:2021-01-12")."""
    cell = f"{measure.kind}:{measure.status}"
    return f"{cell}:{measure.reversed_on.isoformat()}" if measure.reversed_on else cell


def _countries(value):
    return "|".join(country.code for country in value)


class ReleaseEventViewSet(RecordViewSet):
    """Release events: the reported count and breakdown next to the named people; detail adds who went where,
    the deal and the reconciliation."""

    queryset = ReleaseEvent.objects.all()
    lookup_field = "slug"
    filterset_class = ReleaseEventFilterSet
    csv_columns = [
        "id",
        "url",
        "slug",
        "title",
        "date",
        "kind",
        "releasing_countries",
        "reported_count",
        "reported_count_qualifier",
        "named_count",
        "envoy",
        "deal",
        "destination_breakdown",
        "uncertain",
        "deal_title",
        "sources",
        "end_date",
        "ongoing",
        "latest_verified_count",
        "latest_claimed_count",
        "reported_counts",
        "grouped_count",
        "refused_count",
        "kept_back_count",
        "named_at_home",
        "parties",
    ]
    csv_filename = "release-events.csv"

    def get_serializer_class(self):
        return ReleaseEventSerializer if self.action == "list" else ReleaseEventDetailSerializer

    def get_queryset(self):
        user = self.request.user
        events = visible_events(user, ReleaseEvent.objects.select_related("deal"))
        # A read of one event takes its named count from `with_named_counts` (computed once for every event).
        queryset = (events if self.action == "retrieve" else events_with_named_counts(events)).prefetch_related(
            Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
        )
        if self.wants_csv() or self.action != "list":
            queryset = queryset.prefetch_related(
                *source_prefetches(user, "sources"),
                Prefetch("party_roles", queryset=PartyRole.objects.select_related("party")),
                Prefetch("reported_counts", queryset=ReportedCount.objects.all()),
                Prefetch("group_releases", queryset=GroupRelease.objects.select_related("destination")),
            )
        if self.action != "list":
            queryset = queryset.prefetch_related(
                *reported_value_prefetches(user, "reported_values"),
                *source_prefetches(user, "party_roles__sources", "reported_counts__sources", "group_releases__sources"),
            )
        return queryset

    def _with_release_tallies(self, events):
        """Count the releases of these events in one query, for their named counts by destination."""
        tallies = shared_release_tallies(self.request.user, events)
        if tallies is None:
            tallies = release_tallies_by_event(without_drafts(self.request.user, Release.objects.all()), events)
        for event in events:
            event.release_tallies = tallies[event.pk]
        return events

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else self._with_release_tallies(page)

    def get_object(self):
        event = super().get_object()
        if self.action != "retrieve":
            return self._with_release_tallies([event])[0]
        with_named_counts("event", [event])
        # Counts and the first page's ids computed once per change for every reader who sees as the public.
        summary = shared_people_summary(self.request.user, "event", event.pk)
        if summary is None:
            return self._with_release_tallies([event])[0]
        event.release_tallies, event.people_summary = summary["tallies"], summary
        return event

    def delete_record(self, instance):
        release_services.delete_release_event(actor=self.request.user, event=instance)

    def text_records(self, event):
        if self.action == "list":
            return [event]
        parts = [*event.party_roles.all(), *event.reported_counts.all(), *event.group_releases.all()]
        return [event, *event.reported_values.all(), *parts]

    def csv_row(self, event):
        latest = latest_counts(event)
        reconciliation = reconcile_event(event)
        return {
            "id": event.pk,
            "url": self.request.build_absolute_uri(event.get_absolute_url()),
            "slug": event.slug,
            "title": event.title,
            "date": event.date.isoformat(),
            "kind": event.kind,
            "releasing_countries": _countries(event.releasing_countries),
            "reported_count": event.reported_count,
            "reported_count_qualifier": event.reported_count_qualifier,
            "named_count": event.named_count,
            "envoy": event.envoy,
            "deal": event.deal.slug if event.deal_id else "",
            "destination_breakdown": [
                f"{row.destination.code}:{row.reported_count}" for row in event.destination_counts.all()
            ],
            "uncertain": event.uncertain,
            "deal_title": event.deal.title if event.deal_id else "",
            "sources": [source.link for source in shown_sources(event.sources.all())],
            "end_date": event.end_date.isoformat() if event.end_date else "",
            "ongoing": event.ongoing,
            "latest_verified_count": latest.get("verified").count if "verified" in latest else "",
            "latest_claimed_count": latest.get("claimed").count if "claimed" in latest else "",
            "reported_counts": [
                f"{row.reported_on.isoformat()}:{row.basis}:{row.count}" for row in event.reported_counts.all()
            ],
            "grouped_count": reconciliation.grouped_count,
            "refused_count": reconciliation.refused_count,
            "kept_back_count": reconciliation.kept_back_count,
            "named_at_home": reconciliation.named_at_home,
            "parties": [f"{row.role}:{row.party.slug}" for row in event.party_roles.all()],
        }


class ReleaseViewSet(RecordViewSet):
    """Releases: one person freed (or returned to custody), in which event, when and where to. Releases of
    people absent for the reader are absent; withheld people show as "Name withheld"."""

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    filterset_class = ReleaseFilterSet
    csv_columns = [
        "id",
        "url",
        "prisoner_id",
        "full_name",
        "withheld",
        "release_event",
        "date",
        "destination",
        "outcome",
        "confidence",
        "conditions",
        "release_event_title",
        "release_event_date",
        "sources",
        "freed_at_home",
    ]
    csv_filename = "releases.csv"
    # The JSON list's rows come from plain values (`releases.api.list_rows`); the serializer stays the schema's
    # definition and the reference the tests compare the rows with (they turn this off to get its output).
    rows_from_values = True

    def list(self, request, *args, **kwargs):
        if self.wants_csv() or not self.rows_from_values:
            return super().list(request, *args, **kwargs)
        page = RELEASE_PAGE.page(self, self.paginator)  # the page query compiled once for this shape of request
        if page is None:  # a shape that runs through the ORM (a search, another database)
            page = self.paginate_queryset(self.page_values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(release_list_rows(request, page, format=self.format_kwarg))

    def page_values(self, queryset):
        """The filtered list as the page's plain values (`RELEASE_FIELDS` and the sort keys)."""
        queryset = queryset.select_related(None).prefetch_related(None)
        sort_keys = [name for name, _descending in sort_terms(queryset) or () if name not in RELEASE_FIELDS]
        queryset = queryset.annotate(event_title=translated("event__title"))  # in the reader's language
        return queryset.values(*RELEASE_FIELDS, *sort_keys)

    def get_queryset(self):
        queryset = visible_releases(self.request.user, Release.objects.all()).select_related(
            "prisoner", "event", "destination"
        )
        if self.action == "list" and self.rows_from_values:
            # The JSON rows and the CSV come from plain values and fetch the page's sources and reported values
            # themselves; building the prefetches (the hidden sources from the cache, on every call: the
            # permission check calls this too) would only be thrown away.
            return queryset
        return queryset.prefetch_related(
            *source_prefetches(self.request.user, "sources"),
            *reported_value_prefetches(self.request.user, "reported_values"),
        )

    def delete_record(self, instance):
        release_services.delete_release(actor=self.request.user, release=instance)

    def csv_rows(self, queryset):
        """The whole list from plain values, a chunk at a time (`releases.api.csv_rows`)."""
        return release_csv_rows(self.request, queryset.prefetch_related(None))

    def text_records(self, release):
        return [release, *release.reported_values.all()]

    def csv_row(self, release):
        withheld = is_withheld_for(self.request.user, release.prisoner)
        when = release.effective_date
        row = {
            "id": release.pk,
            "url": self.request.build_absolute_uri(release.prisoner.get_absolute_url()),
            "prisoner_id": release.prisoner_id,
            "full_name": release.prisoner.full_name,
            "withheld": withheld,
            "release_event": release.event.slug if release.event_id else "",
            "date": when.isoformat() if when else "",
            "destination": release.destination.code if release.destination_id else "",
            "outcome": release.outcome,
            "confidence": release.confidence,
            "conditions": release.conditions,
            "release_event_title": release.event.title if release.event_id else "",
            "release_event_date": release.event.date.isoformat() if release.event_id else "",
            "sources": [source.link for source in shown_sources(release.sources.all())],
            "freed_at_home": release.freed_at_home,
        }
        return redact("release_row", row, withheld=withheld)


# The releases list's page, compiled once per reader class, language and filter combination.
RELEASE_PAGE = CompiledList(
    lambda view, filterset: view.page_values(filterset.filter_queryset(view.get_queryset())), reader_class
)


class SanctionsDealViewSet(RecordViewSet):
    """Sanctions deals: relief measures, claims with their sources, linked events and the number freed."""

    queryset = SanctionsDeal.objects.all()
    lookup_field = "slug"
    filterset_class = SanctionsDealFilterSet
    csv_columns = [
        "id",
        "url",
        "slug",
        "title",
        "announced_on",
        "sanctioning_party",
        "target_country",
        "envoy",
        "counterparty",
        "status",
        "reported_count",
        "named_count",
        "uncertain",
        "parties",
        "considerations",
    ]
    csv_filename = "deals.csv"

    def get_serializer_class(self):
        return SanctionsDealSerializer if self.action == "list" else SanctionsDealDetailSerializer

    def get_queryset(self):
        queryset = deals_with_counts(named=self.action != "retrieve")
        if self.wants_csv() or self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("party_roles", queryset=PartyRole.objects.select_related("party")),
                Prefetch("relief_measures__given_by"),
            )
        if self.action != "list":
            queryset = queryset.prefetch_related(
                *source_prefetches(
                    self.request.user, "relief_measures__sources", "claims__sources", "sources", "party_roles__sources"
                ),
                *reported_value_prefetches(self.request.user, "reported_values"),
                Prefetch(
                    "release_events",
                    queryset=(
                        visible_events(self.request.user)
                        if self.action == "retrieve"
                        else events_with_named_counts(visible_events(self.request.user))
                    ).order_by("date", "id"),
                ),
            )
        return queryset

    def get_object(self):
        """A deal read: it and its events with their named counts from `with_named_counts` (computed once for all)."""
        deal = super().get_object()
        if self.action == "retrieve":
            with_named_counts("deal", [deal])
            with_named_counts("event", deal.release_events.all())
        return deal

    def delete_record(self, instance):
        release_services.delete_deal(actor=self.request.user, deal=instance)

    def text_records(self, deal):
        if self.action == "list":
            return [deal]
        return [
            deal,
            *deal.claims.all(),
            *deal.relief_measures.all(),
            *deal.reported_values.all(),
            *deal.party_roles.all(),
        ]

    def csv_row(self, deal):
        return {
            "id": deal.pk,
            "url": self.request.build_absolute_uri(deal.get_absolute_url()),
            "slug": deal.slug,
            "title": deal.title,
            "announced_on": deal.announced_on.isoformat() if deal.announced_on else "",
            "sanctioning_party": deal.sanctioning_party,
            "target_country": deal.target_country.code or "",
            "envoy": deal.envoy,
            "counterparty": deal.counterparty,
            "status": deal.status,
            "reported_count": deal.reported_count,
            "named_count": deal.named_count,
            "uncertain": deal.uncertain,
            "parties": [f"{row.role}:{row.party.slug}" for row in deal.party_roles.all()],
            "considerations": [_consideration_cell(measure) for measure in deal.relief_measures.all()],
        }


class DestinationViewSet(RecordViewSet):
    """Countries people were taken to, by ISO code (any case): reported and named totals; detail lists the
    people taken there, event by event."""

    queryset = Destination.objects.all()
    lookup_field = "country"
    lookup_value_regex = "[A-Za-z]{2}"
    filterset_class = DestinationFilterSet
    csv_columns = ["id", "url", "country", "name", "reported_count", "named_count"]
    csv_filename = "destinations.csv"

    def get_serializer_class(self):
        return DestinationSerializer if self.action == "list" else DestinationDetailSerializer

    def get_queryset(self):
        queryset = destinations_with_counts(named=self.action != "retrieve")
        if self.action != "list":
            queryset = queryset.prefetch_related(
                *source_prefetches(self.request.user, "sources"),
                Prefetch(
                    "event_counts",
                    queryset=without_drafts(self.request.user, EventDestination.objects.select_related("event")),
                ),
            )
        return queryset

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        destination = super().get_object()
        return with_named_counts("destination", [destination])[0] if self.action == "retrieve" else destination

    def delete_record(self, instance):
        release_services.delete_destination(actor=self.request.user, destination=instance)

    def csv_row(self, destination):
        return {
            "id": destination.pk,
            "url": self.request.build_absolute_uri(destination.get_absolute_url()),
            "country": destination.code,
            "name": str(destination.country.name),
            "reported_count": destination.reported_count,
            "named_count": destination.named_count,
        }


class ReportedTotalViewSet(RecordViewSet):
    """Totals reported by someone on a date (people still held, freed so far), each with its sources."""

    queryset = ReportedTotal.objects.all()
    serializer_class = ReportedTotalSerializer
    filterset_class = ReportedTotalFilterSet
    csv_columns = ["id", "url", "reported_on", "count", "qualifier", "counts_what", "reported_by", "country"]
    csv_filename = "reported-totals.csv"

    def get_queryset(self):
        return ReportedTotal.objects.prefetch_related(*source_prefetches(self.request.user, "sources"))

    def delete_record(self, instance):
        release_services.delete_reported_total(actor=self.request.user, reported_total=instance)

    def csv_row(self, total):
        return {
            "id": total.pk,
            "url": self.request.build_absolute_uri(reverse("api-reported-total-detail", args=[total.pk])),
            "reported_on": total.reported_on.isoformat(),
            "count": total.count,
            "qualifier": total.qualifier,
            "counts_what": total.counts_what,
            "reported_by": total.reported_by,
            "country": total.country.code or "",
        }


class PartyViewSet(RecordViewSet):
    """Parties: states, governments, envoys, mediators and hosts; detail lists their roles in events and deals."""

    queryset = Party.objects.all()
    lookup_field = "slug"
    filterset_class = PartyFilterSet
    csv_columns = ["id", "url", "slug", "name", "kind", "country", "roles"]
    csv_filename = "parties.csv"

    def get_serializer_class(self):
        return PartySerializer if self.action == "list" else PartyDetailSerializer

    def get_queryset(self):
        queryset = Party.objects.all()
        if self.wants_csv() or self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("roles", queryset=PartyRole.objects.select_related("event", "deal").order_by("role", "id"))
            )
        if self.action != "list":
            queryset = queryset.prefetch_related(*source_prefetches(self.request.user, "sources"))
        return queryset

    def delete_record(self, instance):
        release_services.delete_party(actor=self.request.user, party=instance)

    def text_records(self, party):
        return [party, *party.roles.all()] if self.action != "list" else [party]

    def csv_row(self, party):
        return {
            "id": party.pk,
            "url": self.request.build_absolute_uri(reverse("api-party-detail", args=[party.slug])),
            "slug": party.slug,
            "name": party.name,
            "kind": party.kind,
            "country": party.country.code or "",
            "roles": [f"{row.role}:{row.event.slug if row.event_id else row.deal.slug}" for row in party.roles.all()],
        }


class StatsView(APIView):
    """Counts of everyone (withheld included), never a name: reported and named numbers side by side."""

    permission_classes = [ReadOnly]

    @extend_schema(
        responses=StatsSerializer,
        parameters=[OpenApiParameter("country", str, description="Releasing country (ISO code or English name).")],
    )
    def get(self, request):
        return Response(all_stats(country_param(request) or None))
