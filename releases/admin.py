"""Django admin for release events, releases, destinations, deals and reported totals.

Named counts and reconciliation warnings are derived (`releases.selectors`) and shown read-only.
Every write goes through `releases.services` (`prisoners.admin_services`), which refresh the status
of everyone whose timeline moved; a refused write is a form error and nothing is written.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from prisoners.admin import ReportedValueInline
from prisoners.admin_choices import CountryAutocompleteAdminMixin, countries_in_use_filter
from prisoners.admin_history import BulkCreatedHistoryAdminMixin
from prisoners.admin_services import INLINE_WRITERS, InlineWriter, ServiceAdminMixin
from prisoners.admin_visibility import HidesWithheldAdminMixin
from releases import services
from releases.admin_event_people import EventPeopleAdminMixin, people_link
from releases.admin_parties import GroupReleaseInline, PartyRoleInline, ReportedCountInline
from releases.admin_paste import EventPasteAdminMixin
from releases.admin_review import DraftsAdminMixin
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
from releases.translation import TRANSLATED_FIELDS

INLINE_WRITERS.update(
    {
        Release: InlineWriter(
            # On a person's page the parent is the person; on an event's page, the event.
            create=lambda actor, parent, fields, many: services.record_release(
                actor=actor,
                **{"prisoner" if parent._meta.model_name == "prisoner" else "event": parent},
                sources=many.get("sources", ()),
                **fields,
            ),
            update=lambda actor, obj, fields, many: services.update_release(
                actor=actor, release=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_release(actor=actor, release=obj),
        ),
        EventDestination: InlineWriter(
            create=lambda actor, parent, fields, many: services.set_event_destination_count(
                actor=actor,
                event=parent,
                country=fields.pop("destination"),
                sources=many.get("sources", ()),
                **fields,
            ),
            update=lambda actor, obj, fields, many: services.update_event_destination(
                actor=actor, event_destination=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_event_destination(actor=actor, event_destination=obj),
        ),
        ReliefMeasure: InlineWriter(
            create=lambda actor, parent, fields, many: services.create_relief_measure(
                actor=actor, deal=parent, sources=many.get("sources", ()), **with_default_text(fields, "measure")
            ),
            update=lambda actor, obj, fields, many: services.update_relief_measure(
                actor=actor, relief_measure=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_relief_measure(actor=actor, relief_measure=obj),
        ),
        DealClaim: InlineWriter(
            create=lambda actor, parent, fields, many: services.create_deal_claim(
                actor=actor,
                deal=parent,
                sources=many.get("sources", ()),
                **{"claimant": "", **with_default_text(fields, "claim")},
            ),
            update=lambda actor, obj, fields, many: services.update_deal_claim(
                actor=actor, deal_claim=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_deal_claim(actor=actor, deal_claim=obj),
        ),
    }
)


def with_default_text(fields, name):
    """`fields` with `name` taken from its English column: the admin edits texts per language (`title_en`,
    `title_be`...), while creating services take the record's text itself (releases/translation.py)."""
    if name not in fields:
        fields = {name: fields.get(f"{name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}") or "", **fields}
    return fields


class OtherLanguagesFoldedMixin:
    """English texts where they always were; their Belarusian, Russian and Ukrainian versions side by side in
    one folded section at the end (modeltranslation's fields), so the change page stays as short as before."""

    folded_title = _("Texts in other languages")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        other = [
            code for code in settings.MODELTRANSLATION_LANGUAGES if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        ]
        names = TRANSLATED_FIELDS.get(self.model, ())
        folded = [f"{name}_{code}" for name in names for code in other]

        def keep(field):
            if isinstance(field, list | tuple):
                kept = [name for name in field if name not in folded]
                return tuple(kept) if kept else None
            return None if field in folded else field

        result = []
        for title, options in fieldsets:
            fields = [kept for kept in (keep(field) for field in options.get("fields", ())) if kept]
            if fields:
                result.append((title, {**options, "fields": fields}))
        result.append((self.folded_title, {"fields": folded, "classes": ("collapse",)}))
        return result


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


