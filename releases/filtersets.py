"""The one FilterSet per resource for events, releases, deals and destinations (API lists and list pages).

Every FilterSet applies who-sees-what itself: a release of a person absent for the reader is absent too.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from prisoners.search import search_prisoners
from prisoners.values import parse_country
from prisoners.visibility import visible_prisoners
from releases.models import Destination, EventDestination, Release, ReleaseEvent, ReportedTotal, SanctionsDeal
from tracker import glossary
from tracker.filters import (
    CountryFilter,
    IsoDateFilter,
    NullsLastOrderingFilter,
    OrderingFilter,
    PartyCodeFilter,
    RecordIdFilter,
    SlugChoiceFilter,
    ordered_by,
)


def _user(filterset):
    return getattr(filterset.request, "user", None)


class ReleaseEventFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search title, envoy and description"))
    date_after = IsoDateFilter(field_name="date", lookup_expr="gte", label=_("On or after (YYYY-MM-DD)"))
    date_before = IsoDateFilter(field_name="date", lookup_expr="lte", label=_("On or before (YYYY-MM-DD)"))
    country = CountryFilter(
        field_name="releasing_countries", lookup_expr="contains", label=_("Releasing country (code or English name)")
    )
    kind = django_filters.ChoiceFilter(choices=glossary.choices("kind"), label=_("Kind"))
    deal = SlugChoiceFilter(queryset=SanctionsDeal.objects.all(), what="deal", label=_("Linked deal (slug)"))
    destination = CountryFilter(
        method="filter_destination", label=_("Took people to (country code or English name; reported or named)")
    )
    ordering = NullsLastOrderingFilter(
        fields=(
            ("date", "date"),
            ("title", "title"),
            ("reported_count", "reported_count"),
            ("named_count", "named_count"),
            ("id", "id"),
        )
    )

    class Meta:
        model = ReleaseEvent
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(envoy__icontains=value) | Q(description__icontains=value))

    def filter_destination(self, queryset, name, code):
        reported = EventDestination.objects.filter(event=OuterRef("pk"), destination__country=code)
        named = Release.objects.filter(event=OuterRef("pk"), destination__country=code)
        return queryset.filter(Q(Exists(reported)) | Q(Exists(named)))

    def filter_queryset(self, queryset):
        return ordered_by(super().filter_queryset(queryset), "-date", "title", "id")


class ReleaseFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search the person's names and the event"))
    prisoner = RecordIdFilter(field_name="prisoner_id", label=_("Person (id)"))
    release_event = SlugChoiceFilter(
        field_name="event", queryset=ReleaseEvent.objects.all(), what="release event", label=_("Release event (slug)")
    )
    destination = CountryFilter(field_name="destination__country", label=_("Taken to (country code or English name)"))
    deal = SlugChoiceFilter(
        field_name="event__deal", queryset=SanctionsDeal.objects.all(), what="deal", label=_("Linked deal (slug)")
    )
    outcome = django_filters.ChoiceFilter(choices=glossary.choices("outcome"), label=_("Outcome"))
    confidence = django_filters.ChoiceFilter(choices=glossary.choices("confidence"), label=_("Confidence"))
    date_after = IsoDateFilter(field_name="effective_date", lookup_expr="gte", label=_("On or after (YYYY-MM-DD)"))
    date_before = IsoDateFilter(field_name="effective_date", lookup_expr="lte", label=_("On or before (YYYY-MM-DD)"))
    ordering = OrderingFilter(fields=(("effective_date", "date"), ("id", "id")))

    class Meta:
        model = Release
        fields = []

    def filter_search(self, queryset, name, value):
        user = _user(self)
        people = search_prisoners(visible_prisoners(user), value, user).values("pk")
        return queryset.filter(Q(prisoner__in=people) | Q(event__title__icontains=value.strip()))

    def filter_queryset(self, queryset):
        user = _user(self)
        queryset = queryset.filter(prisoner__in=visible_prisoners(user).values("pk"))
        queryset = queryset.with_effective_date()
        return ordered_by(super().filter_queryset(queryset), "-effective_date", "id")


class SanctionsDealFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search title, envoy, counterparty and terms"))
    status = django_filters.ChoiceFilter(choices=glossary.choices("deal_status"), label=_("Status"))
    sanctioning_party = PartyCodeFilter(
        field_name="sanctioning_party",
        lookup_expr="iexact",
        label=_("Relief granted by (country or bloc code, e.g. US, EU)"),
    )
    target_country = CountryFilter(field_name="target_country", label=_("Target country (code or English name)"))
    announced_after = IsoDateFilter(
        field_name="announced_on", lookup_expr="gte", label=_("Announced on or after (YYYY-MM-DD)")
    )
    announced_before = IsoDateFilter(
        field_name="announced_on", lookup_expr="lte", label=_("Announced on or before (YYYY-MM-DD)")
    )
    ordering = NullsLastOrderingFilter(
        fields=(
            ("announced_on", "announced_on"),
            ("title", "title"),
            ("reported_count", "reported_count"),
            ("named_count", "named_count"),
            ("id", "id"),
        )
    )

    class Meta:
        model = SanctionsDeal
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__icontains=value)
            | Q(envoy__icontains=value)
            | Q(counterparty__icontains=value)
            | Q(terms__icontains=value)
            | Q(description__icontains=value)
        )

    def filter_queryset(self, queryset):
        return ordered_by(super().filter_queryset(queryset), "-announced_on", "title", "id")


class DestinationFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search country name or code, description"))
    release_event = SlugChoiceFilter(
        queryset=ReleaseEvent.objects.all(),
        method="filter_release_event",
        what="release event",
        label=_("Release event (slug)"),
    )
    ordering = NullsLastOrderingFilter(
        fields=(
            ("country", "country"),
            ("reported_count", "reported_count"),
            ("named_count", "named_count"),
            ("id", "id"),
        )
    )

    class Meta:
        model = Destination
        fields = []

    def filter_search(self, queryset, name, value):
        matches = Q(description__icontains=value.strip())
        try:
            matches |= Q(country=parse_country(value))
        except ValidationError:  # not a country: search the text only
            pass
        return queryset.filter(matches)

    def filter_release_event(self, queryset, name, event):
        reported = EventDestination.objects.filter(event=event, destination=OuterRef("pk"))
        named = Release.objects.filter(event=event, destination=OuterRef("pk"))
        return queryset.filter(Q(Exists(reported)) | Q(Exists(named)))

    def filter_queryset(self, queryset):
        return ordered_by(super().filter_queryset(queryset), "country")


class ReportedTotalFilterSet(django_filters.FilterSet):
    country = CountryFilter(field_name="country", label=_("Country the people counted are held in (code or name)"))
    still_held = django_filters.BooleanFilter()
    reported_after = IsoDateFilter(field_name="reported_on", lookup_expr="gte")
    reported_before = IsoDateFilter(field_name="reported_on", lookup_expr="lte")
    ordering = django_filters.OrderingFilter(fields=(("reported_on", "reported_on"), ("count", "count"), ("id", "id")))

    class Meta:
        model = ReportedTotal
        fields = []

    def filter_queryset(self, queryset):
        return ordered_by(super().filter_queryset(queryset), "-reported_on", "id")
