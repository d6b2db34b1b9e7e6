"""The default permission (reads public, writes need the model permission) and those beyond it."""

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissionsOrAnonReadOnly


class ReadOnly(BasePermission):
    """For views nobody writes to (stats): any write is refused with 401/403 before the method is looked at."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS


class ModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """The default: reads public, writes need the model permission (add, change, delete).

    DRF's check builds the view's whole queryset (visibility filters, prefetches) on every request only to learn its
    model; a method that needs no permission (GET, HEAD, OPTIONS) does not need the model, so it is not built."""

    def has_permission(self, request, view):
        if request.user and self.perms_map.get(request.method, None) == []:
            return request.user.has_perms([])
        return super().has_permission(request, view)
