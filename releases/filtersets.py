"""The one FilterSet per resource for events, releases, deals and destinations (API lists and list pages).

Every FilterSet applies who-sees-what itself: a release of a person absent for the reader is absent too.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from prisoners.search import search_prisoners
from prisoners.visibility import published, visible_prisoners, visible_releases
from releases.models import (
    Destination,
    EventDestination,
    Party,
    PartyRole,
    Release,
    ReleaseEvent,
    ReportedTotal,
    SanctionsDeal,
)
from releases.selectors import deals_of_country, destinations_of_country, releases_released_by
from tracker import glossary
from tracker.filters import (
    CountryFilter,
    FilterSet,
    IsoDateFilter,
    NullsLastOrderingFilter,
    OrderingFilter,
    PartyCodeFilter,
    RecordIdFilter,
    SlugChoiceFilter,
    ordered_by,
)
from tracker.values import parse_country


def _user(filterset):
    return getattr(filterset.request, "user", None)


def _party_filters():
    """`party` (slug) and `role`: given together they must hold for the same role ("mediator X")."""
    return (
        SlugChoiceFilter(
            queryset=Party.objects.all(), method="filter_party", what="party", label=_("Party (slug, /api/v1/parties/)")
        ),
        django_filters.ChoiceFilter(choices=glossary.choices("role"), method="filter_party", label=_("Party's role")),
    )


def _party_roles(filterset, **parent):
    """The party roles matching the filterset's `party` and `role`, of the parent given as an OuterRef."""
    data = filterset.form.cleaned_data
    conditions = {name: data[name] for name in ("party", "role") if data.get(name)}
    return PartyRole.objects.filter(**parent, **conditions) if conditions else None


class PartyFilterMixin:
    def filter_party(self, queryset, name, value):
        return queryset  # applied once for both parameters in filter_queryset

    def filter_by_parties(self, queryset):
        raise NotImplementedError


class ReleaseEventFilterSet(PartyFilterMixin, FilterSet):
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
    party, role = _party_filters()
    process = django_filters.BooleanFilter(method="filter_process", label=_("Spread over days or weeks"))
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

    def filter_process(self, queryset, name, value):
        process = Q(ongoing=True) | (Q(end_date__isnull=False) & ~Q(end_date=F("date")))
        return queryset.filter(process) if value else queryset.exclude(process)

    def filter_by_parties(self, queryset):
        own = _party_roles(self, event=OuterRef("pk"))
        if own is None:
            return queryset
        return queryset.filter(Q(Exists(own)) | Q(Exists(_party_roles(self, deal=OuterRef("deal")))))

    def filter_queryset(self, queryset):
        queryset = self.filter_by_parties(super().filter_queryset(queryset))
        return ordered_by(queryset, "-date", "title", "id")


class ReleaseFilterSet(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search the person's names and the event"))
    prisoner = RecordIdFilter(field_name="prisoner_id", label=_("Person (id)"))
    release_event = SlugChoiceFilter(
        field_name="event",
        queryset=published(ReleaseEvent.objects.all()),
        what="release event",
        label=_("Release event (slug)"),
    )
    destination = CountryFilter(field_name="destination__country", label=_("Taken to (country code or English name)"))
    deal = SlugChoiceFilter(
        field_name="event__deal", queryset=SanctionsDeal.objects.all(), what="deal", label=_("Linked deal (slug)")
    )
    outcome = django_filters.ChoiceFilter(choices=glossary.choices("outcome"), label=_("Outcome"))
    confidence = django_filters.ChoiceFilter(choices=glossary.choices("confidence"), label=_("Confidence"))
    date_after = IsoDateFilter(field_name="effective_date", lookup_expr="gte", label=_("On or after (YYYY-MM-DD)"))
    date_before = IsoDateFilter(field_name="effective_date", lookup_expr="lte", label=_("On or before (YYYY-MM-DD)"))
    country = CountryFilter(method="filter_country", label=_("Releasing country (code or English name)"))
    freed_at_home = django_filters.BooleanFilter(label=_("Freed at home, no transfer"))
    ordering = OrderingFilter(fields=(("effective_date", "date"), ("id", "id")))

    # The API list's page query takes these filters' values as parameters, compiled once per combination
    # (`tracker.api.compiled_list`); these change its structure (their values are part of the combination).
    parameter_filters = frozenset(
        {"prisoner", "release_event", "destination", "deal", "outcome", "confidence", "date_after", "date_before"}
    )
    structural_filters = frozenset({"ordering", "freed_at_home"})

    class Meta:
        model = Release
        fields = []

    def filter_country(self, queryset, name, code):
        return releases_released_by(queryset, code)

    def filter_search(self, queryset, name, value):
        user = _user(self)
        people = search_prisoners(visible_prisoners(user), value, user).values("pk")
        return queryset.filter(Q(prisoner__in=people) | Q(event__title__icontains=value.strip()))

    def filter_queryset(self, queryset):
        user = _user(self)
        queryset = visible_releases(user, queryset)  # joins the person once (a subquery cost a scan per page)
        queryset = queryset.with_effective_date()
        return ordered_by(super().filter_queryset(queryset), "-effective_date", "id")


class SanctionsDealFilterSet(PartyFilterMixin, FilterSet):
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
    country = CountryFilter(
        method="filter_country", label=_("Country (released people in one of its events, or targeted by it)")
    )
    party, role = _party_filters()
    consideration = django_filters.ChoiceFilter(
        choices=glossary.choices("consideration_kind"),
        field_name="relief_measures__kind",
        distinct=True,
        label=_("Gave in return (kind)"),
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

    def filter_country(self, queryset, name, code):
        return deals_of_country(queryset, code)

    def filter_by_parties(self, queryset):
        own = _party_roles(self, deal=OuterRef("pk"))
        if own is None:
            return queryset
        return queryset.filter(Q(Exists(own)) | Q(Exists(_party_roles(self, event__deal=OuterRef("pk")))))

    def filter_queryset(self, queryset):
        queryset = self.filter_by_parties(super().filter_queryset(queryset))
        return ordered_by(queryset, "-announced_on", "title", "id")


class DestinationFilterSet(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search country name or code, description"))
    release_event = SlugChoiceFilter(
        queryset=published(ReleaseEvent.objects.all()),
        method="filter_release_event",
        what="release event",
        label=_("Release event (slug)"),
    )
    country = CountryFilter(method="filter_country", label=_("Releasing country (code or English name)"))
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

    def filter_country(self, queryset, name, code):
        return destinations_of_country(queryset, code)

    def filter_release_event(self, queryset, name, event):
        reported = EventDestination.objects.filter(event=event, destination=OuterRef("pk"))
        named = Release.objects.filter(event=event, destination=OuterRef("pk"))
        return queryset.filter(Q(Exists(reported)) | Q(Exists(named)))

    def filter_queryset(self, queryset):
        return ordered_by(super().filter_queryset(queryset), "country")


class ReportedTotalFilterSet(FilterSet):
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


class PartyFilterSet(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search name and description"))
    kind = django_filters.ChoiceFilter(choices=glossary.choices("party_kind"), label=_("Kind"))
    country = CountryFilter(field_name="country", label=_("Country (code or English name)"))
    role = django_filters.ChoiceFilter(
        choices=glossary.choices("role"), field_name="roles__role", distinct=True, label=_("Has had this role")
    )
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("id", "id")))

    class Meta:
        model = Party
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_queryset(self, queryset):
        return ordered_by(super().filter_queryset(queryset), "name", "id")
