"""The base every API resource builds on: pages, filters, streamed CSV, writes through services, and free texts
naming someone withheld masked on every read (prisoners.visibility)."""

from rest_framework import viewsets

from prisoners.visibility import mask_texts_naming_withheld
from tracker.api.csv_export import CHUNK_SIZE, CSVRenderer, dated_csv_filename, streamed_csv
from tracker.api.filtering import ReaderFilterBackend
from tracker.api.pagination import PageSizePagination
from tracker.api.renderers import OrjsonRenderer, ReadOnlyBrowsableAPIRenderer
from tracker.api.views import service_errors_as_responses


class RecordViewSet(viewsets.ModelViewSet):
    """List, detail, create, update, delete; `?format=csv` streams the whole filtered list.

    Subclasses set `queryset`, `serializer_class`, `filterset_class`, `csv_columns`, `csv_row(obj)`
    and the service calls in `perform_create`, `perform_update` and `perform_destroy`.
    """

    pagination_class = PageSizePagination
    renderer_classes = [OrjsonRenderer, ReadOnlyBrowsableAPIRenderer, CSVRenderer]
    filter_backends = [ReaderFilterBackend]
    csv_columns = ()
    csv_filename = "records.csv"  # the stem names the download: records-<filters>-<day>.csv

    def csv_row(self, obj):
        raise NotImplementedError

    def text_records(self, obj):
        """The records whose free texts a response of `obj` shows (checked for names of withheld people)."""
        return [obj]

    def mask_texts(self, instance):
        """Mask, in memory only, the free texts that name someone withheld from the reader."""
        objects = instance if isinstance(instance, list | tuple) else [instance]
        if all(hasattr(obj, "_meta") for obj in objects):
            records = [record for obj in objects for record in self.text_records(obj)]
            mask_texts_naming_withheld(self.request.user, records)

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None and "data" not in kwargs:  # a read: never mask what a write will save
            self.mask_texts(instance)
        return super().get_serializer(*args, **kwargs)

    def get_csv_filename(self, lookup=None):
        what = self.csv_filename.removesuffix(".csv")
        if lookup is not None:
            return dated_csv_filename(what, {"record": str(lookup)}, ["record"])
        filters = list(self.filterset_class.base_filters) if self.filterset_class else []
        return dated_csv_filename(what, self.request.query_params, filters)

    def wants_csv(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format == "csv"

    def csv_rows(self, queryset):
        """The rows of the whole filtered list; large lists override this to build rows from plain values."""
        return (self.csv_row(obj) for obj in queryset.iterator(chunk_size=CHUNK_SIZE))

    def csv_response(self, queryset):
        """The whole filtered list as CSV; a list that PostgreSQL can write itself overrides this (COPY)."""
        return streamed_csv(self.csv_columns, self.csv_rows(queryset), self.get_csv_filename(), complete_marker=True)

    def list(self, request, *args, **kwargs):
        if self.wants_csv():
            return self.csv_response(self.filter_queryset(self.get_queryset()))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if self.wants_csv():
            obj = self.get_object()
            lookup = getattr(obj, self.lookup_field, obj.pk)
            return streamed_csv(self.csv_columns, [self.csv_row(obj)], self.get_csv_filename(lookup))
        return super().retrieve(request, *args, **kwargs)

    def perform_create(self, serializer):
        with service_errors_as_responses():
            serializer.save(actor=self.request.user)
        # Answer with the record as its detail shows it (annotated counts included), if the reader may see it.
        serializer.instance = self.get_queryset().filter(pk=serializer.instance.pk).first() or serializer.instance
        self.mask_texts(serializer.instance)  # the write's own response is a read too

    def perform_update(self, serializer):
        with service_errors_as_responses():
            serializer.save(actor=self.request.user)
        # As for a create: the detail's own queryset (annotated counts, visible prefetches) answers.
        serializer.instance = self.get_queryset().filter(pk=serializer.instance.pk).first() or serializer.instance
        self.mask_texts(serializer.instance)

    def perform_destroy(self, instance):
        with service_errors_as_responses():
            self.delete_record(instance)

    def delete_record(self, instance):
        raise NotImplementedError
