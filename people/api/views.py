"""API views for people with their timeline: thin; filters in the FilterSet, writes in the services.

Sources have theirs in `prisoners/api/views.py`.
"""

from django.db import connection
from django.db.models import F, Prefetch

from people.api.list_rows import PERSON_FIELDS, person_list_rows
from people.api.serializers import PrisonerDetailSerializer, PrisonerSerializer
from people.filtersets import PrisonerFilterSet
from prisoners import services as prisoner_services
from prisoners.api.csv_copy import person_csv_sql
from prisoners.api.csv_rows import person_csv_rows
from prisoners.api.viewsets import RecordViewSet
from prisoners.models import Detention, Prisoner, Source
from prisoners.visibility import (
    is_withheld_for,
    reader_class,
    redact,
    reported_value_prefetches,
    shown_sources,
    source_prefetches,
    visible_prisoners,
    visible_sources,
    without_drafts,
    without_drafts_beside_people,
)
from releases.models import Release
from tracker.api.compiled_list import CompiledList
from tracker.api.csv_copy import streamed_copy_csv
from tracker.api.pagination import sort_terms
from tracker.values import format_partial_date

PRISONER_CSV_COLUMNS = [
    "id",
    "url",
    "full_name",
    "withheld",
    "native_name",
    "aliases",
    "status",
    "country",
    "citizenship",
    "gender",
    "birth_date",
    "detained_on",
    "charges",
    "sentence",
    "sentence_months",
    "place_of_detention",
    "released_on",
    "release_event",
    "destination",
    "release_event_title",
    "release_event_date",
    "sources",
]


def timeline_releases():
    """A person's releases in the order they happened, with event and destination."""
    return (
        Release.objects.select_related("event", "destination")
        .with_effective_date()
        .order_by(F("effective_date").asc(nulls_first=True), "id")
    )


class PrisonerViewSet(RecordViewSet):
    """People: list, search (`?search=`, any transliteration), filter, detail with the timeline; writes need
    the model permission. Private people are absent and anonymized ones show as "Name withheld" for readers
    without the view-withheld permission."""

    queryset = Prisoner.objects.all()
    filterset_class = PrisonerFilterSet
    csv_columns = PRISONER_CSV_COLUMNS
    csv_filename = "people.csv"
    # The JSON list's rows come from plain values (`people.api.list_rows`); the serializer stays the schema's
    # definition and the reference the tests compare the rows with (they turn this off to get its output).
    rows_from_values = True

    def get_serializer_class(self):
        return PrisonerSerializer if self.action == "list" else PrisonerDetailSerializer

    def get_queryset(self):
        user = self.request.user
        queryset = visible_prisoners(user, Prisoner.objects.all())
        if self.action == "list":
            if self.rows_from_values and not self.wants_csv():
                return queryset  # the JSON rows fetch the page's related rows themselves (`person_list_rows`)
            queryset = queryset.prefetch_related(
                "name_variants", "detentions", Prefetch("releases", queryset=without_drafts(user, timeline_releases()))
            )
            if self.wants_csv():  # each row's sources, less those cited for people withheld from this reader
                queryset = queryset.prefetch_related(
                    Prefetch("sources", queryset=visible_sources(self.request.user, Source.objects.order_by("id")))
                )
            return queryset
        return queryset.prefetch_related(
            "name_variants",
            "external_ids",
            *source_prefetches(user, "sources"),
            *reported_value_prefetches(user, "reported_values"),
            Prefetch(
                "detentions",
                queryset=Detention.objects.prefetch_related(
                    *source_prefetches(user, "sources", "incommunicado_periods__sources")
                ),
            ),
            Prefetch(
                "releases",
                queryset=without_drafts(user, timeline_releases()).prefetch_related(
                    *source_prefetches(user, "sources")
                ),
            ),
        )

    def list(self, request, *args, **kwargs):
        if self.wants_csv() or not self.rows_from_values:
            return super().list(request, *args, **kwargs)
        page = PERSON_PAGE.page(self, self.paginator)  # the page query compiled once for this shape of request
        if page is None:  # a shape that runs through the ORM (a search, another database)
            page = self.paginate_queryset(self.page_values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(person_list_rows(request, page, format=self.format_kwarg))

    def page_values(self, queryset):
        """The filtered list as the page's plain values (`PERSON_FIELDS` and the sort keys)."""
        queryset = queryset.prefetch_related(None)
        sort_keys = [name for name, _descending in sort_terms(queryset) or () if name not in PERSON_FIELDS]
        return queryset.values(*PERSON_FIELDS, *sort_keys)

    def delete_record(self, instance):
        prisoner_services.delete_prisoner(actor=self.request.user, prisoner=instance)

    def csv_rows(self, queryset):
        """The whole list from plain values, a chunk at a time (`prisoners.api.csv_rows`)."""
        releases = without_drafts(self.request.user, timeline_releases())
        return person_csv_rows(self.request, queryset.prefetch_related(None), releases)

    def csv_response(self, queryset):
        """On PostgreSQL, the rows of `csv_rows` written by the database (`prisoners.api.csv_copy`)."""
        if connection.vendor != "postgresql":
            return super().csv_response(queryset)
        releases = without_drafts_beside_people(self.request.user, timeline_releases())  # joined to the people
        filters = set(self.filterset_class.base_filters) - {"ordering"}
        whole_list = not filters.intersection(self.request.query_params)
        sql, params = person_csv_sql(self.request, queryset, releases, self.csv_columns, whole_list=whole_list)
        return streamed_copy_csv(self.csv_columns, sql, params, self.get_csv_filename())

    def csv_row(self, prisoner):
        withheld = is_withheld_for(self.request.user, prisoner)
        detentions = list(prisoner.detentions.all())
        releases = list(prisoner.releases.all())
        detention = detentions[-1] if detentions else None
        release = releases[-1] if releases else None
        row = {
            "id": prisoner.pk,
            "url": self.request.build_absolute_uri(prisoner.get_absolute_url()),
            "full_name": prisoner.full_name,
            "withheld": withheld,
            "native_name": prisoner.native_name,
            "aliases": [variant.name for variant in prisoner.name_variants.all()],
            "status": prisoner.status,
            "country": prisoner.country.code or "",
            "citizenship": [country.code for country in prisoner.citizenship],
            "gender": prisoner.gender,
            "birth_date": format_partial_date(prisoner.birth_date, prisoner.birth_date_precision),
            "sources": [source.link for source in shown_sources(prisoner.sources.all())],
        }
        if detention:
            row.update(
                detained_on=format_partial_date(detention.detained_on, detention.detained_on_precision),
                charges=detention.charge_list,
                sentence=detention.sentence,
                sentence_months=detention.sentence_months,
                place_of_detention=detention.place_of_detention,
            )
        if release:
            row.update(
                released_on=release.effective_date.isoformat() if release.effective_date else "",
                release_event=release.event.slug if release.event_id else "",
                release_event_title=release.event.title if release.event_id else "",
                release_event_date=release.event.date.isoformat() if release.event_id else "",
                destination=release.destination.code if release.destination_id else "",
            )
        return redact("person_row", row, withheld=withheld)


# The people list's page, compiled once per reader class, language and filter combination.
PERSON_PAGE = CompiledList(
    lambda view, filterset: view.page_values(filterset.filter_queryset(view.get_queryset())), reader_class
)
