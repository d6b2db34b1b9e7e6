"""Release events, releases, destinations and deals in the API; writes go through `releases.services`.

Nested lists of people never include a person absent for the reader, and show withheld names as
"Name withheld"; counts (named, reported, reconciliation) include everyone.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prisoners import services as prisoner_services
from prisoners.api.refs import (
    PersonRefSerializer,
    ReportedValueSerializer,
    SourceRefSerializer,
    VisiblePrisonerField,
    reader,
    source_ids_field,
    withheld_for_reader,
)
from prisoners.visibility import redact, without_drafts
from releases import services as release_services
from releases.api.refs import DealRefSerializer, DestinationRefSerializer, EventRefSerializer
from releases.models import (
    DealClaim,
    Destination,
    EventDestination,
    GroupRelease,
    Party,
    PartyRole,
    Release,
    ReleaseEvent,
    ReliefMeasure,
    ReportedCount,
    ReportedTotal,
    SanctionsDeal,
)
from releases.selectors import (
    latest_counts,
    named_by_destination,
    people_first_page,
    people_first_page_by_event,
    reconcile_event,
    release_tallies,
    shared_people_by_event,
)
from tracker.api.fields import CountryCodeField, PartialDateField
from tracker.api.serializers import StrictSerializerMixin
from tracker.values import parse_country

_source_ids_field = source_ids_field


def _service_fields(validated_data):
    fields = dict(validated_data)
    if "source_ids" in fields:
        fields["sources"] = fields.pop("source_ids")
    return fields


def _with_reported_values(service):
    """Run a service, then replace the record's reported values when the write carried them."""

    def write(**fields):
        values = fields.pop("reported_values", None)
        record = service(**fields)
        if values is not None:
            prisoner_services.set_reported_values(actor=fields.get("actor"), record=record, values=values)
        return record

    return write


def _with_nested(service, *, parent, writers):
    """Run a service, then replace each nested list the write carried (`writers`: field -> set_* service)."""

    def write(**fields):
        lists = {name: fields.pop(name) for name in list(fields) if name in writers}
        record = service(**fields)
        for name, items in lists.items():
            writers[name](actor=fields.get("actor"), **{parent: record}, items=items)
        return record

    return write


def people_list_url(serializer, name, value):
    """The API list of people filtered by `name=value` (where a detail's first page of people continues)."""
    path = f"{reverse('api-prisoner-list')}?{name}={value}"
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


def _reported_values_field():
    return ReportedValueSerializer(
        many=True, required=False, help_text="Each source's value where sources disagree; a write replaces the list."
    )


class ReleaseSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """One person freed (or returned to custody): who, in which event, when, where to."""

    url = serializers.HyperlinkedIdentityField(view_name="api-release-detail")
    prisoner = PersonRefSerializer(read_only=True)
    prisoner_id = VisiblePrisonerField(source="prisoner", write_only=True, help_text="The person's id.")
    event = EventRefSerializer(read_only=True, allow_null=True)
    release_event = serializers.SlugRelatedField(
        source="event",
        slug_field="slug",
        queryset=ReleaseEvent.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="The event's slug.",
    )
    date = PartialDateField("date", help_text="The release's date; the event's date where it has none of its own.")
    destination = DestinationRefSerializer(read_only=True, allow_null=True)
    destination_country = CountryCodeField(
        required=False, allow_null=True, write_only=True, help_text="Where the person was taken (code or name)."
    )
    conditions = serializers.ListField(child=serializers.CharField(), read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)
    source_ids = _source_ids_field()
    reported_values = _reported_values_field()

    class Meta:
        model = Release
        fields = [
            "id",
            "url",
            "prisoner",
            "prisoner_id",
            "event",
            "release_event",
            "date",
            "destination",
            "destination_country",
            "outcome",
            "confidence",
            "conditions",
            "freed_at_home",
            "forced_exile",
            "without_documents",
            "travel_ban",
            "speaking_ban",
            "reporting_duty",
            "stripped_of_citizenship",
            "notes",
            "sources",
            "source_ids",
            "reported_values",
        ]
        # The service checks the model's constraints (one release per person per event) with full_clean;
        # DRF's own unique-together check would make `release_event` required.
        validators = []

    def to_representation(self, release):
        data = super().to_representation(release)
        if data["date"] is None and release.event_id:
            data["date"] = release.event.date.isoformat()
        return redact("release", data, withheld=withheld_for_reader(self, release.prisoner))

    def _fields(self, validated_data):
        fields = _service_fields(validated_data)
        if "destination_country" in fields:
            fields["destination"] = fields.pop("destination_country") or None
        return fields

    def create(self, validated_data):
        return _with_reported_values(release_services.record_release)(**self._fields(validated_data))

    def update(self, instance, validated_data):
        write = _with_reported_values(release_services.update_release)
        return write(release=instance, **self._fields(validated_data))


