"""The people CSV built from plain values, a chunk at a time: no model instance, no serializer per row.

The people come through a server-side cursor (PostgreSQL; SQLite reads the same rows in chunks); for each
chunk of ids, one query per related list (name variants, detentions, releases, sources) fetches plain
values. The rows are the same as `PrisonerViewSet.csv_row` builds from instances, and the visibility
module decides the same things: who is absent (the queryset), who is withheld (`is_withheld_for`),
which sources show (`visible_sources`), what survives of a withheld person (`redact`).
"""

from django.db.models import F
from django.urls import reverse

from prisoners.models import Detention, NameVariant, Source
from prisoners.visibility import is_withheld_for, redact, visible_sources
from tracker.api.csv_export import in_chunks, url_maker
from tracker.translated import translated
from tracker.values import country_codes, format_partial_date

PERSON_FIELDS = (
    "id",
    "full_name",
    "visibility",
    "native_name",
    "status",
    "country",
    "citizenship",
    "gender",
    "birth_date",
    "birth_date_precision",
)


class _Person:
    """What `is_withheld_for` reads of a person, from a row of values."""

    __slots__ = ("visibility", "is_draft")

    def __init__(self, visibility):
        self.visibility = visibility
        self.is_draft = False


def _grouped(rows):
    grouped = {}
    for owner, *values in rows:
        grouped.setdefault(owner, []).append(values)
    return grouped


def person_csv_rows(request, queryset, releases, chunk_size=2000):
    """Rows (dicts keyed by `PRISONER_CSV_COLUMNS`) of the people in `queryset`, in its order.

    `releases` is the reader's releases queryset (drafts already decided), ordered as the timeline."""
    user = request.user
    person_url = url_maker(request, reverse("prisoner-detail-page", args=[0]))
    people = queryset.values_list(*PERSON_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in in_chunks(people, chunk_size):
        ids = [row[0] for row in chunk]
        variants = _grouped(
            NameVariant.objects.filter(prisoner__in=ids).order_by("prisoner", "name").values_list("prisoner", "name")
        )
        detentions = _grouped(
            Detention.objects.filter(prisoner__in=ids)
            .order_by("prisoner", "detained_on", "id")
            .values_list(
                "prisoner",
                "detained_on",
                "detained_on_precision",
                "charges",
                "sentence",
                "sentence_months",
                "place_of_detention",
            )
        )
        last_release = {
            row[0]: row
            for row in releases.filter(prisoner__in=ids)
            .annotate(event_title=translated("event__title"))
            .order_by("prisoner", F("effective_date").asc(nulls_first=True), "id")
            .values_list(
                "prisoner", "effective_date", "event__slug", "event_title", "event__date", "destination__country"
            )
        }
        sources = _grouped(
            visible_sources(user, Source.objects.filter(prisoners__in=ids))
            .order_by("prisoners", "id")
            .values_list("prisoners", "link")
        )
        for pid, name, visibility, native, status, country, citizenship, gender, birth, birth_precision in chunk:
            withheld = is_withheld_for(user, _Person(visibility))
            row = {
                "id": pid,
                "url": person_url(pid),
                "full_name": name,
                "withheld": withheld,
                "native_name": native,
                "aliases": [variant for (variant,) in variants.get(pid, ())],
                "status": status,
                "country": country or "",
                "citizenship": country_codes(citizenship),
                "gender": gender,
                "birth_date": format_partial_date(birth, birth_precision),
                "sources": [link for (link,) in sources.get(pid, ())],
            }
            if pid in detentions:
                detained_on, precision, charges, sentence, months, place = detentions[pid][-1]
                row.update(
                    detained_on=format_partial_date(detained_on, precision),
                    charges=[c.strip() for c in charges.split("|") if c.strip()],
                    sentence=sentence,
                    sentence_months=months,
                    place_of_detention=place,
                )
            if pid in last_release:
                _pid, when, slug, title, event_date, destination = last_release[pid]
                row.update(
                    released_on=when.isoformat() if when else "",
                    release_event=slug or "",
                    release_event_title=title or "",
                    release_event_date=event_date.isoformat() if event_date else "",
                    destination=destination or "",
                )
            yield redact("person_row", row, withheld=withheld)
