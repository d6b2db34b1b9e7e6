"""The Atom feed of release events at /feeds/releases/: what was announced, where people went, the deal.

A feed is read anonymously, so it names only public people, whoever fetches it. Opened in a browser it is
styled by an XSL stylesheet in the reader's language (templates/feeds/atom.xsl; feed readers ignore it).
"""

import re
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, SimplerXMLGenerator, Stylesheet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prisoners.scripts import with_native_variants
from prisoners.visibility import mask_texts_naming_withheld, nameable_person_records, visible_events
from releases.models import EventDestination, Release, ReleaseEvent
from releases.selectors import FREED_OUTCOMES, events_released_by, events_with_named_counts
from tracker import glossary
from tracker.values import parse_country

FEED_LENGTH = 50
FEED_STYLESHEET = "feeds/atom.xsl"  # a template: its words are in the page's language
_BLANK_LINES = re.compile(r"\s*\n\s*")


class StyledAtom1Feed(Atom1Feed):
    """Atom with the xml-stylesheet instruction Django writes only for RSS, so a browser shows a page."""

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
            handler.ignorableWhitespace("\n")
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class ReleaseEventFeed(Feed):
    feed_type = StyledAtom1Feed
    title = _("Release Tracker: release events")
    subtitle = _(
        "Political prisoners freed: when, how many were reported and named, where they were taken, and the deal."
    )
    summary_template = "feeds/release_event_description.html"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Browsers show application/atom+xml as plain text; as XML they apply the stylesheet. Feed
        # readers (which do not ask for text/html first) keep the Atom type.
        if request.headers.get("Accept", "").startswith("text/html"):
            response["Content-Type"] = "application/xml; charset=utf-8"
            response["Vary"] = "Accept"
        return response

    def get_object(self, request, *args, **kwargs):
        """The releasing country the feed is narrowed to (`?country=`); a bad value is a 404, never a 500."""
        value = request.GET.get("country", "").strip()
        if not value:
            return None
        try:
            return parse_country(value)
        except ValidationError:
            raise Http404(_("No country with this code.")) from None

    def stylesheets(self):
        return [Stylesheet(reverse("release-feed-stylesheet"), mimetype="text/xsl")]

    def item_description(self, item):
        """The summary as one paragraph per line: no blank lines where a part is missing."""
        html = render_to_string(self.summary_template, {"obj": item})
        return _BLANK_LINES.sub("\n", html).strip()

    def link(self, obj=None):
        url = reverse("release-event-list-page")
        return f"{url}?country={obj}" if obj else url

    def items(self, obj=None):
        named_releases = (
            nameable_person_records(None, Release.objects.filter(outcome__in=FREED_OUTCOMES))
            .select_related("prisoner", "destination")
            .order_by("prisoner__full_name", "id")
        )
        named_releases = with_native_variants(named_releases, get_language(), prefix="prisoner__")
        events = ReleaseEvent.objects.select_related("deal")
        if obj:
            events = events_released_by(events, obj)
        events = list(
            events_with_named_counts(visible_events(None, events))
            .prefetch_related(
                Prefetch("destination_counts", queryset=EventDestination.objects.select_related("destination")),
                Prefetch("releases", queryset=named_releases, to_attr="public_releases"),
            )
            .order_by("-date", "-id")[:FEED_LENGTH]
        )
        # A feed is read anonymously: texts naming a withheld person are withheld.
        mask_texts_naming_withheld(None, events)
        return events

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time(12, 0)), timezone.get_default_timezone())

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [str(glossary.term("kind", item.kind).label)]


def feed_stylesheet(request):
    """The feed's XSL stylesheet, with its words in the language of the address it was asked under."""
    return render(request, FEED_STYLESHEET, content_type="text/xsl; charset=utf-8")
