"""Django admin for people, their detentions and the sources cited for them.

Status is read-only: it follows the timeline (`prisoners.services.refresh_status`). An editor may
declare what the timeline cannot tell (died in custody, unknown); a declaration that contradicts
the timeline is a form error, checked against the inlines as submitted.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from prisoners.admin_duplicates import PrisonerDuplicatesAdminMixin
from prisoners.models import Detention, ExternalId, NameVariant, Prisoner, PrisonerStatus, ReportedValue, Source
from prisoners.search import PrisonerNameSearchAdminMixin
from prisoners.services import refresh_status
from prisoners.timeline import KEPT_WHILE_HELD, DetentionSpan, ReleaseStep, derive_status
from releases.models import Release

# What an editor may declare; everything else follows the timeline.
DECLARABLE_STATUSES = [
    ("", _("follow the timeline")),
    (PrisonerStatus.DIED_IN_CUSTODY, PrisonerStatus.DIED_IN_CUSTODY.label),
    (PrisonerStatus.UNKNOWN, _("unknown (only where there is no timeline)")),
]
RELEASE_CONDITION_FIELDS = ("forced_exile", "without_documents", "travel_ban", "speaking_ban")


def refresh_statuses(request, prisoners):
    """Refresh each person's status after an admin write; a contradiction becomes a message, not a 500."""
    for prisoner in prisoners:
        try:
            refresh_status(prisoner)
        except ValidationError as error:
            messages.error(request, _("%(name)s: %(error)s") % {"name": prisoner, "error": " ".join(error.messages)})


def stored_timeline(prisoner, *, without_release_pk=None):
    """The person's stored detentions and releases as plain values, optionally leaving one release out."""
    spans = [
        DetentionSpan(detained_on=d.detained_on, ended_on=d.ended_on, sentenced=d.is_sentenced)
        for d in prisoner.detentions.all()
    ]
    steps = [
        ReleaseStep(on=r.date or (r.event.date if r.event_id else None), outcome=r.outcome)
        for r in prisoner.releases.select_related("event")
        if r.pk != without_release_pk
    ]
    return spans, steps


def check_release_fits_timeline(prisoner, *, release_pk, on, outcome):
    """Raise ValidationError when recording this release would contradict the person's declared status."""
    if prisoner.status not in KEPT_WHILE_HELD:
        return
    spans, steps = stored_timeline(prisoner, without_release_pk=release_pk)
    derive_status(spans, [*steps, ReleaseStep(on=on, outcome=outcome)], prisoner.status)


class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "link", "publisher", "kind", "published_on")
    list_filter = ("kind", "publisher")
    search_fields = ("link", "title", "publisher")
    date_hierarchy = "published_on"
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReportedValueInline(GenericTabularInline):
    """Each source's value for one field of the record, kept where sources disagree."""

    model = ReportedValue
    fields = ("field", "value", "reported_by", "source", "note")
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = _("value as one source reported it")
    verbose_name_plural = _("values as each source reported them (where sources disagree)")


class ReportedValueAdmin(SimpleHistoryAdmin):
    list_display = ("field", "value", "reported_by", "source", "content_type", "object_id")
    list_filter = ("content_type", "field")
    search_fields = ("field", "value", "reported_by", "note", "source__link", "source__title")
    autocomplete_fields = ("source",)
    list_select_related = ("source", "content_type")


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
        ("court", "place_of_detention"),
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
        declared = getattr(self.instance, "declared_status", None)
        spans, steps = self.submitted_timeline(siblings)
        try:
            derive_status(spans, steps, declared or None)
        except ValidationError as error:
            raise ValidationError(error.message_dict["status"]) from None

    def submitted_timeline(self, siblings):
        spans, steps = [], []
        for formset in siblings:
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
                            detained_on=data.get("detained_on"), ended_on=data.get("ended_on"), sentenced=sentenced
                        )
                    )
                elif formset is self:
                    event = data.get("event")
                    on = data.get("date") or (event.date if event else None)
                    steps.append(ReleaseStep(on=on, outcome=data.get("outcome") or "freed"))
        return spans, steps


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


class PrisonerAdmin(PrisonerDuplicatesAdminMixin, PrisonerNameSearchAdminMixin, SimpleHistoryAdmin):
    form = PrisonerAdminForm
    list_display = (
        "full_name",
        "native_name",
        "status",
        "visibility",
        "country",
        "citizenships",
        "detention_count",
        "release_count",
        "updated_at",
    )
    list_filter = (
        "status",
        "visibility",
        "gender",
        "country",
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
        (_("Status"), {"fields": ("status", "declared_status")}),
        (_("Texts"), {"fields": ("biography", "notes")}),
        (_("Sources"), {"fields": ("sources",)}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (NameVariantInline, ExternalIdInline, DetentionInline, PrisonerReleaseInline, ReportedValueInline)

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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        prisoner = form.instance
        declared = form.cleaned_data.get("declared_status") or None
        if declared is None and prisoner.status in KEPT_WHILE_HELD:
            prisoner.status = PrisonerStatus.UNKNOWN  # the editor withdrew the declaration
        try:
            refresh_status(prisoner, declared=declared)
        except ValidationError as error:  # checked in the formset already; never a 500 if data moved meanwhile
            messages.error(request, " ".join(error.messages))
            refresh_status(prisoner)


class TimelineRecordAdminMixin:
    """Admin of a timeline record (detention, release): the people it touches get their status refreshed."""

    def save_model(self, request, obj, form, change):
        previous = type(obj).objects.filter(pk=obj.pk).values_list("prisoner_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        obj._previous_prisoner_id = previous

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        touched = {obj.prisoner_id, getattr(obj, "_previous_prisoner_id", None)} - {None}
        refresh_statuses(request, Prisoner.objects.filter(pk__in=touched))

    def delete_model(self, request, obj):
        prisoner = obj.prisoner
        super().delete_model(request, obj)
        refresh_statuses(request, [prisoner])

    def delete_queryset(self, request, queryset):
        prisoner_ids = set(queryset.values_list("prisoner_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_statuses(request, Prisoner.objects.filter(pk__in=prisoner_ids))


class DetentionAdmin(TimelineRecordAdminMixin, SimpleHistoryAdmin):
    list_display = ("prisoner", "detained_on", "sentence", "place_of_detention", "ended_on")
    list_filter = ("ended_on", "sentenced_on")
    search_fields = ("prisoner__full_name", "prisoner__name_variants__name", "charges", "court", "place_of_detention")
    date_hierarchy = "detained_on"
    autocomplete_fields = ("prisoner", "sources")
    list_select_related = ("prisoner",)
    readonly_fields = ("created_at", "updated_at")


admin.site.register(Source, SourceAdmin)
admin.site.register(ReportedValue, ReportedValueAdmin)
admin.site.register(Prisoner, PrisonerAdmin)
admin.site.register(Detention, DetentionAdmin)
