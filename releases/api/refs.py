"""Small nested forms of the events, places and deals other records point to.

People and sources have theirs in `prisoners/api/refs.py`.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from releases.models import Destination, ReleaseEvent, SanctionsDeal
from tracker.api.fields import CountryCodeField


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
