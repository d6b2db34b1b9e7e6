"""Admin: review before publishing. The review queue (`prisoners/prisoner/review/`) and the publish actions.

Drafts (records an import or an editor without `prisoners.publish_record` created) are listed here for
every editor; an editor with the permission publishes them, singly or in bulk, through
`releases.services.publish_records` (never their own drafts: a second editor publishes). Publishing an
event publishes its draft releases and their draft people; a release, its draft person. History keeps
who published (`published_by`, and the history row's user).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from prisoners.visibility import display_name, may_publish, nameable_prisoners
from releases.models import Release, ReleaseEvent
from releases.services import publish_records

QUEUE_LIMIT = 500  # rows per kind on the review page; the changelists' "draft" filter shows all


def publish_or_report(request, **records):
    """Publish and say so as an admin message; a refusal is a message and nothing is published."""
    try:
        done = publish_records(actor=request.user, **records)
    except (ValidationError, PermissionDenied) as refused:
        text = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
        messages.error(request, _("Nothing was published: %(reason)s") % {"reason": text})
        return None
    messages.success(
        request,
        _("Published %(events)d events, %(releases)d releases and %(people)d people.")
        % {"events": len(done["events"]), "releases": len(done["releases"]), "people": len(done["prisoners"])},
    )
    return done


def _publish_action(kind):
    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["publish"])
    def publish_selected(modeladmin, request, queryset):
        publish_or_report(request, **{kind: list(queryset.filter(is_draft=True))})

    return publish_selected


class DraftsAdminMixin:
    """Changelists of people, events and releases: a "draft" column and filter, and the publish action."""

    publish_kind = None  # "prisoners", "events" or "releases"

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.publish_kind and self.has_publish_permission(request):
            action = _publish_action(self.publish_kind)
            actions["publish_selected"] = (action, "publish_selected", action.short_description)
        return actions

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), "is_draft")

    @admin.display(description=gettext_lazy("draft"), boolean=True, ordering="is_draft")
    def draft(self, obj):
        return obj.is_draft


class ReviewQueueAdminMixin:
    """For the prisoner admin: the review queue of every draft."""

    def review_urls(self):
        return [path("review/", self.admin_site.admin_view(self.review_view), name="prisoners_prisoner_review")]

    @staticmethod
    def draft_counts(user):
        nameable = nameable_prisoners(user)
        return {
            "people": nameable.filter(is_draft=True).count(),
            "events": ReleaseEvent.objects.filter(is_draft=True).count(),
            "releases": Release.objects.filter(is_draft=True, prisoner__in=nameable).count(),
        }

    def review_view(self, request):
        return require_http_methods(["GET", "POST"])(self._review)(request)

    def _review(self, request):
        user = request.user
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not may_publish(user):
                raise PermissionDenied
            nameable = nameable_prisoners(user)
            publish_or_report(
                request,
                events=list(ReleaseEvent.objects.filter(pk__in=_ids(request, "event"), is_draft=True)),
                releases=list(
                    Release.objects.filter(pk__in=_ids(request, "release"), is_draft=True, prisoner__in=nameable)
                ),
                prisoners=list(nameable.filter(pk__in=_ids(request, "prisoner"), is_draft=True)),
            )
            return HttpResponseRedirect(request.path)
        nameable = nameable_prisoners(user)
        events = list(
            ReleaseEvent.objects.filter(is_draft=True)
            .annotate(
                draft_releases=Count("releases", filter=Q(releases__is_draft=True), distinct=True),
                draft_people=Count("releases", filter=Q(releases__prisoner__is_draft=True), distinct=True),
            )
            .order_by("-date", "pk")[:QUEUE_LIMIT]
        )
        releases = list(
            Release.objects.filter(is_draft=True, prisoner__in=nameable)
            .exclude(event__is_draft=True)
            .select_related("prisoner", "event", "destination")
            .order_by("event__date", "prisoner__full_name", "pk")[:QUEUE_LIMIT]
        )
        people = list(
            nameable.filter(is_draft=True)
            .exclude(releases__is_draft=True)
            .order_by("full_name", "pk")
            .distinct()[:QUEUE_LIMIT]
        )
        for release in releases:
            release.person_name = display_name(user, release.prisoner)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Drafts awaiting review"),
            "events": events,
            "releases": releases,
            "people": people,
            "may_publish": may_publish(user),
            "limit": QUEUE_LIMIT,
            "people_changelist": reverse("admin:prisoners_prisoner_changelist") + "?is_draft__exact=1",
        }
        return TemplateResponse(request, "admin/prisoners/prisoner/review.html", context)


def _ids(request, kind):
    return [value for value in request.POST.getlist(kind) if value.isdigit()]
