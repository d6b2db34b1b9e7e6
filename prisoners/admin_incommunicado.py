"""Periods a person was held incommunicado, edited on their detention's admin page through the services."""

from django.contrib import admin

from prisoners import services
from prisoners.admin_services import INLINE_WRITERS, InlineWriter
from prisoners.models import IncommunicadoPeriod

INLINE_WRITERS.update(
    {
        IncommunicadoPeriod: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_incommunicado_period(
                actor=actor, detention=parent, sources=many.get("sources", ()), **fields
            ),
            update=lambda actor, obj, fields, many: services.update_incommunicado_period(
                actor=actor, period=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_incommunicado_period(actor=actor, period=obj),
        )
    }
)


class IncommunicadoPeriodInline(admin.TabularInline):
    """A dated period without contact: a condition of the detention, not a status."""

    model = IncommunicadoPeriod
    fields = ("started_on", "started_on_precision", "ended_on", "ended_on_precision", "note", "sources")
    autocomplete_fields = ("sources",)
    extra = 0
