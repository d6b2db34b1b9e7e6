"""Small nested forms of records that other records point to: a source, a person, an event, a place, a deal.

A person is always shown as the reader may see them: "Name withheld" when their name is withheld.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prisoners.models import ReportedValue, Source, Visibility
from prisoners.visibility import can_view_withheld, display_name, is_withheld_for
from releases.models import Destination, ReleaseEvent, SanctionsDeal
from tracker.api.fields import CountryCodeField


def reader_sees_withheld(serializer):
    """Cached per request: whether the reader may see withheld people."""
    request = serializer.context.get("request")
    if request is None:
        return False
    if not hasattr(request, "_sees_withheld"):
        request._sees_withheld = can_view_withheld(request.user)
    return request._sees_withheld


def visible_to_reader(serializer, prisoner):
    """Private people are absent for readers who may not see withheld records."""
    return reader_sees_withheld(serializer) or prisoner.visibility != Visibility.PRIVATE


def withheld_for_reader(serializer, prisoner):
    return not reader_sees_withheld(serializer) and is_withheld_for(None, prisoner)


class SourceRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-source-detail")

    class Meta:
        model = Source
        fields = ["id", "url", "link", "title", "publisher", "published_on", "kind"]
        read_only_fields = fields


class ReportedValueSerializer(serializers.ModelSerializer):
    """One source's value for one field, kept where sources disagree."""

    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = ReportedValue
        fields = ["field", "value", "reported_by", "note", "source"]
        read_only_fields = fields


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-prisoner-detail")
    full_name = serializers.CharField(read_only=True, help_text="The display name, or 'Name withheld'.")
    withheld = serializers.BooleanField(read_only=True, help_text="True when the name is withheld from you.")

    def to_representation(self, prisoner):
        data = super().to_representation(prisoner)
        withheld = withheld_for_reader(self, prisoner)
        data["full_name"] = display_name(None, prisoner) if withheld else prisoner.full_name
        data["withheld"] = withheld
        return data


class EventRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-release-event-detail", lookup_field="slug")

    class Meta:
        model = ReleaseEvent
        fields = ["id", "url", "slug", "title", "date"]
        read_only_fields = fields


class DestinationRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api-destination-detail", lookup_field="code", lookup_url_kwarg="country"
    )
    country = CountryCodeField(read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = Destination
        fields = ["id", "url", "country", "name"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_name(self, destination):
        return str(destination.country.name)


class DealRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-deal-detail", lookup_field="slug")

    class Meta:
        model = SanctionsDeal
        fields = ["id", "url", "slug", "title", "status"]
        read_only_fields = fields