class NamedReleaseSerializer(serializers.ModelSerializer):
    """A person named in an event, with where they were taken."""

    url = serializers.HyperlinkedIdentityField(view_name="api-release-detail")
    prisoner = PersonRefSerializer(read_only=True)
    destination = DestinationRefSerializer(read_only=True, allow_null=True)
    conditions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Release
        fields = ["id", "url", "prisoner", "destination", "freed_at_home", "outcome", "confidence", "conditions"]
        read_only_fields = fields


class EventDestinationSerializer(serializers.ModelSerializer):
    """The reported number taken to one country, next to the number of named people taken there."""

    destination = DestinationRefSerializer(read_only=True)
    named_count = serializers.SerializerMethodField()

    class Meta:
        model = EventDestination
        fields = ["destination", "reported_count", "named_count"]
        read_only_fields = fields

    def get_named_count(self, row) -> int:
        named = self.context.get("named_by_destination", {})
        return named.get(row.destination.code, 0)


class ReconciliationSerializer(serializers.Serializer):
    reported_count = serializers.IntegerField(allow_null=True)
    qualifier = serializers.CharField()
    named_count = serializers.IntegerField()
    returned_count = serializers.IntegerField(help_text="Announced as freed but returned to custody.")
    unnamed_count = serializers.IntegerField(allow_null=True)
    breakdown_total = serializers.IntegerField(allow_null=True)
    breakdown = serializers.DictField(child=serializers.IntegerField(), help_text="Country -> reported count.")
    named_by_destination = serializers.DictField(
        child=serializers.IntegerField(), help_text="Country ('' = unknown) -> named people."
    )
    warnings = serializers.ListField(child=serializers.CharField())
    ok = serializers.BooleanField()
    grouped_count = serializers.IntegerField(help_text="Freed in described groups, not named.")
    refused_count = serializers.IntegerField(help_text="Counted in groups that refused release.")
    kept_back_count = serializers.IntegerField(help_text="Announced but kept back.")
    named_at_home = serializers.IntegerField(help_text="Named people freed at home, no transfer ('home' above).")
    latest_verified_count = serializers.IntegerField(allow_null=True, help_text="The latest verified dated count.")


class PartRowSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """One row of a list written on its parent (a deal or an event): with `id` it changes that row, without it
    adds one; rows left out of the list are deleted."""

    id = serializers.IntegerField(required=False, help_text="Present: change this row. Absent: add a row.")
    sources = SourceRefSerializer(many=True, read_only=True)
    source_ids = _source_ids_field()

    def to_internal_value(self, data):
        fields = super().to_internal_value(data)
        if "source_ids" in fields:
            fields["sources"] = fields.pop("source_ids")
        return fields


class PartyRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-party-detail", lookup_field="slug")
    country = CountryCodeField(read_only=True, allow_null=True)

    class Meta:
        model = Party
        fields = ["id", "url", "slug", "name", "kind", "country"]
        read_only_fields = fields


def _party_slug_field(source, **kwargs):
    return serializers.SlugRelatedField(
        source=source, slug_field="slug", queryset=Party.objects.all(), write_only=True, **kwargs
    )


class PartyRoleSerializer(PartRowSerializer):
    """A party's role in an event or a deal ("mediator", "host", "counterparty"...)."""

    party = PartyRefSerializer(read_only=True)
    party_slug = _party_slug_field("party", help_text="The party's slug (`/api/v1/parties/`).")

    class Meta:
        model = PartyRole
        fields = ["id", "party", "party_slug", "role", "note", "sources", "source_ids"]
        validators = []


