"""The releases CSV built from plain values, a chunk at a time: no model instance, no serializer per row.

Same rows as `ReleaseViewSet.csv_row`; the visibility module decides the same things (absent people by the
queryset, `is_withheld_for`, `visible_sources`, `redact`). See `prisoners.api.csv_rows`.
"""

from django.urls import reverse

from prisoners.models import Source
from prisoners.visibility import is_withheld_for, redact, visible_sources
from releases.models import Release
from tracker.api.csv_export import in_chunks, url_maker
from tracker.translated import translated

RELEASE_FIELDS = (
    "id",
    "prisoner_id",
    "prisoner__full_name",
    "prisoner__visibility",
    "event__slug",
    "effective_date",
    "destination__country",
    "outcome",
    "confidence",
    "event_title",  # `tracker.translated.translated("event__title")`, the reader's language
    "event__date",
    "freed_at_home",
    *Release.CONDITIONS,
)


class _Person:
    """What `is_withheld_for` reads of a person, from a row of values."""

    __slots__ = ("visibility",)

    def __init__(self, visibility):
        self.visibility = visibility


def release_csv_rows(request, queryset, chunk_size=2000):
    """Rows (dicts keyed by `ReleaseViewSet.csv_columns`) of the releases in `queryset`, in its order."""
    user = request.user
    person_url = url_maker(request, reverse("prisoner-detail-page", args=[0]))
    releases = queryset.with_effective_date().annotate(event_title=translated("event__title"))
    releases = releases.values_list(*RELEASE_FIELDS).iterator(chunk_size=chunk_size)
    source_order = [f"{field}" for field in Source._meta.ordering]
    for chunk in in_chunks(releases, chunk_size):
        sources = {}
        rows = (
            visible_sources(user, Source.objects.filter(releases__in=[row[0] for row in chunk]))
            .order_by("releases", *source_order)
            .values_list("releases", "link")
        )
        for release_id, link in rows:
            sources.setdefault(release_id, []).append(link)
        for values in chunk:
            rid, pid, name, visibility, slug, when, destination, outcome, confidence, title, event_date, home = values[
                :12
            ]
            withheld = is_withheld_for(user, _Person(visibility))
            row = {
                "id": rid,
                "url": person_url(pid),
                "prisoner_id": pid,
                "full_name": name,
                "withheld": withheld,
                "release_event": slug or "",
                "date": when.isoformat() if when else "",
                "destination": destination or "",
                "outcome": outcome,
                "confidence": confidence,
                "conditions": [name for name, on in zip(Release.CONDITIONS, values[12:], strict=True) if on],
                "release_event_title": title or "",
                "release_event_date": event_date.isoformat() if event_date else "",
                "sources": sources.get(rid, []),
                "freed_at_home": home,
            }
            yield redact("release_row", row, withheld=withheld)
