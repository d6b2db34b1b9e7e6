"""Admin: the page of likely duplicates (people sharing a name key) and its merge action.

`PrisonerDuplicatesAdminMixin` adds `duplicates/` and `merge/` to the prisoner admin; merging
needs the change and delete permissions on prisoners and goes through `merge_prisoners`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.duplicates import likely_duplicates, merge_prisoners


class PrisonerDuplicatesAdminMixin:
    duplicates_page_size = 200

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        own = [
            path("duplicates/", self.admin_site.admin_view(self.duplicates_view), name=f"{prefix}_duplicates"),
            path("merge/", self.admin_site.admin_view(require_POST(self.merge_view)), name=f"{prefix}_merge"),
        ]
        return own + super().get_urls()

    def _can_merge(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def duplicates_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Likely duplicates"),
            "pairs": likely_duplicates(limit=self.duplicates_page_size, queryset=self.get_queryset(request)),
            "can_merge": self._can_merge(request),
        }
        return TemplateResponse(request, "admin/prisoners/prisoner/duplicates.html", context)

    def merge_view(self, request):
        if not self._can_merge(request):
            raise PermissionDenied
        back = redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_duplicates")
        try:
            ids = {int(request.POST["first"]), int(request.POST["second"])}
            survivor_id = int(request.POST["survivor"])
        except (KeyError, ValueError):
            messages.error(request, _("Choose the two records and the one to keep."))
            return back
        if survivor_id not in ids or len(ids) != 2:
            messages.error(request, _("The record to keep must be one of the two."))
            return back
        (duplicate_id,) = ids - {survivor_id}
        people = self.get_queryset(request).in_bulk([survivor_id, duplicate_id])
        if len(people) != 2:
            messages.error(request, _("One of the records no longer exists."))
            return back
        try:
            survivor = merge_prisoners(actor=request.user, survivor=people[survivor_id], duplicate=people[duplicate_id])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return back
        messages.success(
            request,
            _("Merged #%(duplicate)s into %(name)s (#%(survivor)s).")
            % {"duplicate": duplicate_id, "name": survivor.full_name, "survivor": survivor.pk},
        )
        return back