class ReportedCountSerializer(PartRowSerializer):
    """One dated count of an event as someone reported it: verified, claimed by a government, or reported."""

    class Meta:
        model = ReportedCount
        fields = ["id", "reported_on", "count", "qualifier", "basis", "reported_by", "note", "sources", "source_ids"]


class GroupReleaseSerializer(PartRowSerializer):
    """People of an event counted but not named: a described group freed, or people who refused or were kept back."""

    date = PartialDateField("date", required=False, allow_null=True, help_text="Blank: the event's date.")
    destination = DestinationRefSerializer(read_only=True, allow_null=True)
    destination_country = CountryCodeField(
        required=False, allow_null=True, write_only=True, help_text="Where the group was taken (code or name)."
    )

    class Meta:
        model = GroupRelease
        fields = [
            "id",
            "description",
            "count",
            "qualifier",
            "outcome",
            "date",
            "destination",
            "destination_country",
            "freed_at_home",
            "note",
            "sources",
            "source_ids",
        ]

    def to_internal_value(self, data):
        fields = super().to_internal_value(data)
        if "destination_country" in fields:
            fields["destination"] = fields.pop("destination_country") or None
        return fields


class LatestCountsSerializer(serializers.Serializer):
    verified = ReportedCountSerializer(allow_null=True, required=False)
    claimed = ReportedCountSerializer(allow_null=True, required=False)
    reported = ReportedCountSerializer(allow_null=True, required=False)


class ReleaseEventSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-release-event-detail", lookup_field="slug")
    slug = serializers.SlugField(required=False, max_length=200)
    releasing_countries = serializers.ListField(child=CountryCodeField(), min_length=1)
    named_count = serializers.IntegerField(read_only=True, help_text="Named people freed in this event (all of them).")
    deal = DealRefSerializer(read_only=True, allow_null=True)
    deal_slug = serializers.SlugRelatedField(
        source="deal",
        slug_field="slug",
        queryset=SanctionsDeal.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
    )
    destination_breakdown = EventDestinationSerializer(source="destination_counts", many=True, read_only=True)
    destination_counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        write_only=True,
        help_text="Reported breakdown: country (code or name) -> number; replaces the breakdown on update.",
    )
    source_ids = _source_ids_field()
    date = serializers.DateField(help_text="The day of the release, or the first day of a process.")
    is_process = serializers.BooleanField(read_only=True, help_text="Releases spread over days or weeks.")

    class Meta:
        model = ReleaseEvent
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "date",
            "date_precision",
            "end_date",
            "end_date_precision",
            "ongoing",
            "is_process",
            "releasing_countries",
            "kind",
            "reported_count",
            "reported_count_qualifier",
            "named_count",
            "envoy",
            "deal",
            "deal_slug",
            "uncertain",
            "destination_breakdown",
            "destination_counts",
            "source_ids",
        ]

    def to_representation(self, event):
        self.context["named_by_destination"] = self._named_by_destination(event)
        data = super().to_representation(event)
        data["releasing_countries"] = [str(country.code) for country in event.releasing_countries]
        if data.get("named_count") is None:
            data["named_count"] = sum(self.context["named_by_destination"].values())
        return data

    def _named_by_destination(self, event):
        # The view counts a page of events in one query (`release_tallies`); a lone event counts its own.
        if getattr(event, "release_tallies", None) is None:
            releases = without_drafts(reader(self), Release.objects.filter(event=event))
            event.release_tallies = release_tallies(releases)
        return named_by_destination(event.release_tallies)

    def validate_destination_counts(self, counts):
        try:
            return {parse_country(country): count for country, count in counts.items()}
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    EVENT_LISTS = {
        "parties": lambda actor, event, items: release_services.set_party_roles(actor=actor, event=event, roles=items),
        "reported_counts": lambda actor, event, items: release_services.set_reported_counts(
            actor=actor, event=event, counts=items
        ),
        "group_releases": lambda actor, event, items: release_services.set_group_releases(
            actor=actor, event=event, groups=items
        ),
    }

    def _writer(self, service):
        return _with_nested(_with_reported_values(service), parent="event", writers=self.EVENT_LISTS)

    def create(self, validated_data):
        return self._writer(release_services.create_release_event)(**_service_fields(validated_data))

    def update(self, instance, validated_data):
        return self._writer(release_services.update_release_event)(event=instance, **_service_fields(validated_data))


