"""The FilterSet of people (the API list and the list page use it); it filters by release too, so it sits above
both apps. Sources have theirs in `prisoners/filtersets.py`.

Date filters match any of the person's detentions or releases; the release filters given together
(`release_event`, `destination`, `deal`, `released_after`, `released_before`) must all hold for the
same release, and the detention filters (`detained_after`, `detained_before`, `charge`) for the same
detention. Every FilterSet applies who-sees-what itself, so no door can forget it.
"""

import django_filters
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from prisoners.models import Detention, Prisoner, Visibility
from prisoners.search import search_prisoners
from prisoners.search_terms import fold_search
from prisoners.timeline import HELD
from prisoners.visibility import published, reader_sort_name, visible_prisoners, without_drafts
from releases.models import Release, ReleaseEvent, SanctionsDeal
from tracker import glossary
from tracker.filters import (
    CountryFilter,
    FilterSet,
    IsoDateFilter,
    NullsLastOrderingFilter,
    SlugChoiceFilter,
    ordered_by,
)

RELEASE_FILTERS = ("release_event", "destination", "deal", "released_after", "released_before")
DETENTION_FILTERS = ("detained_after", "detained_before", "charge")


def _user(filterset):
    return getattr(filterset.request, "user", None)


def with_sort_name(queryset, user):
    """Annotate `sort_name`: the name as this reader sees it, so ordering never places a withheld name."""
    return queryset.annotate(sort_name=reader_sort_name(user))


def releases_matching(
    user, *, release_event=None, destination=None, deal=None, released_after=None, released_before=None
):
    """Releases the reader may see meeting every given condition; the date is the release's own or its event's.
    A release awaiting review counts only for readers who may see drafts: otherwise a filter would tell the public
    that it exists."""
    releases = without_drafts(user, Release.objects.with_effective_date())
    if release_event:
        releases = releases.filter(event=release_event)
    if destination:
        releases = releases.filter(destination__country=destination)
    if deal:
        releases = releases.filter(event__deal=deal)
    if released_after:
        releases = releases.filter(effective_date__gte=released_after)
    if released_before:
        releases = releases.filter(effective_date__lte=released_before)
    return releases


def latest_release_date(user):
    """A person's latest release date the reader may see (the release's own, else its event's; drafts only for
    readers who may see them), for sorting by "released"."""
    latest = (
        without_drafts(user, Release.objects.filter(prisoner=OuterRef("pk")))
        .annotate(on=Coalesce("date", "event__date"))
        .order_by(F("on").desc(nulls_last=True))
        .values("on")[:1]
    )
    return Subquery(latest)


def _no_op(queryset, name, value):
    return queryset


class PrisonerFilterSet(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search names (any transliteration)"))
    status = django_filters.ChoiceFilter(choices=glossary.choices("status"), label=_("Status"))
    held = django_filters.ChoiceFilter(
        choices=(("true", _("yes")), ("false", _("no"))),
        method="filter_held",
        label=_("Still held (any status of detention)"),
    )
    country = CountryFilter(field_name="country", label=_("Held in (country code or English name)"))
    citizenship = CountryFilter(
        field_name="citizenship", lookup_expr="contains", label=_("Citizenship (country code or English name)")
    )
    gender = django_filters.ChoiceFilter(choices=glossary.choices("gender"), label=_("Gender"))
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices, label=_("Visibility"))
    detained_after = IsoDateFilter(method=_no_op, label=_("Detained on or after (YYYY-MM-DD)"))
    detained_before = IsoDateFilter(method=_no_op, label=_("Detained on or before (YYYY-MM-DD)"))
    charge = django_filters.CharFilter(method=_no_op, label=_("Charged under (article, e.g. 342)"))
    released_after = IsoDateFilter(method=_no_op, label=_("Released on or after (YYYY-MM-DD)"))
    released_before = IsoDateFilter(method=_no_op, label=_("Released on or before (YYYY-MM-DD)"))
    release_event = SlugChoiceFilter(
        queryset=published(ReleaseEvent.objects.all()),
        method=_no_op,
        what="release event",
        label=_("Freed in release event (slug)"),
    )
    destination = CountryFilter(method=_no_op, label=_("Taken to (country code or English name)"))
    deal = SlugChoiceFilter(
        queryset=SanctionsDeal.objects.all(), method=_no_op, what="deal", label=_("Freed under deal (slug)")
    )
    ordering = NullsLastOrderingFilter(
        fields=(
            ("sort_name", "name"),
            ("status", "status"),
            ("country", "country"),
            ("last_released_on", "released"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        label=_("Order by (name, status, country, released, created_at, updated_at, id; '-' for descending)"),
    )

    # The API list's page query takes these filters' values as parameters, compiled once per combination
    # (`tracker.api.compiled_list`); these change its structure (their values are part of the combination).
    parameter_filters = frozenset(
        {
            "status",
            "country",
            "gender",
            "visibility",
            "detained_after",
            "detained_before",
            "released_after",
            "released_before",
            "release_event",
            "destination",
            "deal",
        }
    )
    structural_filters = frozenset({"ordering", "held"})
    # The search reaches the SQL as its folded words and their lengths (`prisoners.search_terms`).
    folded_filters = {"search": fold_search}

    class Meta:
        model = Prisoner
        fields = []

    def filter_held(self, queryset, name, value):
        if not value:
            return queryset
        held = Q(status__in=sorted(HELD))
        return queryset.filter(held) if value == "true" else queryset.exclude(held)

    def filter_search(self, queryset, name, value):
        return search_prisoners(queryset, value, _user(self))

    def filter_queryset(self, queryset):
        user = _user(self)
        data = self.form.cleaned_data
        queryset = with_sort_name(visible_prisoners(user, queryset), user)
        for name, value in data.items():
            if name != "ordering":
                queryset = self.filters[name].filter(queryset, value)

        release_terms = {name: data.get(name) for name in RELEASE_FILTERS}
        if any(release_terms.values()):
            queryset = queryset.filter(Exists(releases_matching(user, **release_terms).filter(prisoner=OuterRef("pk"))))

        detentions = Detention.objects.filter(prisoner=OuterRef("pk"))
        if data.get("detained_after"):
            detentions = detentions.filter(detained_on__gte=data["detained_after"])
        if data.get("detained_before"):
            detentions = detentions.filter(detained_on__lte=data["detained_before"])
        if data.get("charge"):
            detentions = detentions.filter(charges__icontains=data["charge"].strip())
        if any(data.get(name) for name in DETENTION_FILTERS):
            queryset = queryset.filter(Exists(detentions))

        if data.get("ordering"):
            if any(term.lstrip("-") == "released" for term in data["ordering"]):
                queryset = queryset.annotate(last_released_on=latest_release_date(user))
            return ordered_by(self.filters["ordering"].filter(queryset, data["ordering"]))
        if data.get("search") and queryset.query.order_by:
            return ordered_by(queryset)  # keep the search's own ranking
        return ordered_by(queryset, "sort_name")
