"""Django admin for release events, releases, destinations, deals and reported totals.

Named counts and reconciliation warnings are derived (`releases.selectors`) and shown read-only;
after every write that touches a release, the people's status is refreshed from their timeline.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from prisoners.admin import (
    RELEASE_CONDITION_FIELDS,
    ReportedValueInline,
    TimelineRecordAdminMixin,
    check_release_fits_timeline,
    refresh_statuses,
)
from prisoners.models import Prisoner
from releases.models import (
    DealClaim,
    Destination,
    EventDestination,
    Release,
    ReleaseEvent,
    ReliefMeasure,
    ReportedTotal,
    SanctionsDeal,
)
from releases.selectors import FREED_OUTCOMES, events_with_named_counts, reconcile_event
from releases.services import unique_slug


def countries_matching(term):
    """Country codes whose code or English name contains `term` ("lith" -> LT)."""
    term = term.strip().casefold()
    return [code for code, name in countries if term == code.casefold() or term in str(name).casefold()]


class SlugOptionalForm(forms.ModelForm):
    """The slug may be left blank: it is made from the title on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leave blank to make one from the title.")


class DestinationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "code", "event_breakdown_total", "named_release_count")
    ordering = ("country",)
    search_fields = ("country",)
    autocomplete_fields = ("sources",)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                named_total=Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES), distinct=True),
                breakdown_total=Subquery(
                    EventDestination.objects.filter(destination=OuterRef("pk"))
                    .values("destination")
                    .annotate(total=Sum("reported_count"))
                    .values("total")
                ),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(country__in=countries_matching(search_term)), False

    @admin.display(description=_("reported in event breakdowns"), ordering="breakdown_total")
    def event_breakdown_total(self, obj):
        return obj.breakdown_total or 0

    @admin.display(description=_("named people taken there"), ordering="named_total")
    def named_release_count(self, obj):
        return obj.named_total


class ReliefMeasureInline(TranslationStackedInline):
    model = ReliefMeasure
    fields = ("measure", ("target", "instrument"), ("authority", "effective_on"), "sources")
    autocomplete_fields = ("sources",)
    extra = 0


class DealClaimInline(TranslationStackedInline):
    model = DealClaim
    fields = ("claim", ("claimant", "position", "said_on"), "sources")
    autocomplete_fields = ("sources",)
    extra = 0


class LinkedEventInline(admin.TabularInline):
    """Events linked to the deal; the link itself is set on the event (its 'deal' field)."""

    model = ReleaseEvent
    fields = ("title", "date", "kind", "reported_count", "reported_count_qualifier")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("linked release events (link them from the event's page)")


class SanctionsDealAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = SlugOptionalForm
    list_display = (
        "title",
        "announced_on",
        "sanctioning_party",
        "target_country",
        "status",
        "event_count",
        "relief_count",
        "uncertain",
    )
    list_filter = ("status", "sanctioning_party", "target_country", "uncertain")
    ordering = ("-announced_on", "title")
    search_fields = ("title", "slug", "envoy", "counterparty", "terms", "description")
    date_hierarchy = "announced_on"
    autocomplete_fields = ("sources",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (ReliefMeasureInline, DealClaimInline, LinkedEventInline, ReportedValueInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                event_total=Count("release_events", distinct=True), relief_total=Count("relief_measures", distinct=True)
            )
        )

    @admin.display(description=_("events"), ordering="event_total")
    def event_count(self, obj):
        return obj.event_total

    @admin.display(description=_("relief measures"), ordering="relief_total")
    def relief_count(self, obj):
        return obj.relief_total

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = unique_slug(SanctionsDeal, obj.title, exclude_pk=obj.pk)
        super().save_model(request, obj, form, change)


class EventDestinationInline(admin.TabularInline):
    model = EventDestination
    fields = ("destination", "reported_count", "sources")
    autocomplete_fields = ("destination", "sources")
    extra = 0
    verbose_name_plural = _("reported destination breakdown")


