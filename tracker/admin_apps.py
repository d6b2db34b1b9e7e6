"""django.contrib.admin, installed with the project's admin site (tracker.admin_site) as the default."""

from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"