class ReleaseEventDetailSerializer(ReleaseEventSerializer):
    """An event in full: the named people with where each went, the deal, and the reconciliation."""

    people = serializers.SerializerMethodField(
        help_text="The first 50 named people the reader may see, by name, with where each went; all at `people_url`."
    )
    people_count = serializers.SerializerMethodField(help_text="How many named people the reader may see here.")
    people_url = serializers.SerializerMethodField(help_text="All of them, as the filtered list of people.")
    reconciliation = serializers.SerializerMethodField()
    sources = SourceRefSerializer(many=True, read_only=True)
    reported_values = _reported_values_field()
    parties = PartyRoleSerializer(
        source="party_roles", many=True, required=False, help_text="Parties and their roles; a write replaces the list."
    )
    reported_counts = ReportedCountSerializer(
        many=True, required=False, help_text="Dated counts, each with who reported it; a write replaces the list."
    )
    latest_counts = serializers.SerializerMethodField(help_text="The latest dated count of each basis.")
    group_releases = GroupReleaseSerializer(
        many=True, required=False, help_text="People counted but not named; a write replaces the list."
    )

    class Meta(ReleaseEventSerializer.Meta):
        fields = ReleaseEventSerializer.Meta.fields + [
            "description",
            "uncertainty_note",
            "parties",
            "reported_counts",
            "latest_counts",
            "group_releases",
            "people",
            "people_count",
            "people_url",
            "reconciliation",
            "sources",
            "reported_values",
        ]

    def to_internal_value(self, data):
        fields = super().to_internal_value(data)
        if "party_roles" in fields:
            fields["parties"] = fields.pop("party_roles")
        return fields

    @extend_schema_field(LatestCountsSerializer)
    def get_latest_counts(self, event):
        latest = latest_counts(event)
        return {
            basis: ReportedCountSerializer(latest[basis], context=self.context).data if basis in latest else None
            for basis in ReportedCount.Basis.values
        }

    def _people_page(self, event):
        if not hasattr(event, "people_page"):
            releases = without_drafts(reader(self), Release.objects.filter(event=event))
            summary = getattr(event, "people_summary", None)
            event.people_page = people_first_page(reader(self), releases, summary=summary)
        return event.people_page

    @extend_schema_field(NamedReleaseSerializer(many=True))
    def get_people(self, event):
        releases, _counts = self._people_page(event)
        return NamedReleaseSerializer(releases, many=True, context=self.context).data

    def get_people_count(self, event) -> int:
        return self._people_page(event)[1]["listed"]

    @extend_schema_field(serializers.URLField())
    def get_people_url(self, event) -> str:
        return people_list_url(self, "release_event", event.slug)

    @extend_schema_field(ReconciliationSerializer)
    def get_reconciliation(self, event):
        result = reconcile_event(event)
        data = ReconciliationSerializer(result).data
        data["unnamed_count"] = result.unnamed_count
        data["ok"] = result.ok
        return data


DealPartSerializer = PartRowSerializer


class ReliefMeasureSerializer(DealPartSerializer):
    """One consideration of the deal, of any kind (sanctions relief, removal from a state list, clemency, return
    of nationals, parole or visas, payment, "nothing in return"), with who gave it and its dates and status."""

    given_by = PartyRefSerializer(read_only=True, allow_null=True)
    given_by_slug = _party_slug_field(
        "given_by", required=False, allow_null=True, help_text="The slug of the party that gave it."
    )

    class Meta:
        model = ReliefMeasure
        fields = [
            "id",
            "kind",
            "measure",
            "target",
            "given_by",
            "given_by_slug",
            "instrument",
            "authority",
            "status",
            "announced_on",
            "effective_on",
            "reversed_on",
            "note",
            "sources",
            "source_ids",
        ]


class DealClaimSerializer(DealPartSerializer):
    class Meta:
        model = DealClaim
        fields = ["id", "claim", "claimant", "position", "said_on", "sources", "source_ids"]


