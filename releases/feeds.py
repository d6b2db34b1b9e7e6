"""The Atom feed of release events at /feeds/releases/: what was announced, where people went, the deal.

A feed is read anonymously, so it names only public people, whoever fetches it.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prisoners.scripts import with_native_variants
from prisoners.visibility import nameable_prisoners
from releases.models import EventDestination, Release, ReleaseEvent
from releases.selectors import FREED_OUTCOMES, events_with_named_counts

FEED_LENGTH = 50


class ReleaseEventFeed(Feed):
    feed_type = Atom1Feed
    title = _("Release Tracker: release events")
    subtitle = _(
        "Political prisoners freed: when, how many were reported and named, where they were taken, and the deal."
    )
    description_template = "feeds/release_event_description.html"

    def link(self):
        return reverse("release-event-list-page")

    def items(self):
        named_releases = (
            Release.objects.filter(outcome__in=FREED_OUTCOMES, prisoner__in=nameable_prisoners(None).values("pk"))
            .select_related("prisoner", "destination")
            .order_by("prisoner__full_name", "id")
        )
        named_releases = with_native_variants(named_releases, get_language(), prefix="prisoner__")
        return (
            events_with_named_counts(ReleaseEvent.objects.select_related("deal"))
            .prefetch_related(
                Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
                Prefetch("releases", queryset=named_releases, to_attr="public_releases"),
            )
            .order_by("-date", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time(12, 0)), timezone.get_default_timezone())

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display()]
