"""The people list's JSON rows built from plain values: no model instance, no serializer per row.

A page of people comes as dicts (`PERSON_FIELDS`, plus the list's sort keys for the cursor); then one
query per related list (name variants, detentions, releases with their event and destination) fetches
plain values for the whole page. The rows are exactly what `PrisonerSerializer` gives for the same page
(tests/api/test_list_rows.py compares both), which stays the schema's definition. Who sees what is
decided by the visibility module: who is absent (the queryset), who is withheld (`is_withheld_for`),
which releases show (`without_drafts`), what survives of a withheld person (`redact`).
"""

from django.db.models import F
from django.utils.translation import get_language

from prisoners.models import Detention, NameVariant
from prisoners.visibility import is_withheld_for, reader_class, redact, without_drafts
from releases.models import Release
from tracker.api.links import url_maker
from tracker.api.prepared import PageQuery, rows_together
from tracker.translated import translated
from tracker.values import country_codes, country_name, format_partial_date

PERSON_FIELDS = (
    "id",
    "full_name",
    "visibility",
    "native_name",
    "status",
    "recognition",
    "country",
    "citizenship",
    "gender",
    "birth_date",
    "birth_date_precision",
)
DETENTION_FIELDS = (
    "prisoner",
    "id",
    "detained_on",
    "detained_on_precision",
    "charges",
    "court",
    "sentenced_on",
    "sentenced_on_precision",
    "sentence",
    "sentence_months",
    "place_of_detention",
    "regime",
    "ended_on",
    "ended_on_precision",
)
RELEASE_FIELDS = (
    "prisoner",
    "id",
    "date",
    "date_precision",
    "outcome",
    "confidence",
    *("forced_exile", "without_documents", "travel_ban", "speaking_ban", "reporting_duty"),
    "stripped_of_citizenship",
    "event",
    "event__slug",
    "event_title",  # `tracker.translated.translated("event__title")`, the reader's language
    "event__date",
    "destination",
    "destination__country",
)
CONDITIONS = ("forced_exile", "without_documents", "travel_ban", "speaking_ban", "reporting_duty")
CONDITIONS += ("stripped_of_citizenship",)


# The page's name variants and detentions: the same for every reader (a withheld person's are dropped by `redact`),
# so compiled once (`tracker.api.prepared`).
PAGE_VARIANTS = PageQuery(
    lambda ids: (
        NameVariant.objects.filter(prisoner__in=ids)
        .order_by("prisoner", "name")
        .values_list("prisoner", "name", "kind", "language")
    )
)
PAGE_DETENTIONS = PageQuery(
    lambda ids: (
        Detention.objects.filter(prisoner__in=ids)
        .order_by("prisoner", "detained_on", "id")
        .values_list(*DETENTION_FIELDS)
    )
)


# The page's releases: which show depends on the reader (drafts) and the event's title on the language, so compiled
# once per reader class (`prisoners.visibility.reader_class`) and language.
PAGE_RELEASES = PageQuery(
    lambda ids, user: (
        without_drafts(user, Release.objects.filter(prisoner__in=ids))
        .annotate(event_title=translated("event__title"))
        .order_by("prisoner", F("effective_date").asc(nulls_first=True), "id")
        .values_list(*RELEASE_FIELDS)
    )
)


class _Person:
    """What `is_withheld_for` reads of a person, from a row of values."""

    __slots__ = ("visibility", "is_draft")

    def __init__(self, visibility):
        self.visibility = visibility
        self.is_draft = False


def _partial(value, precision):
    return None if value is None else format_partial_date(value, precision)


def _code(value):
    code = getattr(value, "code", value)
    return str(code).upper() if code else None


def _grouped(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped


def person_list_rows(request, people, format=None):
    """The JSON rows of `people` (dicts with `PERSON_FIELDS`), in their order; three queries for the page, sent
    together (one round trip on PostgreSQL, `tracker.api.prepared.rows_together`)."""
    if not people:
        return []
    user = request.user
    person_url = url_maker(request, "api-prisoner-detail", format=format)
    release_url = url_maker(request, "api-release-detail", format=format)
    event_url = url_maker(request, "api-release-event-detail", "slug", format=format)
    destination_url = url_maker(request, "api-destination-detail", "country", format=format)
    ids = [person["id"] for person in people]
    variants, detentions, timeline = (
        _grouped(rows)
        for rows in rows_together(
            ids,
            PAGE_VARIANTS.call(),
            PAGE_DETENTIONS.call(),
            PAGE_RELEASES.call(key=(reader_class(user), get_language()), user=user),
        )
    )
    rows = []
    for person in people:
        pid = person["id"]
        withheld = is_withheld_for(user, _Person(person["visibility"]))
        row = {
            "id": pid,
            "url": person_url(pid),
            "full_name": person["full_name"],
            "withheld": withheld,
            "native_name": person["native_name"],
            "name_variants": [
                {"name": name, "kind": kind, "language": language}
                for _pid, name, kind, language in variants.get(pid, ())
            ],
            "status": person["status"],
            "recognition": person["recognition"],
            "country": _code(person["country"]),
            "citizenship": country_codes(person["citizenship"]),
            "gender": person["gender"],
            "birth_date": _partial(person["birth_date"], person["birth_date_precision"]),
            "visibility": person["visibility"],
            "detentions": [
                {
                    "id": did,
                    "detained_on": _partial(detained_on, detained_precision),
                    "charges": [c.strip() for c in charges.split("|") if c.strip()],
                    "court": court,
                    "sentenced_on": _partial(sentenced_on, sentenced_precision),
                    "sentence": sentence,
                    "sentence_months": months,
                    "place_of_detention": place,
                    "regime": regime,
                    "ended_on": _partial(ended_on, ended_precision),
                }
                for (
                    _pid,
                    did,
                    detained_on,
                    detained_precision,
                    charges,
                    court,
                    sentenced_on,
                    sentenced_precision,
                    sentence,
                    months,
                    place,
                    regime,
                    ended_on,
                    ended_precision,
                ) in detentions.get(pid, ())
            ],
            "releases": [_release(values, release_url, event_url, destination_url) for values in timeline.get(pid, ())],
        }
        rows.append(redact("person", row, withheld=withheld))
    return rows


def _release(values, release_url, event_url, destination_url):
    (_pid, rid, when, precision, outcome, confidence, *flags) = values[: 6 + len(CONDITIONS)]
    event, slug, title, event_date, destination, country = values[6 + len(CONDITIONS) :]
    date = _partial(when, precision)
    if date is None and event is not None:
        date = event_date.isoformat()
    return {
        "id": rid,
        "url": release_url(rid),
        "event": None
        if event is None
        else {
            "id": event,
            "url": event_url(slug),
            "slug": slug,
            "title": title,
            "date": event_date.isoformat() if event_date is not None else None,
        },
        "date": date,
        "destination": None
        if destination is None
        else {
            "id": destination,
            "url": destination_url(country),
            "country": _code(country),
            "name": country_name(country),
        },
        "outcome": outcome,
        "confidence": confidence,
        "conditions": [name for name, flag in zip(CONDITIONS, flags, strict=True) if flag],
    }
