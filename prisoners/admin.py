"""Django admin for sources, reported values and detentions, and the services every inline of a person's or a
record's page calls (`INLINE_WRITERS`).

Every write goes through `prisoners.services` (`prisoners.admin_services`): a refused write is a
form error and nothing is written. The person's own page (with their releases inline) is
`people/admin.py`.
"""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from prisoners import services
from prisoners.admin_history import BulkCreatedHistoryAdminMixin
from prisoners.admin_incommunicado import IncommunicadoPeriodInline
from prisoners.admin_services import INLINE_WRITERS, InlineWriter, ServiceAdminMixin
from prisoners.admin_visibility import HidesWithheldAdminMixin, hide_values_about_withheld
from prisoners.models import Detention, ExternalId, NameVariant, ReportedValue, Source
from prisoners.visibility import visible_sources

INLINE_WRITERS.update(
    {
        NameVariant: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_name_variant(
                actor=actor, prisoner=parent, **fields
            ),
            update=lambda actor, obj, fields, many: services.update_name_variant(
                actor=actor, name_variant=obj, **fields
            ),
            delete=lambda actor, obj: services.delete_name_variant(actor=actor, name_variant=obj),
        ),
        ExternalId: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_external_id(
                actor=actor, prisoner=parent, **{"source_list": "", "external_id": "", **fields}
            ),
            update=lambda actor, obj, fields, many: services.update_external_id(actor=actor, row=obj, **fields),
            delete=lambda actor, obj: services.delete_external_id(actor=actor, external_id=obj),
        ),
        Detention: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_detention(
                actor=actor, prisoner=parent, sources=many.get("sources", ()), **fields
            ),
            update=lambda actor, obj, fields, many: services.update_detention(
                actor=actor, detention=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_detention(actor=actor, detention=obj),
        ),
        ReportedValue: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_reported_value(
                actor=actor, record=parent, **{"field": "", "value": "", "source": None, **fields}
            ),
            update=lambda actor, obj, fields, many: services.update_reported_value(
                actor=actor, reported_value=obj, **fields
            ),
            delete=lambda actor, obj: services.delete_reported_value(actor=actor, reported_value=obj),
        ),
    }
)


class SourceAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "publisher", "kind", "published_on")
    list_filter = ("kind",)
    ordering = ("-published_on", "publisher", "id")
    search_fields = ("link", "title", "publisher")
    date_hierarchy = "published_on"
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        # A source cited for a withheld person could name them: absent for staff who may not see them.
        return visible_sources(request.user, super().get_queryset(request))

    def create_object(self, request, fields, many, form):
        return services.create_source(actor=request.user, **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_source(actor=request.user, source=obj, **fields)

    def delete_object(self, request, obj):
        services.delete_source(actor=request.user, source=obj)


class ReportedValueInline(GenericTabularInline):
    """Each source's value for one field of the record, kept where sources disagree."""

    model = ReportedValue
    fields = ("field", "value", "reported_by", "source", "note")
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = _("value as one source reported it")
    verbose_name_plural = _("values as each source reported them (where sources disagree)")


class ReportedValueAdmin(ServiceAdminMixin, HidesWithheldAdminMixin, SimpleHistoryAdmin):
    list_display = ("field", "value", "reported_by", "source", "content_type", "object_id")
    list_filter = ("content_type", "field")
    search_fields = ("field", "value", "reported_by", "note", "source__link", "source__title")
    autocomplete_fields = ("source",)
    list_select_related = ("source", "content_type")

    def hide_withheld(self, request, queryset):
        return hide_values_about_withheld(request.user, queryset)

    def get_readonly_fields(self, request, obj=None):
        # A value belongs to one record: chosen when it is added, never moved.
        return ("content_type", "object_id") if obj is not None else ()

    def create_object(self, request, fields, many, form):
        content_type, object_id = fields.pop("content_type"), fields.pop("object_id")
        record = content_type.model_class()._default_manager.filter(pk=object_id).first()
        if record is None:
            raise ValidationError({"object_id": _("No such record.")})
        return services.add_reported_value(actor=request.user, record=record, **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_reported_value(actor=request.user, reported_value=obj, **fields)

    def delete_object(self, request, obj):
        services.delete_reported_value(actor=request.user, reported_value=obj)


class DetentionAdmin(ServiceAdminMixin, HidesWithheldAdminMixin, BulkCreatedHistoryAdminMixin, SimpleHistoryAdmin):
    withheld_person_path = "prisoner"
    list_display = ("prisoner", "detained_on", "sentence", "place_of_detention", "ended_on")
    ordering = ("-detained_on", "id")
    list_filter = ("ended_on", "sentenced_on")
    search_fields = ("prisoner__full_name", "prisoner__name_variants__name", "charges", "court", "place_of_detention")
    date_hierarchy = "detained_on"
    autocomplete_fields = ("prisoner", "sources")
    list_select_related = ("prisoner",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (IncommunicadoPeriodInline,)

    def create_object(self, request, fields, many, form):
        return services.add_detention(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_detention(actor=request.user, detention=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_detention(actor=request.user, detention=obj)


admin.site.register(Source, SourceAdmin)
admin.site.register(ReportedValue, ReportedValueAdmin)
admin.site.register(Detention, DetentionAdmin)
