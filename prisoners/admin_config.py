"""django.contrib.admin, installed with the editors' admin site (prisoners.admin_site) as the default.

Kept apart from the site itself: settings load this while the app registry is not ready yet.
"""

from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    default_site = "prisoners.admin_site.TrackerAdminSite"
