"""Permissions beyond the default (DjangoModelPermissionsOrAnonReadOnly: reads public, writes need the model
permission)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnly(BasePermission):
    """For views nobody writes to (stats): any write is refused with 401/403 before the method is looked at."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS
