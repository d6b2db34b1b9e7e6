"""Public pages about people: the list (same FilterSet as the API) and one person's timeline.

A person withheld from the reader loses on the page what the API drops (prisoners/api/serializers.py):
name, native name, variants, birth date, biography, sources, and the free text of their timeline.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from people.filtersets import PrisonerFilterSet
from prisoners.models import Detention, IncommunicadoPeriod, Prisoner
from prisoners.scripts import with_native_variants
from prisoners.timeline import HELD
from prisoners.visibility import (
    can_view_withheld,
    display_name,
    is_withheld_for,
    reported_value_prefetches,
    shown_value_source,
    source_prefetches,
    visible_prisoners,
    without_drafts,
)
from releases.models import Destination, Release
from releases.templatetags.citations import by_field
from tracker.listing import apply_filterset, clean_query_redirect, paginate
from tracker.read_cache import cached_menu
from tracker.templatetags.pages import partial_date

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

    return cached_menu(f"countries:people:{int(sees_withheld)}", compute, COUNTRY_MENU_SECONDS)


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


# A detention's facts as the timeline tells them (field, label): each with its sources, versions side by side.
DETENTION_FACTS = (
    ("detained_on", gettext_lazy("Arrested")),
    ("charges", gettext_lazy("Charges")),
    ("court", gettext_lazy("Court")),
    ("sentenced_on", gettext_lazy("Sentenced on")),
    ("sentence", gettext_lazy("Sentence")),
    ("sentence_months", gettext_lazy("Sentence in months")),
    ("place_of_detention", gettext_lazy("Held at")),
    ("incommunicado", gettext_lazy("Incommunicado")),
)
DATE_FACTS = {"detained_on": "detained_on_precision", "sentenced_on": "sentenced_on_precision"}


def _partial_date_text(value, precision):
    return partial_date(value, precision) if value else ""


def _reported_date_text(text):
    """'2021-07-14', '2020-09' or '2020' as the site writes dates; anything else as it is."""
    parts = text.split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        return text
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    try:
        return partial_date(date(*[int(part) for part in parts], *[1] * (3 - len(parts))), precision)
    except ValueError:
        return text


def detention_facts(detention):
    """Each fact of a detention with its versions: every source's value (reported values) side by side, or the
    recorded value with the detention's sources where no source's value is kept."""
    reported = {group["field"]: group["versions"] for group in by_field(detention.reported_values.all())}
    facts = []
    for field, label in DETENTION_FACTS:
        versions = reported.get(field)
        if versions:
            for version in versions:
                version["text"] = _reported_date_text(version["value"]) if field in DATE_FACTS else version["value"]
        else:
            value = getattr(detention, field, None)
            if value in (None, ""):
                continue
            if field in DATE_FACTS:
                value = _partial_date_text(value, getattr(detention, DATE_FACTS[field]))
            versions = [{"text": value, "sources": detention.sources.all(), "notes": [], "reported_by": []}]
        facts.append(
            {
                "field": field,
                "label": label,
                "versions": versions,
                # Charges: the articles, then each source's words (more words are not a disagreement).
                "articles": detention.charge_list if field == "charges" else [],
                "disputed": len(versions) > 1 and field not in ("charges", "incommunicado"),
            }
        )
    return facts


def prisoner_detail(request, pk):
    user = request.user
    queryset = visible_prisoners(user).prefetch_related(
        "name_variants",
        *source_prefetches(user, "sources"),
        Prefetch(
            "detentions",
            queryset=Detention.objects.prefetch_related(
                *source_prefetches(user, "sources"),
                *reported_value_prefetches(user, "reported_values"),
                Prefetch(
                    "incommunicado_periods",
                    queryset=IncommunicadoPeriod.objects.prefetch_related(*source_prefetches(user, "sources")),
                ),
            ),
        ),
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
    if not withheld:
        for detention in prisoner.detentions.all():
            detention.facts = detention_facts(detention)
    values = list(prisoner.reported_values.all())
    role_sources = [shown_value_source(value) for value in values if value.field == "public role"]
    context = {
        "role_sources": role_sources,
        "other_values": [value for value in values if value.field != "public role"],
        "held_now": prisoner.status in HELD,
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
