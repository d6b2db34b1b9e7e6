"""API views for sources: thin; filters in the FilterSet, writes in the services.

People have theirs in `people/api/views.py` (a person's detail shows their releases).
"""

from django.urls import reverse

from prisoners import services as prisoner_services
from prisoners.api.serializers import SourceSerializer
from prisoners.api.viewsets import RecordViewSet
from prisoners.filtersets import SourceFilterSet
from prisoners.models import Source
from prisoners.visibility import visible_sources


class SourceViewSet(RecordViewSet):
    """Sources cited for facts. Sources cited for a person withheld from the reader are absent for them."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    csv_columns = ["id", "url", "link", "title", "publisher", "published_on", "kind", "archived_link"]
    csv_filename = "sources.csv"

    def get_queryset(self):
        return visible_sources(self.request.user, Source.objects.all())

    def delete_record(self, instance):
        prisoner_services.delete_source(actor=self.request.user, source=instance)

    def csv_row(self, source):
        return {
            "id": source.pk,
            "url": self.request.build_absolute_uri(reverse("api-source-detail", args=[source.pk])),
            "link": source.link,
            "title": source.title,
            "publisher": source.publisher,
            "published_on": source.published_on.isoformat() if source.published_on else "",
            "kind": source.kind,
            "archived_link": source.archived_link,
        }
