"""Sources, and the parts of a person that need no release (name variants, external ids, detentions), in the
API. A person with their timeline is `people/api/serializers.py`.
"""

from rest_framework import serializers

from prisoners import services as prisoner_services
from prisoners.api.refs import SourceRefSerializer
from prisoners.models import Detention, ExternalId, IncommunicadoPeriod, NameVariant, Source
from tracker.api.fields import AddressOrBlankField, PartialDateField
from tracker.api.serializers import StrictSerializerMixin


class SourceSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-source-detail")
    archived_link = AddressOrBlankField(required=False, help_text="Archived copy.")

    class Meta:
        model = Source
        fields = ["id", "url", "link", "title", "publisher", "published_on", "kind", "archived_link"]

    def create(self, validated_data):
        return prisoner_services.create_source(**validated_data)

    def update(self, instance, validated_data):
        return prisoner_services.update_source(source=instance, **validated_data)


class NameVariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = NameVariant
        fields = ["name", "kind", "language"]
        read_only_fields = fields


class ExternalIdSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalId
        fields = ["source_list", "external_id"]
        read_only_fields = fields


class DetentionSerializer(serializers.ModelSerializer):
    detained_on = PartialDateField("detained_on", read_only=True)
    sentenced_on = PartialDateField("sentenced_on", read_only=True)
    ended_on = PartialDateField("ended_on", read_only=True)
    charges = serializers.ListField(child=serializers.CharField(), source="charge_list", read_only=True)

    class Meta:
        model = Detention
        fields = [
            "id",
            "detained_on",
            "charges",
            "court",
            "sentenced_on",
            "sentence",
            "sentence_months",
            "place_of_detention",
            "regime",
            "ended_on",
        ]
        read_only_fields = fields


class IncommunicadoPeriodSerializer(serializers.ModelSerializer):
    """A dated period of the detention without contact (a condition of the detention, not a status)."""

    started_on = PartialDateField("started_on", read_only=True)
    ended_on = PartialDateField("ended_on", read_only=True, help_text="Null: still incommunicado.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = IncommunicadoPeriod
        fields = ["id", "started_on", "ended_on", "note", "sources"]
        read_only_fields = fields


class DetentionWithSourcesSerializer(DetentionSerializer):
    sources = SourceRefSerializer(many=True, read_only=True)
    incommunicado_periods = IncommunicadoPeriodSerializer(many=True, read_only=True)

    class Meta(DetentionSerializer.Meta):
        fields = DetentionSerializer.Meta.fields + ["incommunicado_periods", "sources"]
        read_only_fields = fields
