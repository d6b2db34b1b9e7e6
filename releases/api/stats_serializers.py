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
    named_count = serializers.IntegerField(help_text="Named people freed, by their own release date where known.")
    grouped_count = serializers.IntegerField(help_text="People freed in described groups (not named).")


class DestinationCountSerializer(serializers.Serializer):
    country = serializers.CharField()
    name = serializers.CharField()
    reported_count = serializers.IntegerField(allow_null=True, help_text="Sum of the reported breakdowns.")
    named_count = serializers.IntegerField(help_text="Named people freed and taken there.")


class EventCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField(help_text="The day of the release, or the first day of a process.")
    end_date = serializers.DateField(allow_null=True)
    ongoing = serializers.BooleanField()
    is_process = serializers.BooleanField(help_text="Releases spread over days or weeks.")
    releasing_countries = serializers.ListField(child=serializers.CharField())
    reported_count = serializers.IntegerField(allow_null=True)
    reported_count_qualifier = serializers.CharField()
    named_count = serializers.IntegerField()


class ProcessSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    ongoing = serializers.BooleanField()
    reported_count = serializers.IntegerField(allow_null=True)


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
    country = serializers.CharField(allow_null=True, help_text="The country the total counts people held in.")


class CountryStillHeldSerializer(serializers.Serializer):
    country = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    qualifier = serializers.CharField()
    counts_what = serializers.CharField()
    reported_by = serializers.CharField()
    reported_on = serializers.DateField()
    named = serializers.IntegerField(allow_null=True, help_text="Named people held in this country now.")


class StillHeldSerializer(serializers.Serializer):
    reported = LatestStillHeldSerializer(
        allow_null=True, help_text="The single latest reported 'still held' total (of its country)."
    )
    named = serializers.IntegerField(help_text="Named people held now (detained, sentenced, house arrest...).")
    by_country = CountryStillHeldSerializer(many=True, help_text="Each country's latest total, labelled.")


class StatsSerializer(serializers.Serializer):
    country = serializers.CharField(allow_null=True, help_text="The releasing country asked for (`?country=`).")
    named_totals = NamedTotalsSerializer()
    by_status = StatusCountSerializer(many=True)
    released_per_month = MonthCountSerializer(many=True)
    per_destination = DestinationCountSerializer(many=True)
    per_event = EventCountSerializer(many=True)
    processes = ProcessSerializer(many=True, help_text="Events spread over days or weeks, counted where they began.")
    per_deal = DealCountSerializer(many=True)
    latest_reported_totals = StatsReportedTotalSerializer(many=True)
    still_held = StillHeldSerializer()
