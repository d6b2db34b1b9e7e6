"""Admin for parties, and the inlines of an event's and a deal's parties, dated counts and groups.

Every write goes through `releases.services` (`prisoners.admin_services`): the inlines' services are in
`INLINE_WRITERS`, the party admin's in its create/update/delete methods.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from prisoners.admin_services import INLINE_WRITERS, InlineWriter, ServiceAdminMixin
from releases import services
from releases.models import GroupRelease, Party, PartyRole, ReportedCount


def _parent(parent):
    return {"deal" if parent._meta.model_name == "sanctionsdeal" else "event": parent}


INLINE_WRITERS.update(
    {
        PartyRole: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_party_role(
                actor=actor, **_parent(parent), sources=many.get("sources", ()), **fields
            ),
            update=lambda actor, obj, fields, many: services.update_party_role(
                actor=actor, party_role=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_party_role(actor=actor, party_role=obj),
        ),
        ReportedCount: InlineWriter(
            create=lambda actor, parent, fields, many: services.add_reported_count(
                actor=actor, event=parent, sources=many.get("sources", ()), **fields
            ),
            update=lambda actor, obj, fields, many: services.update_reported_count(
                actor=actor, reported_count=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_reported_count(actor=actor, reported_count=obj),
        ),
        GroupRelease: InlineWriter(
            create=lambda actor, parent, fields, many: services.record_group_release(
                actor=actor, event=parent, sources=many.get("sources", ()), **fields
            ),
            update=lambda actor, obj, fields, many: services.update_group_release(
                actor=actor, group_release=obj, sources=many.get("sources"), **fields
            ),
            delete=lambda actor, obj: services.delete_group_release(actor=actor, group_release=obj),
        ),
    }
)


class PartyRoleInline(admin.TabularInline):
    """Who took part and how ("mediator", "host"...), on an event's or a deal's page."""

    model = PartyRole
    fields = ("party", "role", "note", "sources")
    autocomplete_fields = ("party", "sources")
    extra = 0


class ReportedCountInline(admin.TabularInline):
    """Dated counts of an event, each with who reported it: verified, claimed or reported."""

    model = ReportedCount
    fields = ("reported_on", "count", "qualifier", "basis", "reported_by", "note", "sources")
    autocomplete_fields = ("sources",)
    extra = 0


class GroupReleaseInline(admin.TabularInline):
    """People counted but not named: a described group freed, refused release or kept back."""

    model = GroupRelease
    fields = ("description", "count", "qualifier", "outcome", "date", "destination", "freed_at_home", "sources")
    autocomplete_fields = ("destination", "sources")
    extra = 0


class PartyAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "country", "slug")
    list_filter = ("kind", "country")
    search_fields = ("name", "slug", "description")
    autocomplete_fields = ("sources",)
    readonly_fields = ("created_at", "updated_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "slug" in form.base_fields:
            form.base_fields["slug"].required = False
        return form

    def create_object(self, request, fields, many, form):
        return services.create_party(actor=request.user, sources=many.get("sources", ()), **fields)

    def update_object(self, request, obj, fields, many, form):
        services.update_party(actor=request.user, party=obj, sources=many.get("sources"), **fields)

    def delete_object(self, request, obj):
        services.delete_party(actor=request.user, party=obj)


admin.site.register(Party, PartyAdmin)
