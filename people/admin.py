"""Django admin for people: a person's page with their name variants, external ids, detentions and releases.

It shows releases inline, so it sits above both apps; sources, reported values and detentions have
their pages in `prisoners/admin.py`, which also says which service each inline calls (`INLINE_WRITERS`).
Every write goes through the services (`prisoners.admin_services`): a refused write is a
form error and nothing is written. Status is read-only: it follows the timeline
(`prisoners.timeline.status_for`). An editor may declare what the timeline cannot tell (died in
custody, unknown); a declaration that contradicts the timeline is a form error, checked against
the inlines as submitted.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from people.admin_duplicates import PrisonerDuplicatesAdminMixin
from prisoners import services
from prisoners.admin import ReportedValueInline  # prisoners.admin also says which service each inline calls
from prisoners.admin_choices import CountryAutocompleteAdminMixin, countries_in_use_filter
from prisoners.admin_history import BulkCreatedHistoryAdminMixin
from prisoners.admin_services import ServiceAdminMixin
from prisoners.admin_visibility import HidesWithheldAdminMixin
from prisoners.models import Detention, ExternalId, NameVariant, Prisoner, PrisonerStatus
from prisoners.search import PrisonerNameSearchAdminMixin
from prisoners.timeline import KEPT_WHILE_HELD, DetentionSpan, ReleaseStep, status_for
from releases.admin_review import DraftsAdminMixin, ReviewQueueAdminMixin
from releases.models import Release

# What an editor may declare; everything else follows the timeline.
DECLARABLE_STATUSES = [
    ("", _("follow the timeline")),
    (PrisonerStatus.DIED_IN_CUSTODY, PrisonerStatus.DIED_IN_CUSTODY.label),
    (PrisonerStatus.UNKNOWN, _("unknown (only where there is no timeline)")),
]
RELEASE_CONDITION_FIELDS = (
    "freed_at_home",
    "forced_exile",
    "without_documents",
    "travel_ban",
    "speaking_ban",
    "reporting_duty",
    "stripped_of_citizenship",
)


def submitted_timeline(formsets):
    """The detentions and releases of a person's page as submitted, as plain values for the status rule."""
    spans, steps = [], []
    for formset in formsets:
        if formset.model not in (Detention, Release):
            continue
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or formset._should_delete_form(form) or (not form.instance.pk and not form.has_changed()):
                continue
            if formset.model is Detention:
                sentenced = bool(data.get("sentenced_on") or data.get("sentence")) or (
                    data.get("sentence_months") is not None
                )
                spans.append(
                    DetentionSpan(
                        detained_on=data.get("detained_on"),
                        ended_on=data.get("ended_on"),
                        sentenced=sentenced,
                        regime=data.get("regime") or "custody",
                    )
                )
            else:
                event = data.get("event")
                on = data.get("date") or (event.date if event else None)
                steps.append(ReleaseStep(on=on, outcome=data.get("outcome") or "freed"))
    return spans, steps


class NameVariantInline(admin.TabularInline):
    model = NameVariant
    fields = ("name", "kind", "language", "source")
    autocomplete_fields = ("source",)
    extra = 0


class ExternalIdInline(admin.TabularInline):
    model = ExternalId
    fields = ("source_list", "external_id")
    extra = 0


class DetentionInline(admin.StackedInline):
    model = Detention
    fields = (
        ("detained_on", "detained_on_precision"),
        "charges",
        ("court", "place_of_detention", "regime"),
        ("sentenced_on", "sentenced_on_precision", "sentence", "sentence_months"),
        ("ended_on", "ended_on_precision"),
        "sources",
    )
    autocomplete_fields = ("sources",)
    extra = 0


class PrisonerReleaseFormSet(forms.BaseInlineFormSet):
    """The person's releases; also checks the declared status against the whole submitted timeline."""

    def clean(self):
        super().clean()
        events = [
            form.cleaned_data["event"]
            for form in self.forms
            if form.cleaned_data.get("event") and not self._should_delete_form(form)
        ]
        if len(events) != len(set(events)):
            raise ValidationError(_("The same event is listed twice; a person is released once per event."))
        siblings = getattr(self, "sibling_formsets", [])
        if any(not formset.is_valid() for formset in siblings if formset is not self):
            return  # the other inlines show their own errors first
        declared = getattr(self.instance, "declared_status", None) or None
        spans, steps = submitted_timeline(siblings)
        # A withdrawn declaration ("follow the timeline") keeps nothing of the stored status.
        current = PrisonerStatus.UNKNOWN if not declared else self.instance.status
        try:
            status_for(current=current, spans=spans, steps=steps, declared=declared)
        except ValidationError as error:
            raise ValidationError(error.message_dict["status"]) from None