class DealEventSerializer(EventRefSerializer):
    named_count = serializers.IntegerField(read_only=True)

    class Meta(EventRefSerializer.Meta):
        fields = EventRefSerializer.Meta.fields + ["reported_count", "reported_count_qualifier", "named_count"]
        read_only_fields = fields


class SanctionsDealSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-deal-detail", lookup_field="slug")
    slug = serializers.SlugField(required=False, max_length=200)
    target_country = CountryCodeField(required=False, allow_null=True)
    named_count = serializers.IntegerField(read_only=True, help_text="Named people freed under the deal (all).")
    reported_count = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Sum of its events' reported counts."
    )
    source_ids = _source_ids_field()

    class Meta:
        model = SanctionsDeal
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "announced_on",
            "sanctioning_party",
            "target_country",
            "envoy",
            "counterparty",
            "status",
            "uncertain",
            "reported_count",
            "named_count",
            "source_ids",
        ]

    def _fields(self, validated_data):
        fields = _service_fields(validated_data)
        if "target_country" in fields:
            fields["target_country"] = fields["target_country"] or ""
        if fields.get("sanctioning_party"):
            fields["sanctioning_party"] = fields["sanctioning_party"].upper()
        return fields

    def create(self, validated_data):
        fields, parts = self._parts(self._fields(validated_data))
        deal = _with_reported_values(release_services.create_deal)(**fields)
        return self._write_parts(deal, parts, actor=fields.get("actor"))

    def update(self, instance, validated_data):
        fields, parts = self._parts(self._fields(validated_data))
        deal = _with_reported_values(release_services.update_deal)(deal=instance, **fields)
        return self._write_parts(deal, parts, actor=fields.get("actor"))

    @staticmethod
    def _parts(fields):
        parts = {name: fields.pop(name) for name in ("relief_measures", "claims", "party_roles") if name in fields}
        return fields, parts

    @staticmethod
    def _write_parts(deal, parts, *, actor):
        if "party_roles" in parts:
            release_services.set_party_roles(actor=actor, deal=deal, roles=parts["party_roles"])
        if "relief_measures" in parts:
            release_services.set_relief_measures(actor=actor, deal=deal, measures=parts["relief_measures"])
        if "claims" in parts:
            release_services.set_deal_claims(actor=actor, deal=deal, claims=parts["claims"])
        return deal


class SanctionsDealDetailSerializer(SanctionsDealSerializer):
    """A deal in full: what was lifted, who claimed what (with sources), its events and the people freed."""

    relief_measures = ReliefMeasureSerializer(
        many=True, required=False, help_text="What was lifted; a write replaces the list (items with `id` are kept)."
    )
    claims = DealClaimSerializer(
        many=True, required=False, help_text="Who said what; a write replaces the list (items with `id` are kept)."
    )
    events = DealEventSerializer(source="release_events", many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)
    reported_values = _reported_values_field()
    parties = PartyRoleSerializer(
        source="party_roles", many=True, required=False, help_text="Parties and their roles; a write replaces the list."
    )

    class Meta(SanctionsDealSerializer.Meta):
        fields = SanctionsDealSerializer.Meta.fields + [
            "terms",
            "description",
            "parties",
            "relief_measures",
            "claims",
            "events",
            "sources",
            "reported_values",
        ]


class DestinationSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api-destination-detail", lookup_field="code", lookup_url_kwarg="country"
    )
    country = CountryCodeField()
    name = serializers.SerializerMethodField()
    reported_count = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Sum of the events' reported breakdowns for this country."
    )
    named_count = serializers.IntegerField(read_only=True, help_text="Named people freed and taken here (all).")
    source_ids = _source_ids_field()

    class Meta:
        model = Destination
        fields = ["id", "url", "country", "name", "reported_count", "named_count", "source_ids"]

    @extend_schema_field(serializers.CharField())
    def get_name(self, destination) -> str:
        return str(destination.country.name)

    def validate_country(self, code):
        if self.instance is not None and code != self.instance.code:
            raise serializers.ValidationError("A destination's country cannot change.")
        return code

    def create(self, validated_data):
        return release_services.create_destination(**_service_fields(validated_data))

    def update(self, instance, validated_data):
        fields = _service_fields(validated_data)
        fields.pop("country", None)
        return release_services.update_destination(destination=instance, **fields)


