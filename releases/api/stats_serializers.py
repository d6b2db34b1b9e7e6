"""The shape of `/api/v1/stats/` for the OpenAPI schema (the numbers come from `releases.stats`)."""

from rest_framework import serializers


class NamedTotalsSerializer(serializers.Serializer):
    named_people = serializers.IntegerField(help_text="People in the tracker, withheld included.")
    named_held = serializers.IntegerField()
    named_released = serializers.IntegerField()


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    named_count = serializers.IntegerField()


class DestinationCountSerializer(serializers.Serializer):
    country = serializers.CharField()
    name = serializers.CharField()
    reported_count = serializers.IntegerField(allow_null=True, help_text="Sum of the reported breakdowns.")
    named_count = serializers.IntegerField(help_text="Named people freed and taken there.")


class EventCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField()
    reported_count = serializers.IntegerField(allow_null=True)
    reported_count_qualifier = serializers.CharField()
    named_count = serializers.IntegerField()


class DealCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    event_count = serializers.IntegerField()
    reported_count = serializers.IntegerField(allow_null=True)
    named_count = serializers.IntegerField()


class StatsReportedTotalSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    count = serializers.IntegerField()
    qualifier = serializers.CharField()
    counts_what = serializers.CharField()
    reported_by = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    still_held = serializers.BooleanField()


class LatestStillHeldSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    qualifier = serializers.CharField()
    reported_by = serializers.CharField()
    reported_on = serializers.DateField()


class StillHeldSerializer(serializers.Serializer):
    reported = LatestStillHeldSerializer(allow_null=True, help_text="The latest reported 'still held' total.")
    named = serializers.IntegerField(help_text="Named people detained or sentenced now.")


class StatsSerializer(serializers.Serializer):
    named_totals = NamedTotalsSerializer()
    by_status = StatusCountSerializer(many=True)
    released_per_month = MonthCountSerializer(many=True)
    per_destination = DestinationCountSerializer(many=True)
    per_event = EventCountSerializer(many=True)
    per_deal = DealCountSerializer(many=True)
    latest_reported_totals = StatsReportedTotalSerializer(many=True)
    still_held = StillHeldSerializer()