class DestinationAdmin(ServiceAdminMixin, CountryAutocompleteAdminMixin, SimpleHistoryAdmin):
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

    def create_object(self, request, fields, many, form):
        return services.create_destination(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_destination(actor=request.user, destination=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_destination(actor=request.user, destination=obj)


class ReliefMeasureInline(TranslationStackedInline):
    model = ReliefMeasure
    fields = (
        ("kind", "status"),
        "measure",
        ("target", "given_by", "instrument"),
        "authority",
        ("announced_on", "effective_on", "reversed_on"),
        "note",
        "sources",
    )
    autocomplete_fields = ("sources", "given_by")
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


class SanctionsDealAdmin(
    ServiceAdminMixin, CountryAutocompleteAdminMixin, OtherLanguagesFoldedMixin, TranslationAdmin, SimpleHistoryAdmin
):
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
    list_filter = ("status", "sanctioning_party", countries_in_use_filter("target_country"), "uncertain")
    ordering = ("-announced_on", "title")
    search_fields = ("title", "slug", "envoy", "counterparty", "terms", "description")
    date_hierarchy = "announced_on"
    autocomplete_fields = ("sources",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (PartyRoleInline, ReliefMeasureInline, DealClaimInline, LinkedEventInline, ReportedValueInline)

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

    def create_object(self, request, fields, many, form):
        fields = with_default_text(fields, "title")
        return services.create_deal(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_deal(actor=request.user, deal=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_deal(actor=request.user, deal=obj)


class EventDestinationInline(admin.TabularInline):
    model = EventDestination
    fields = ("destination", "reported_count", "sources")
    autocomplete_fields = ("destination", "sources")
    extra = 0
    verbose_name_plural = _("reported destination breakdown")


class EventReleaseFormSet(forms.BaseInlineFormSet):
    """The people freed in the event, each once (the status rule is the services' to check)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or not data.get("prisoner"):
                continue
            if data["prisoner"].pk in seen:
                form.add_error("prisoner", _("This person is already listed in this event."))
                continue
            seen.add(data["prisoner"].pk)


class EventReleaseInline(admin.TabularInline):
    """A few people added on the event's page; everyone already freed in it is edited in the work list
    (`people/`), so the page stays small whatever the number of people."""

    model = Release
    formset = EventReleaseFormSet
    fields = ("prisoner", "destination", "outcome", "confidence", "sources")
    autocomplete_fields = ("prisoner", "destination", "sources")
    extra = 0
    verbose_name = _("person to add")
    verbose_name_plural = _("add a few people (for many, paste their names; edit everyone in the work list)")

    def get_queryset(self, request):
        # Existing rows are the work list's: none is shown (nor may be changed) here.
        return super().get_queryset(request).none()


class ReleaseEventAdmin(
    ServiceAdminMixin,
    EventPeopleAdminMixin,
    EventPasteAdminMixin,
    DraftsAdminMixin,
    CountryAutocompleteAdminMixin,
    OtherLanguagesFoldedMixin,
    TranslationAdmin,
    SimpleHistoryAdmin,
):
    form = SlugOptionalForm
    publish_kind = "events"
    change_form_template = "admin/releases/releaseevent/change_form.html"
    # Columns that fit 1280 px: the breakdown and each warning are on the event's page.
    list_display = ("title", "date", "kind", "reported", "named_count", "deal", "warning_count", "draft")
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
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    ("date", "date_precision"),
                    ("end_date", "end_date_precision", "ongoing"),
                    "releasing_countries",
                    "kind",
                )
            },
        ),
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
    inlines = (
        PartyRoleInline,
        ReportedCountInline,
        EventDestinationInline,
        EventReleaseInline,
        GroupReleaseInline,
        ReportedValueInline,
    )

    def get_queryset(self, request):
        # reconcile_event reads the prefetched rows: a fixed number of queries for a page of events.
        return (
            events_with_named_counts(super().get_queryset(request))
            .select_related("deal")
            .prefetch_related(
                Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
                Prefetch("releases", queryset=Release.objects.select_related("destination").order_by()),
                "group_releases",
                "reported_counts",
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

    def get_urls(self):
        return self.event_people_urls() + self.event_paste_urls() + super().get_urls()

    @admin.display(description=_("warnings"))
    def warning_count(self, obj):
        """How many reconciliation warnings; each in the tooltip (and on the event's page)."""
        warnings = reconcile_event(obj).warnings
        if not warnings:
            return "-"
        return format_html('<span title="{}">⚠ {}</span>', " ".join(str(w) for w in warnings), len(warnings))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The event's people: a link and a count (of the people this reader may name), not a thousand rows.
        extra_context = {**(extra_context or {}), "people_count": people_link(object_id, request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

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

    def create_object(self, request, fields, many, form):
        fields = with_default_text(fields, "title")
        return services.create_release_event(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_release_event(actor=request.user, event=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_release_event(actor=request.user, event=obj)


class ReleaseAdmin(
    ServiceAdminMixin, HidesWithheldAdminMixin, BulkCreatedHistoryAdminMixin, DraftsAdminMixin, SimpleHistoryAdmin
):
    withheld_person_path = "prisoner"
    publish_kind = "releases"
    list_display = ("prisoner", "event", "effective_date", "destination", "outcome", "confidence", "draft")
    list_filter = (
        "outcome",
        "confidence",
        ("event", admin.RelatedOnlyFieldListFilter),
        ("destination", admin.RelatedOnlyFieldListFilter),
        "forced_exile",
        "without_documents",
        "travel_ban",
    )
    ordering = ("-event__date", "prisoner__full_name", "id")
    search_fields = ("prisoner__full_name", "prisoner__name_variants__name", "event__title", "notes")
    date_hierarchy = "date"
    autocomplete_fields = ("prisoner", "event", "destination", "sources")
    list_select_related = ("prisoner", "event", "destination")
    readonly_fields = ("created_at", "updated_at")
    inlines = (ReportedValueInline,)

    @admin.display(description=_("date"), ordering="event__date")
    def effective_date(self, obj):
        return obj.effective_date

    def create_object(self, request, fields, many, form):
        return services.record_release(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_release(actor=request.user, release=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_release(actor=request.user, release=obj)


class ReportedTotalAdmin(ServiceAdminMixin, CountryAutocompleteAdminMixin, SimpleHistoryAdmin):
    list_display = ("reported_on", "qualifier", "count", "counts_what", "reported_by", "country", "still_held")
    list_filter = ("still_held", "qualifier", countries_in_use_filter("country"))
    search_fields = ("counts_what", "reported_by")
    date_hierarchy = "reported_on"
    autocomplete_fields = ("sources",)
    readonly_fields = ("created_at", "updated_at")

    def create_object(self, request, fields, many, form):
        return services.create_reported_total(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_reported_total(actor=request.user, reported_total=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_reported_total(actor=request.user, reported_total=obj)


admin.site.register(Destination, DestinationAdmin)
admin.site.register(SanctionsDeal, SanctionsDealAdmin)
admin.site.register(ReleaseEvent, ReleaseEventAdmin)
admin.site.register(Release, ReleaseAdmin)
admin.site.register(ReportedTotal, ReportedTotalAdmin)
