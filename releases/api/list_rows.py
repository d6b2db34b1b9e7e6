"""The releases list's JSON rows built from plain values: no model instance, no serializer per row.

A page of releases comes as dicts (`RELEASE_FIELDS`, with the person, event and destination joined), then one
query for the page's visible sources and one for its visible reported values (each compiled once per reader class,
`tracker.api.prepared`). The rows are exactly what
`ReleaseSerializer` gives for the same page (tests/api/test_list_rows.py compares both), which stays the schema's
definition. The visibility module decides: who is absent (the queryset), who is withheld (`is_withheld_for`),
which sources and reported values show (`visible_sources`, `visible_reported_values`), which free texts name
someone withheld (`mask_value_texts_naming_withheld`) and what survives of a withheld person (`redact`).
"""

from django.contrib.contenttypes.models import ContentType

from prisoners.models import ReportedValue, Source
from prisoners.visibility import (
    hidden_sources,
    is_withheld_for,
    mask_value_texts_naming_withheld,
    reader_class,
    redact,
    visible_reported_values,
    visible_sources,
)
from releases.models import Release
from tracker.api.links import url_maker
from tracker.api.prepared import PageQuery, rows_together
from tracker.values import country_name, format_partial_date

CONDITIONS = Release.CONDITIONS
FLAGS = ("freed_at_home", *CONDITIONS)
RELEASE_FIELDS = (
    "id",
    "effective_date",
    "prisoner_id",
    "prisoner__full_name",
    "prisoner__visibility",
    "event_id",
    "event__slug",
    "event_title",  # annotated by the view: `tracker.translated.translated("event__title")`
    "event__date",
    "date",
    "date_precision",
    "destination_id",
    "destination__country",
    "outcome",
    "confidence",
    *FLAGS,
    "notes",
)
SOURCE_FIELDS = ("id", "link", "title", "publisher", "published_on", "kind")


# The page's sources and reported values: compiled once per reader class (`prisoners.visibility.reader_class`; the
# hidden sources' ids stay a parameter), `tracker.api.prepared`.
PAGE_SOURCES = PageQuery(
    lambda ids, user, hidden: (
        visible_sources(user, Source.objects.filter(releases__in=ids), hidden=hidden)
        .order_by("publisher", "link")
        .values_list("releases", *SOURCE_FIELDS)
    )
)
PAGE_REPORTED_VALUES = PageQuery(
    lambda ids, user, hidden: (
        visible_reported_values(
            user,
            ReportedValue.objects.filter(content_type=ContentType.objects.get_for_model(Release), object_id__in=ids),
            hidden=hidden,
        )
        .order_by("content_type", "object_id", "field", "id")
        .values_list(
            "object_id", "id", "field", "value", "reported_by", "note", *(f"source__{name}" for name in SOURCE_FIELDS)
        )
    )
)


class _Person:
    """What `is_withheld_for` reads of a person, from a row of values."""

    __slots__ = ("visibility", "is_draft")

    def __init__(self, visibility):
        self.visibility = visibility
        self.is_draft = False


def _code(value):
    code = getattr(value, "code", value)
    return str(code).upper() if code else None


def _source(values, source_url):
    sid, link, title, publisher, published_on, kind = values
    return {
        "id": sid,
        "url": source_url(sid),
        "link": link,
        "title": title,
        "publisher": publisher,
        "published_on": published_on.isoformat() if published_on is not None else None,
        "kind": kind,
    }


def release_list_rows(request, releases, format=None):
    """The JSON rows of `releases` (dicts with `RELEASE_FIELDS`), in their order; two queries for the page, sent
    together (one round trip on PostgreSQL, `tracker.api.prepared.rows_together`)."""
    if not releases:
        return []
    user = request.user
    release_url = url_maker(request, "api-release-detail", format=format)
    person_url = url_maker(request, "api-prisoner-detail", format=format)
    event_url = url_maker(request, "api-release-event-detail", "slug", format=format)
    destination_url = url_maker(request, "api-destination-detail", "country", format=format)
    source_url = url_maker(request, "api-source-detail", format=format)
    ids = [release["id"] for release in releases]
    key = (reader_class(user), ContentType.objects.get_for_model(Release).pk)
    hidden = hidden_sources(user)  # read once for both queries
    page_sources, page_reported = rows_together(
        ids,
        PAGE_SOURCES.call(key=key, user=user, hidden=hidden),
        PAGE_REPORTED_VALUES.call(key=key, user=user, hidden=hidden),
    )
    sources = {}
    for rid, *values in page_sources:
        sources.setdefault(rid, []).append(_source(values, source_url))
    reported = {}
    for rid, vid, field, value, reported_by, note, *source in page_reported:
        reported.setdefault(rid, []).append(
            {
                "id": vid,
                "field": field,
                "value": value,
                "reported_by": reported_by,
                "note": note,
                "source": None if source[0] is None else _source(source, source_url),
            }
        )
    rows, texts = [], []
    for release in releases:
        rid = release["id"]
        withheld = is_withheld_for(user, _Person(release["prisoner__visibility"]))
        date = None if release["date"] is None else format_partial_date(release["date"], release["date_precision"])
        if date is None and release["event_id"] is not None:
            date = release["event__date"].isoformat()
        country = release["destination__country"]
        row = {
            "id": rid,
            "url": release_url(rid),
            "prisoner": redact(
                "person_ref",
                {
                    "id": release["prisoner_id"],
                    "url": person_url(release["prisoner_id"]),
                    "full_name": release["prisoner__full_name"],
                    "withheld": withheld,
                },
                withheld=withheld,
            ),
            "event": None
            if release["event_id"] is None
            else {
                "id": release["event_id"],
                "url": event_url(release["event__slug"]),
                "slug": release["event__slug"],
                "title": release["event_title"],
                "date": release["event__date"].isoformat(),
            },
            "date": date,
            "destination": None
            if release["destination_id"] is None
            else {
                "id": release["destination_id"],
                "url": destination_url(country),
                "country": _code(country),
                "name": country_name(country),
            },
            "outcome": release["outcome"],
            "confidence": release["confidence"],
            "conditions": [name for name in CONDITIONS if release[name]],
            **{name: release[name] for name in FLAGS},
            "notes": release["notes"],
            "sources": sources.get(rid, []),
            "reported_values": reported.get(rid, []),
        }
        texts.append(("release", row))
        texts.extend(("reportedvalue", value) for value in row["reported_values"])
        rows.append((row, withheld))
    mask_value_texts_naming_withheld(user, texts)
    return [redact("release", row, withheld=withheld) for row, withheld in rows]
