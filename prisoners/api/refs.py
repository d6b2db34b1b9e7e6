"""Small nested forms of the people and sources other records point to, the write-side fields that name them,
and reported values (one source's value for one field). Events, places and deals have theirs in
`releases/api/refs.py`; the strict base every write serializer uses is `tracker/api/serializers.py`.

Who sees what is decided by `prisoners.visibility`; these only ask it: a person shows as "Name
withheld" when their name is withheld, a source or reported value cited for someone withheld is
absent, and a write may only name records its writer may see (a hidden id answers like a missing one).
"""

from rest_framework import serializers

from prisoners import visibility
from prisoners.models import Prisoner, ReportedValue, Source
from tracker.api.serializers import StrictSerializerMixin


def reader(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def reader_sees_withheld(serializer):
    return visibility.can_view_withheld(reader(serializer))


def visible_to_reader(serializer, prisoner):
    return not visibility.is_absent_for(reader(serializer), prisoner)


def withheld_for_reader(serializer, prisoner):
    return visibility.is_withheld_for(reader(serializer), prisoner)


class VisibleSourceListSerializer(serializers.ListSerializer):
    """A list of sources without any the reader may not see (fail-closed: see prisoners.visibility)."""

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        return super().to_representation(visibility.shown_sources(items))


class SourceRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-source-detail")

    class Meta:
        model = Source
        fields = ["id", "url", "link", "title", "publisher", "published_on", "kind"]
        read_only_fields = fields
        list_serializer_class = VisibleSourceListSerializer


class VisibleSourceField(serializers.PrimaryKeyRelatedField):
    """A source named in a write: only one the writer may see (a hidden id reads as "does not exist")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Source.objects.all())  # its model, for the schema; get_queryset narrows it
        super().__init__(**kwargs)

    def get_queryset(self):
        return visibility.visible_sources(reader(self), Source.objects.all())


class VisiblePrisonerField(serializers.PrimaryKeyRelatedField):
    """A person named in a write: only one the writer may see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Prisoner.objects.all())  # its model, for the schema; get_queryset narrows it
        super().__init__(**kwargs)

    def get_queryset(self):
        return visibility.visible_prisoners(reader(self), Prisoner.objects.all())


def source_ids_field(**kwargs):
    kwargs.setdefault("help_text", "Ids of cited sources.")
    return VisibleSourceField(many=True, required=False, write_only=True, **kwargs)


class VisibleReportedValueListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        return super().to_representation(visibility.shown_reported_values(items))


class ReportedValueSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """One source's value for one field, kept where sources disagree; written as a list on its record."""

    source = SourceRefSerializer(read_only=True)
    source_id = VisibleSourceField(source="source", write_only=True, help_text="The id of the source that says it.")

    class Meta:
        model = ReportedValue
        fields = ["id", "field", "value", "reported_by", "note", "source", "source_id"]
        read_only_fields = ["id"]
        list_serializer_class = VisibleReportedValueListSerializer
        # The service checks the unique constraint (one value per source and field) on the whole list.
        validators = []


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-prisoner-detail")
    full_name = serializers.CharField(read_only=True, help_text="The display name, or 'Name withheld'.")
    withheld = serializers.BooleanField(read_only=True, help_text="True when the name is withheld from you.")

    def to_representation(self, prisoner):
        data = super().to_representation(prisoner)
        withheld = withheld_for_reader(self, prisoner)
        data["withheld"] = withheld
        return visibility.redact("person_ref", data, withheld=withheld)
