"""The admin site of the Release Tracker: its name, a domain-first index and links to the daily work.

Installed through `prisoners.admin_config.TrackerAdminConfig` in place of `django.contrib.admin` (its
`default_site`), so `admin.site` everywhere is this site. The index lists people, events and
releases, deals, sources, imports, then accounts, and links to the review queue, the likely
duplicates and the import page.
"""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tracker.admin_site import TrackerAdminSite as SecureAdminSite

# (app label, model name) in the order the index shows them; anything else follows, accounts last.
INDEX_ORDER = (
    ("prisoners", "prisoner"),
    ("prisoners", "detention"),
    ("releases", "releaseevent"),
    ("releases", "release"),
    ("releases", "sanctionsdeal"),
    ("releases", "destination"),
    ("releases", "reportedtotal"),
    ("prisoners", "source"),
    ("prisoners", "reportedvalue"),
    ("imports", "importjob"),
    ("imports", "importprofile"),
)
APP_ORDER = ("prisoners", "releases", "imports")
ACCOUNT_APPS = ("auth", "authtoken")


def _model_rank(app_label, model):
    key = (app_label, model["object_name"].lower())
    return INDEX_ORDER.index(key) if key in INDEX_ORDER else len(INDEX_ORDER)


def _app_rank(app):
    label = app["app_label"]
    if label in APP_ORDER:
        return (0, APP_ORDER.index(label))
    if label in ACCOUNT_APPS:
        return (2, ACCOUNT_APPS.index(label))
    return (1, 0)


class TrackerAdminSite(SecureAdminSite):
    """The base site's two-factor sign-in (tracker.admin_site), with the editors' index."""

    site_header = _("Release Tracker administration")
    site_title = _("Release Tracker administration")
    index_title = _("The editors' workplace")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["models"].sort(key=lambda model, label=app["app_label"]: (_model_rank(label, model), model["name"]))
        return sorted(apps, key=_app_rank)

    def index(self, request, extra_context=None):
        return super().index(request, {**(extra_context or {}), "workplace_links": self.workplace_links(request)})

    def workplace_links(self, request):
        """The review queue (with the number of drafts), likely duplicates and imports, as the user may open them."""
        user = request.user
        links = []
        # The person's admin (people/admin.py) holds the review queue; asked through the registry, so this
        # site needs no import of the apps above it.
        people_admin = self._registry.get(apps.get_model("prisoners", "Prisoner"))
        if people_admin and (user.has_perm("prisoners.view_prisoner") or user.has_perm("prisoners.change_prisoner")):
            counts = people_admin.draft_counts(user)
            links.append(
                (
                    reverse("admin:prisoners_prisoner_review", current_app=self.name),
                    _("Drafts awaiting review: %(people)d people, %(events)d events, %(releases)d releases") % counts,
                )
            )
            duplicates = reverse("admin:prisoners_prisoner_duplicates", current_app=self.name)
            links.append((duplicates, _("Likely duplicates")))
        if user.has_perm("imports.import_records"):
            try:
                links.append((reverse("admin:imports_importjob_upload", current_app=self.name), _("Import a file")))
            except NoReverseMatch:  # the import app's admin is not installed
                pass
        return links