class DestinationEventSerializer(serializers.Serializer):
    event = EventRefSerializer(read_only=True)
    reported_count = serializers.IntegerField(allow_null=True, help_text="The event's reported number for here.")
    people = NamedReleaseSerializer(
        many=True, read_only=True, help_text="The first 50 named people the reader may see, by name."
    )
    people_count = serializers.IntegerField(help_text="How many named people taken here the reader may see.")
    people_url = serializers.URLField(help_text="All of them, as the filtered list of people.")


class DestinationDetailSerializer(DestinationSerializer):
    """A destination in full: per event, the reported number and the named people taken there."""

    events = serializers.SerializerMethodField()
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(DestinationSerializer.Meta):
        fields = DestinationSerializer.Meta.fields + ["description", "events", "sources"]

    @extend_schema_field(DestinationEventSerializer(many=True))
    def get_events(self, destination):
        user = reader(self)
        releases = without_drafts(user, Release.objects.filter(destination=destination))
        summary = shared_people_by_event(user, "destination", destination.pk)
        people, counts = people_first_page_by_event(user, releases, summary=summary)
        by_event = {}
        for row in destination.event_counts.all():
            by_event[row.event_id] = {"event": row.event, "reported_count": row.reported_count}
        for event_id, event in counts["events"].items():
            by_event.setdefault(event_id, {"event": event, "reported_count": None})
        for event_id, entry in by_event.items():
            entry["people"] = people.get(event_id, [])
            entry["people_count"] = counts["listed"].get(event_id, 0)
            entry["people_url"] = people_list_url(self, "destination", destination.code) + (
                f"&release_event={entry['event'].slug}"
            )
        entries = sorted(by_event.values(), key=lambda entry: (entry["event"].date, entry["event"].pk), reverse=True)
        return DestinationEventSerializer(entries, many=True, context=self.context).data


class ReportedTotalSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A total someone reported on a date ("more than 1,000 political prisoners"), with its sources."""

    url = serializers.HyperlinkedIdentityField(view_name="api-reported-total-detail")
    country = CountryCodeField(required=False, allow_null=True)
    sources = SourceRefSerializer(many=True, read_only=True)
    source_ids = _source_ids_field()

    class Meta:
        model = ReportedTotal
        fields = [
            "id",
            "url",
            "reported_on",
            "count",
            "qualifier",
            "counts_what",
            "reported_by",
            "country",
            "still_held",
            "sources",
            "source_ids",
        ]

    def _fields(self, validated_data):
        fields = _service_fields(validated_data)
        if "country" in fields:
            fields["country"] = fields["country"] or ""
        return fields

    def create(self, validated_data):
        return release_services.create_reported_total(**self._fields(validated_data))

    def update(self, instance, validated_data):
        return release_services.update_reported_total(reported_total=instance, **self._fields(validated_data))


class PartySerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A state, government, person or organisation taking part in releases and deals."""

    url = serializers.HyperlinkedIdentityField(view_name="api-party-detail", lookup_field="slug")
    slug = serializers.SlugField(required=False, max_length=200)
    country = CountryCodeField(required=False, allow_null=True)
    source_ids = _source_ids_field()

    class Meta:
        model = Party
        fields = ["id", "url", "slug", "name", "kind", "country", "description", "source_ids"]

    def _fields(self, validated_data):
        fields = _service_fields(validated_data)
        if "country" in fields:
            fields["country"] = fields["country"] or ""
        return fields

    def create(self, validated_data):
        return release_services.create_party(**self._fields(validated_data))

    def update(self, instance, validated_data):
        return release_services.update_party(party=instance, **self._fields(validated_data))


class PartyInRoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    note = serializers.CharField()
    event = EventRefSerializer(read_only=True, allow_null=True)
    deal = DealRefSerializer(read_only=True, allow_null=True)


class PartyDetailSerializer(PartySerializer):
    """A party in full: its roles in events and deals, and the considerations it gave."""

    roles = PartyInRoleSerializer(many=True, read_only=True)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(PartySerializer.Meta):
        fields = PartySerializer.Meta.fields + ["roles", "sources"]