class PrisonerReleaseInline(admin.TabularInline):
    model = Release
    formset = PrisonerReleaseFormSet
    fk_name = "prisoner"
    fields = ("event", "date", "destination", "outcome", "confidence", *RELEASE_CONDITION_FIELDS, "sources")
    autocomplete_fields = ("event", "destination", "sources")
    extra = 0
    show_change_link = True


class PrisonerAdminForm(forms.ModelForm):
    declared_status = forms.ChoiceField(
        label=_("Declared status"),
        choices=DECLARABLE_STATUSES,
        required=False,
        help_text=_(
            "Only for what the timeline cannot tell. Detained, sentenced and released follow the "
            "detentions and releases below."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.status in KEPT_WHILE_HELD:
            self.initial.setdefault("declared_status", instance.status)
        elif instance.pk and instance.status == PrisonerStatus.UNKNOWN:
            self.initial.setdefault("declared_status", PrisonerStatus.UNKNOWN)

    def clean(self):
        cleaned = super().clean()
        # The release inline's formset reads this to check it against the submitted timeline.
        self.instance.declared_status = cleaned.get("declared_status") or ""
        return cleaned


class PrisonerAdmin(
    ServiceAdminMixin,
    HidesWithheldAdminMixin,
    BulkCreatedHistoryAdminMixin,
    PrisonerDuplicatesAdminMixin,
    ReviewQueueAdminMixin,
    DraftsAdminMixin,
    CountryAutocompleteAdminMixin,
    PrisonerNameSearchAdminMixin,
    SimpleHistoryAdmin,
):
    form = PrisonerAdminForm
    withheld_person_path = ""  # staff without prisoners.view_withheld do not see withheld people at all
    publish_kind = "prisoners"
    change_list_template = "admin/prisoners/prisoner/change_list.html"
    # Columns that fit 1280 px beside the filters; the native name and citizenship are on the person's page.
    list_display = ("full_name", "status", "visibility", "country", "detention_count", "release_count", "draft")
    list_filter = (
        "status",
        "visibility",
        "gender",
        countries_in_use_filter("country", _("held in")),
        ("releases__event", admin.RelatedOnlyFieldListFilter),
        ("releases__destination", admin.RelatedOnlyFieldListFilter),
    )
    # The search box: PrisonerNameSearchAdminMixin routes the term through prisoners.search (name variants too).
    search_fields = ("full_name", "native_name", "name_variants__name")
    date_hierarchy = "detentions__detained_on"
    ordering = ("full_name", "id")
    autocomplete_fields = ("sources",)
    readonly_fields = ("status", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "full_name",
                    "native_name",
                    ("gender", "birth_date", "birth_date_precision"),
                    "citizenship",
                    "country",
                    "visibility",
                )
            },
        ),
        (_("Status"), {"fields": ("status", "declared_status", "recognition")}),
        (_("Texts"), {"fields": ("biography", "notes")}),
        (_("Sources"), {"fields": ("sources",)}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (NameVariantInline, ExternalIdInline, DetentionInline, PrisonerReleaseInline, ReportedValueInline)

    def get_urls(self):
        return self.review_urls() + super().get_urls()

    def get_ordering(self, request):
        # The changelist orders before it searches (Django 5.2), so the search rank cannot be named
        # here; search_prisoners orders its results by rank itself.
        return SimpleHistoryAdmin.get_ordering(self, request)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                detention_total=Count("detentions", distinct=True), release_total=Count("releases", distinct=True)
            )
        )

    @admin.display(description=_("citizenship"))
    def citizenships(self, obj):
        return ", ".join(country.code for country in obj.citizenship)

    @admin.display(description=_("detentions"), ordering="detention_total")
    def detention_count(self, obj):
        return obj.detention_total

    @admin.display(description=_("releases"), ordering="release_total")
    def release_count(self, obj):
        return obj.release_total

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            # The status check spans inlines: detentions and releases together.
            formset.sibling_formsets = formsets
        return formsets, inline_instances

    def create_object(self, request, fields, many, form):
        return services.create_prisoner(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        declared = form.cleaned_data.get("declared_status") or None
        # Withdrawing a declaration ("follow the timeline") happens before the inlines move the timeline.
        withdrawn = declared is None and obj.status in KEPT_WHILE_HELD
        try:
            services.update_prisoner(
                actor=request.user,
                prisoner=obj,
                status=PrisonerStatus.UNKNOWN if withdrawn else None,
                sources=many.get("sources"),
                **fields,
            )
        except PermissionDenied as refused:
            raise ValidationError({"visibility": str(refused)}) from None

    def after_related(self, request, form, change):
        declared = form.cleaned_data.get("declared_status") or None
        if declared:
            services.declare_status(actor=request.user, prisoner=form.instance, status=declared)

    def delete_object(self, request, obj):
        services.delete_prisoner(actor=request.user, prisoner=obj)


admin.site.register(Prisoner, PrisonerAdmin)