class EventReleaseFormSet(forms.BaseInlineFormSet):
    """The people freed in the event: each person once, and never against their declared status."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or not data.get("prisoner"):
                continue
            prisoner = data["prisoner"]
            if prisoner.pk in seen:
                form.add_error("prisoner", _("This person is already listed in this event."))
                continue
            seen.add(prisoner.pk)
            on = data.get("date") or self.instance.date
            try:
                check_release_fits_timeline(
                    prisoner, release_pk=form.instance.pk, on=on, outcome=data.get("outcome") or "freed"
                )
            except ValidationError as error:
                form.add_error(
                    "prisoner",
                    _("%(name)s: %(error)s Change the declared status on the person's page first.")
                    % {"name": prisoner, "error": " ".join(error.messages)},
                )


class EventReleaseInline(admin.TabularInline):
    model = Release
    formset = EventReleaseFormSet
    fields = ("prisoner", "date", "destination", "outcome", "confidence", *RELEASE_CONDITION_FIELDS, "sources")
    autocomplete_fields = ("prisoner", "destination", "sources")
    extra = 0
    show_change_link = True
    verbose_name_plural = _("released people (named)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prisoner", "destination")


class ReleaseEventAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = SlugOptionalForm
    list_display = (
        "title",
        "date",
        "kind",
        "reported",
        "named_count",
        "breakdown",
        "deal",
        "uncertain",
        "reconciliation_warnings",
    )
    list_filter = (
        "kind",
        "uncertain",
        "reported_count_qualifier",
        ("deal", admin.RelatedOnlyFieldListFilter),
        ("destination_counts__destination", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "slug", "envoy", "description")
    ordering = ("-date", "title")
    date_hierarchy = "date"
    autocomplete_fields = ("deal", "sources")
    readonly_fields = ("named_count", "reconciliation", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", ("date", "date_precision"), "releasing_countries", "kind")}),
        (
            _("Numbers"),
            {
                "fields": (("reported_count", "reported_count_qualifier"), "named_count", "reconciliation"),
                "description": _(
                    "The named count and the reconciliation are derived from the people and the breakdown below."
                ),
            },
        ),
        (_("Deal and envoy"), {"fields": ("deal", "envoy")}),
        (_("Description and uncertainty"), {"fields": ("description", "uncertain", "uncertainty_note")}),
        (_("Sources"), {"fields": ("sources",)}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (EventDestinationInline, EventReleaseInline, ReportedValueInline)

    def get_queryset(self, request):
        # reconcile_event reads the prefetched rows: a fixed number of queries for a page of events.
        return (
            events_with_named_counts(super().get_queryset(request))
            .select_related("deal")
            .prefetch_related(
                Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
                Prefetch("releases", queryset=Release.objects.select_related("destination").order_by()),
            )
        )

    @admin.display(description=_("reported"), ordering="reported_count")
    def reported(self, obj):
        if obj.reported_count is None:
            return "-"
        if obj.reported_count_qualifier == "exactly":
            return obj.reported_count
        return f"{obj.get_reported_count_qualifier_display()} {obj.reported_count}"

    @admin.display(description=_("named"), ordering="named_count")
    def named_count(self, obj):
        if hasattr(obj, "named_count"):
            return obj.named_count
        return reconcile_event(obj).named_count if obj.pk else 0

    @admin.display(description=_("breakdown"))
    def breakdown(self, obj):
        return ", ".join(f"{code} {count}" for code, count in reconcile_event(obj).breakdown.items()) or "-"

    @admin.display(description=_("reconciliation warnings"))
    def reconciliation_warnings(self, obj):
        warnings = reconcile_event(obj).warnings
        if not warnings:
            return "-"
        return format_html_join(mark_safe("<br>"), "{}", ((w,) for w in warnings))

    @admin.display(description=_("reconciliation"))
    def reconciliation(self, obj):
        if not obj.pk:
            return _("Derived once the event is saved.")
        result = reconcile_event(obj)
        reported = "-" if result.reported_count is None else f"{result.reported_count} ({result.qualifier})"
        breakdown = ", ".join(f"{code} {count}" for code, count in result.breakdown.items()) or "-"
        lines = [
            (_("Reported"), reported),
            (_("Named as freed"), result.named_count),
            (_("Not yet named"), "-" if result.unnamed_count is None else result.unnamed_count),
            (_("Returned to custody"), result.returned_count),
            (_("Breakdown"), f"{breakdown} (total {result.breakdown_total or 0})"),
        ]
        table = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", lines)
        if result.warnings:
            warning_list = format_html_join("", '<li class="warning">{}</li>', ((w,) for w in result.warnings))
        else:
            warning_list = format_html("<li>{}</li>", _("The numbers reconcile."))
        return format_html("<table>{}</table><ul>{}</ul>", table, warning_list)

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = unique_slug(ReleaseEvent, f"{obj.date} {obj.title}", exclude_pk=obj.pk)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        event = form.instance
        before = set(Release.objects.filter(event=event).values_list("prisoner_id", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(Release.objects.filter(event=event).values_list("prisoner_id", flat=True))
        # A changed event date moves every person's timeline; removed people need a refresh too.
        refresh_statuses(request, Prisoner.objects.filter(pk__in=before | after))


class ReleaseAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        prisoner, event = cleaned.get("prisoner"), cleaned.get("event")
        if prisoner is not None and not self.errors:
            on = cleaned.get("date") or (event.date if event else None)
            try:
                check_release_fits_timeline(
                    prisoner, release_pk=self.instance.pk, on=on, outcome=cleaned.get("outcome") or "freed"
                )
            except ValidationError as error:
                raise ValidationError(
                    _("%(error)s Change the declared status on the person's page first.")
                    % {"error": " ".join(error.messages)}
                ) from None
        return cleaned


class ReleaseAdmin(TimelineRecordAdminMixin, SimpleHistoryAdmin):
    form = ReleaseAdminForm
    list_display = ("prisoner", "event", "effective_date", "destination", "outcome", "confidence")
    list_filter = ("outcome", "confidence", "destination", "forced_exile", "without_documents", "travel_ban")
    search_fields = ("prisoner__full_name", "prisoner__name_variants__name", "event__title", "notes")
    date_hierarchy = "date"
    autocomplete_fields = ("prisoner", "event", "destination", "sources")
    list_select_related = ("prisoner", "event", "destination")
    readonly_fields = ("created_at", "updated_at")
    inlines = (ReportedValueInline,)

    @admin.display(description=_("date"), ordering="event__date")
    def effective_date(self, obj):
        return obj.date or (obj.event.date if obj.event_id else None)


class ReportedTotalAdmin(SimpleHistoryAdmin):
    list_display = ("reported_on", "qualifier", "count", "counts_what", "reported_by", "country", "still_held")
    list_filter = ("still_held", "qualifier", "country")
    search_fields = ("counts_what", "reported_by")
    date_hierarchy = "reported_on"
    autocomplete_fields = ("sources",)
    readonly_fields = ("created_at", "updated_at")


admin.site.register(Destination, DestinationAdmin)
admin.site.register(SanctionsDeal, SanctionsDealAdmin)
admin.site.register(ReleaseEvent, ReleaseEventAdmin)
admin.site.register(Release, ReleaseAdmin)
admin.site.register(ReportedTotal, ReportedTotalAdmin)
