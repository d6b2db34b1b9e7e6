"""People in the API, with their timeline of detentions and releases: what a reader sees, and what a writer
may send (through the services).

What of a withheld person a reader sees is `prisoners.visibility.redact`'s allow-list: status, country,
gender, citizenship and timeline dates; everything else (name, native name, variants, birth date,
biography, external ids, sources, free text of their detentions and releases) is blanked. Staff-only
`notes` appear only for readers who may see withheld records.
"""

from rest_framework import serializers

from prisoners import services as prisoner_services
from prisoners.api.refs import (
    ReportedValueSerializer,
    SourceRefSerializer,
    reader,
    source_ids_field,
    withheld_for_reader,
)
from prisoners.api.serializers import (
    DetentionSerializer,
    DetentionWithSourcesSerializer,
    ExternalIdSerializer,
    NameVariantSerializer,
)
from prisoners.models import Prisoner
from prisoners.visibility import redact, staff_only_fields
from releases.api.refs import DestinationRefSerializer, EventRefSerializer
from releases.models import Release
from tracker.api.fields import CountryCodeField, PartialDateField
from tracker.api.serializers import StrictSerializerMixin


class TimelineReleaseSerializer(serializers.ModelSerializer):
    """One release on a person's timeline: when, in which event, where to, with what outcome."""

    url = serializers.HyperlinkedIdentityField(view_name="api-release-detail")
    event = EventRefSerializer(read_only=True, allow_null=True)
    date = PartialDateField("date", read_only=True)
    destination = DestinationRefSerializer(read_only=True, allow_null=True)
    conditions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Release
        fields = ["id", "url", "event", "date", "destination", "outcome", "confidence", "conditions"]
        read_only_fields = fields

    def to_representation(self, release):
        data = super().to_representation(release)
        if data["date"] is None and release.event_id:
            data["date"] = release.event.date.isoformat()
        return data


class TimelineReleaseWithSourcesSerializer(TimelineReleaseSerializer):
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(TimelineReleaseSerializer.Meta):
        fields = TimelineReleaseSerializer.Meta.fields + ["notes", "sources"]
        read_only_fields = fields


class PrisonerSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A person as listed: who, status, where held, and their timeline."""

    url = serializers.HyperlinkedIdentityField(view_name="api-prisoner-detail")
    withheld = serializers.SerializerMethodField(help_text="True when the name is withheld from you.")
    name_variants = NameVariantSerializer(many=True, read_only=True)
    citizenship = serializers.ListField(child=CountryCodeField(), required=False)
    country = CountryCodeField(required=False, allow_null=True)
    birth_date = PartialDateField("birth_date")
    detentions = DetentionSerializer(many=True, read_only=True)
    releases = TimelineReleaseSerializer(many=True, read_only=True)

    class Meta:
        model = Prisoner
        fields = [
            "id",
            "url",
            "full_name",
            "withheld",
            "native_name",
            "name_variants",
            "status",
            "recognition",
            "country",
            "citizenship",
            "gender",
            "birth_date",
            "visibility",
            "detentions",
            "releases",
        ]

    def get_withheld(self, prisoner) -> bool:
        return withheld_for_reader(self, prisoner)

    def to_representation(self, prisoner):
        data = super().to_representation(prisoner)
        data["citizenship"] = [str(country.code) for country in prisoner.citizenship]
        for name in staff_only_fields(reader(self)):
            data.pop(name, None)
        return redact("person", data, withheld=data["withheld"])


class PrisonerDetailSerializer(PrisonerSerializer):
    """A person in full: biography, ids on other lists, sources, disagreeing reports, and writes."""

    detentions = DetentionWithSourcesSerializer(many=True, read_only=True)
    releases = TimelineReleaseWithSourcesSerializer(many=True, read_only=True)
    external_ids = ExternalIdSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)
    reported_values = ReportedValueSerializer(
        many=True, required=False, help_text="Each source's value where sources disagree; a write replaces the list."
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, help_text="Staff-only notes; shown only to readers who see withheld records."
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, write_only=True, help_text="Name variants to add."
    )
    source_ids = source_ids_field()

    class Meta(PrisonerSerializer.Meta):
        fields = PrisonerSerializer.Meta.fields + [
            "biography",
            "notes",
            "external_ids",
            "sources",
            "reported_values",
            "created_at",
            "updated_at",
            "aliases",
            "source_ids",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def _service_fields(self, validated_data):
        fields = dict(validated_data)
        if "country" in fields:
            fields["country"] = fields["country"] or ""
        if "source_ids" in fields:
            fields["sources"] = fields.pop("source_ids")
        return fields

    def create(self, validated_data):
        fields = self._service_fields(validated_data)
        fields["name_variants"] = fields.pop("aliases", ())
        reported_values = fields.pop("reported_values", None)
        prisoner = prisoner_services.create_prisoner(**fields)
        if reported_values is not None:
            prisoner_services.set_reported_values(actor=fields.get("actor"), record=prisoner, values=reported_values)
        return prisoner

    def update(self, instance, validated_data):
        fields = self._service_fields(validated_data)
        aliases = fields.pop("aliases", ())
        reported_values = fields.pop("reported_values", None)
        prisoner = prisoner_services.update_prisoner(prisoner=instance, **fields)
        for name in aliases:
            prisoner_services.add_name_variant(actor=fields.get("actor"), prisoner=prisoner, name=name)
        if reported_values is not None:
            prisoner_services.set_reported_values(actor=fields.get("actor"), record=prisoner, values=reported_values)
        return prisoner
