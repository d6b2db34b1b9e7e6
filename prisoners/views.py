"""Public pages about people: the list (same FilterSet as the API) and one person's timeline.

A person withheld from the reader loses on the page what the API drops (prisoners/api/serializers.py):
name, native name, variants, birth date, biography, sources, and the free text of their timeline.
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from prisoners.filtersets import PrisonerFilterSet
from prisoners.models import Detention, Prisoner
from prisoners.scripts import with_native_variants
from prisoners.visibility import (
    can_view_withheld,
    display_name,
    is_withheld_for,
    reported_value_prefetches,
    source_prefetches,
    visible_prisoners,
    without_drafts,
)
from releases.models import Destination, Release
from tracker.listing import apply_filterset, clean_query_redirect, paginate

COUNTRY_MENU_SECONDS = 300  # menus of countries in use: recomputed at most every five minutes


def _codes(values):
    """Country codes from CountryField values, multi-valued ones ("BY,LT") included."""
    return sorted({code for value in values for code in str(value or "").split(",") if code})


def countries_in_use(user):
    """The countries the people filters can match, for menus (people this reader may see)."""
    sees_withheld = can_view_withheld(user)

    def compute():
        people = visible_prisoners(user).order_by()
        return {
            "country": _codes(people.values_list("country", flat=True).distinct()),
            "citizenship": _codes(people.values_list("citizenship", flat=True).distinct()),
            "destination": _codes(Destination.objects.values_list("country", flat=True)),
        }

    return cache.get_or_set(f"pages:countries:people:{int(sees_withheld)}", compute, COUNTRY_MENU_SECONDS)


def people_sorts(searching):
    return (
        ("", gettext_lazy("Best match") if searching else gettext_lazy("Name A–Z")),
        ("-name", gettext_lazy("Name Z–A")),
        ("-released", gettext_lazy("Released most recently")),
        ("status", gettext_lazy("Status")),
    )


@dataclass
class TimelineEntry:
    on: date | None
    precision: str
    kind: str  # "detention" or "release"
    record: object

    @property
    def sort_key(self):
        # Undated steps first (as the status rule reads them); a detention before a release on the same day.
        return (self.on or date.min, 0 if self.kind == "detention" else 1, self.record.pk)


def timeline_entries(prisoner):
    entries = [TimelineEntry(d.detained_on, d.detained_on_precision, "detention", d) for d in prisoner.detentions.all()]
    for release in prisoner.releases.all():
        on = release.effective_date
        precision = (
            release.date_precision if release.date else (release.event.date_precision if release.event_id else "day")
        )
        entries.append(TimelineEntry(on, precision, "release", release))
    return sorted(entries, key=lambda entry: entry.sort_key)


def prisoner_detail(request, pk):
    user = request.user
    queryset = visible_prisoners(user).prefetch_related(
        "name_variants",
        *source_prefetches(user, "sources"),
        Prefetch("detentions", queryset=Detention.objects.prefetch_related(*source_prefetches(user, "sources"))),
        Prefetch(
            "releases",
            queryset=without_drafts(
                user, Release.objects.select_related("event", "event__deal", "destination")
            ).prefetch_related(
                *source_prefetches(user, "sources"), *reported_value_prefetches(user, "reported_values")
            ),
        ),
        *reported_value_prefetches(user, "reported_values"),
    )
    prisoner = get_object_or_404(queryset, pk=pk)
    withheld = is_withheld_for(request.user, prisoner)
    context = {
        "prisoner": prisoner,
        "name": display_name(request.user, prisoner),
        "withheld": withheld,
        "timeline": timeline_entries(prisoner),
    }
    return render(request, "pages/prisoner_detail.html", context)


def prisoner_list(request):
    if clean := clean_query_redirect(request, PrisonerFilterSet):
        return clean
    queryset = Prisoner.objects.prefetch_related(
        Prefetch("detentions", queryset=Detention.objects.order_by("-detained_on", "-id")),
        Prefetch(
            "releases", queryset=without_drafts(request.user, Release.objects.select_related("event", "destination"))
        ),
    )
    queryset = with_native_variants(queryset, get_language())
    filterset, people, ok = apply_filterset(
        request,
        PrisonerFilterSet,
        queryset,
        sorts=people_sorts(bool(request.GET.get("search"))),
        countries_in_use=countries_in_use(request.user),
    )
    if not can_view_withheld(request.user):
        filterset.form.fields.pop("visibility", None)  # the public see one visibility only
    listing = paginate(request, people, "/api/v1/prisoners/")
    for person in listing.page.object_list:
        person.display_name = display_name(request.user, person)
        person.withheld = is_withheld_for(request.user, person)
        detentions = person.detentions.all()
        person.latest_detention = detentions[0] if detentions else None
        releases = timeline_entries_releases(person)
        person.latest_release = releases[-1] if releases else None
    context = {
        "filterset": filterset,
        "listing": listing,
        "list_title": _("People"),
        "search": request.GET.get("search", ""),
    }
    return render(request, "pages/prisoner_list.html", context, status=200 if ok else 400)


def timeline_entries_releases(prisoner):
    return [entry.record for entry in timeline_entries(prisoner) if entry.kind == "release"]
