"""API views for release events, releases, destinations, deals and the stats: thin; rules live elsewhere."""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from prisoners.visibility import (
    is_withheld_for,
    redact,
    reported_value_prefetches,
    shown_sources,
    source_prefetches,
    visible_releases,
)
from releases import services as release_services
from releases.api.serializers import (
    DestinationDetailSerializer,
    DestinationSerializer,
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
    ReleaseEventFilterSet,
    ReleaseFilterSet,
    ReportedTotalFilterSet,
    SanctionsDealFilterSet,
)
from releases.models import Destination, EventDestination, Release, ReleaseEvent, ReportedTotal, SanctionsDeal
from releases.selectors import deals_with_counts, destinations_with_counts, events_with_named_counts
from releases.stats import all_stats
from tracker.api.permissions import ReadOnly
from tracker.api.views import RecordViewSet


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
    ]
    csv_filename = "release-events.csv"

    def get_serializer_class(self):
        return ReleaseEventSerializer if self.action == "list" else ReleaseEventDetailSerializer

    def get_queryset(self):
        queryset = events_with_named_counts(ReleaseEvent.objects.select_related("deal")).prefetch_related(
            Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
            Prefetch("releases", queryset=Release.objects.select_related("prisoner", "destination")),
        )
        user = self.request.user
        if self.wants_csv() or self.action != "list":
            queryset = queryset.prefetch_related(*source_prefetches(user, "sources"))
        if self.action != "list":
            queryset = queryset.prefetch_related(*reported_value_prefetches(user, "reported_values"))
        return queryset

    def delete_record(self, instance):
        release_services.delete_release_event(actor=self.request.user, event=instance)

    def text_records(self, event):
        return [event, *event.reported_values.all()] if self.action != "list" else [event]

    def csv_row(self, event):
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
    ]
    csv_filename = "releases.csv"

    def get_queryset(self):
        return (
            visible_releases(self.request.user, Release.objects.all())
            .select_related("prisoner", "event", "destination")
            .prefetch_related(
                *source_prefetches(self.request.user, "sources"),
                *reported_value_prefetches(self.request.user, "reported_values"),
            )
        )

    def delete_record(self, instance):
        release_services.delete_release(actor=self.request.user, release=instance)

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
        }
        return redact("release_row", row, withheld=withheld)


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
    ]
    csv_filename = "deals.csv"

    def get_serializer_class(self):
        return SanctionsDealSerializer if self.action == "list" else SanctionsDealDetailSerializer

    def get_queryset(self):
        queryset = deals_with_counts()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                *source_prefetches(self.request.user, "relief_measures__sources", "claims__sources", "sources"),
                *reported_value_prefetches(self.request.user, "reported_values"),
                Prefetch("release_events", queryset=events_with_named_counts().order_by("date", "id")),
            )
        return queryset

    def delete_record(self, instance):
        release_services.delete_deal(actor=self.request.user, deal=instance)

    def text_records(self, deal):
        if self.action == "list":
            return [deal]
        return [deal, *deal.claims.all(), *deal.relief_measures.all(), *deal.reported_values.all()]

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
        queryset = destinations_with_counts()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                *source_prefetches(self.request.user, "sources"),
                Prefetch("event_counts", queryset=EventDestination.objects.select_related("event")),
                Prefetch("releases", queryset=Release.objects.select_related("prisoner", "event")),
            )
        return queryset

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

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


class StatsView(APIView):
    """Counts of everyone (withheld included), never a name: reported and named numbers side by side."""

    permission_classes = [ReadOnly]

    @extend_schema(responses=StatsSerializer)
    def get(self, request):
        return Response(all_stats())
