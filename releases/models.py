"""Release events, the people freed in them, where they were taken, and the deals behind them.

Named counts and reconciliation are derived (`releases.selectors`), never stored.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from prisoners.models import (
    BulkImportedModel,
    Prisoner,
    PublishableModel,
    ReportedValue,
    Source,
    TimestampedModel,
    write_creation_history_before_changes,
)
from tracker.values import DatePrecision


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", _("exactly")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    UP_TO = "up_to", _("up to")
    AT_MOST = "at_most", _("at most")
    ABOUT = "about", _("about")


class Destination(TimestampedModel):
    """A country people were taken to on release."""

    country = CountryField(_("country"), unique=True)
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="destinations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["country"]

    def __str__(self):
        return str(self.country.name)

    @property
    def code(self):
        return self.country.code

    def get_absolute_url(self):
        return reverse("destination-detail-page", args=[self.country.code])


class Party(TimestampedModel):
    """A state, government, person or organisation that takes part in a release or a deal."""

    class Kind(models.TextChoices):
        STATE = "state", _("state")
        GOVERNMENT = "government", _("government")
        BLOC = "bloc", _("bloc of states (EU)")
        PERSON = "person", _("person (envoy, official)")
        RELIGIOUS_BODY = "religious_body", _("church or religious body")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("international organisation")
        ORGANISATION = "organisation", _("organisation")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.STATE)
    country = CountryField(_("country"), blank=True, help_text=_("The state the party is or acts for."))
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="parties")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = _("parties")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["country"])]

    def __str__(self):
        return self.name


class SanctionsDeal(TimestampedModel):
    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        ANNOUNCED = "announced", _("announced")
        IMPLEMENTED = "implemented", _("implemented")
        PARTIALLY_IMPLEMENTED = "partially_implemented", _("partially implemented")
        REVERSED = "reversed", _("reversed")
        DISPUTED = "disputed", _("disputed")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    sanctioning_party = models.CharField(
        _("sanctioning party"),
        max_length=20,
        blank=True,
        help_text=_("Who grants the relief: a country code (US, GB) or a bloc (EU)."),
    )
    target_country = CountryField(_("target country"), blank=True)
    envoy = models.CharField(_("envoy or broker"), max_length=500, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.REPORTED)
    terms = models.TextField(_("terms"), blank=True)
    description = models.TextField(_("description"), blank=True)
    uncertain = models.BooleanField(_("uncertain"), default=False)
    sources = models.ManyToManyField(Source, blank=True, related_name="deals")
    reported_values = GenericRelation(ReportedValue)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-announced_on", "title"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["sanctioning_party"]),
            models.Index(fields=["target_country"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deal-detail-page", args=[self.slug])


class ReliefMeasure(TimestampedModel):
    """One consideration of a deal: what was given in return, of any kind (sanctions relief is one kind).

    The model keeps its first name (and the API its `relief_measures`) so existing clients keep working.
    A measure reversed later keeps its row, its history and the date of reversal.
    """

    class Kind(models.TextChoices):
        SANCTIONS_DELISTING = "sanctions_delisting", _("sanctions delisting")
        SANCTIONS_GENERAL_LICENSE = "sanctions_general_license", _("sanctions general licence")
        SANCTIONS_SPECIFIC_LICENSE = "sanctions_specific_license", _("sanctions specific licence")
        SANCTIONS_OTHER = "sanctions_other", _("other sanctions relief")
        STATE_LIST_REMOVAL = "state_list_removal", _("removal from a state list")
        CLEMENCY = "clemency", _("clemency for a person held by the other side")
        PRISONER_RELEASE = "prisoner_release", _("release of a person held by the other side")
        RETURN_OF_NATIONALS = "return_of_nationals", _("return of deported or detained nationals")
        HUMANITARIAN_PAROLE = "humanitarian_parole", _("humanitarian parole")
        VISAS = "visas", _("visas")
        RESETTLEMENT = "resettlement", _("resettlement")
        PAYMENT = "payment", _("payment")
        NONE = "none", _("nothing in return (said by a party)")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        ANNOUNCED = "announced", _("announced")
        EFFECTIVE = "effective", _("in force")
        NOT_IMPLEMENTED = "not_implemented", _("not implemented")
        REVERSED = "reversed", _("reversed")
        DISPUTED = "disputed", _("disputed")

    class Instrument(models.TextChoices):
        DELISTING = "delisting", _("delisting (e.g. OFAC SDN removal)")
        GENERAL_LICENSE = "general_license", _("general licence")
        SPECIFIC_LICENSE = "specific_license", _("specific licence")
        WAIVER = "waiver", _("waiver")
        ANNOUNCEMENT = "announcement", _("announcement only")
        OTHER = "other", _("other")

    # What a sanctions instrument stands for as a kind, when a write gives the instrument only.
    KIND_OF_INSTRUMENT = {
        "delisting": "sanctions_delisting",
        "general_license": "sanctions_general_license",
        "specific_license": "sanctions_specific_license",
    }

    deal = models.ForeignKey(SanctionsDeal, on_delete=models.CASCADE, related_name="relief_measures")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.SANCTIONS_OTHER)
    measure = models.TextField(_("what was given"), blank=True)
    target = models.CharField(_("sector, entity or person"), max_length=300, blank=True)
    given_by = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="considerations_given",
        verbose_name=_("given by"),
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices, default=Instrument.OTHER)
    authority = models.CharField(_("authority or legal act"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("E.g. who reversed it and how."))
    sources = models.ManyToManyField(Source, blank=True, related_name="relief_measures")

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "effective_on", "id"]
        verbose_name = _("consideration (relief measure)")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reversed_on__isnull=True) | Q(status="reversed"),
                name="relief_measure_reversed_on_means_reversed",
                violation_error_message=_("A measure with a date of reversal has the status 'reversed'."),
            ),
            models.CheckConstraint(
                condition=Q(reversed_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(reversed_on__gte=models.F("effective_on")),
                name="relief_measure_reversed_after_effective",
                violation_error_message=_("A measure cannot be reversed before it took effect."),
            ),
        ]

    def __str__(self):
        return self.target or self.measure[:80] or str(self.get_kind_display())

    def clean(self):
        # "Nothing in return" needs no text; anything given is said in words.
        if not self.measure.strip() and self.kind != self.Kind.NONE:
            raise ValidationError({"measure": _("Say what was given (blank only for 'nothing in return').")})


class DealClaim(TimestampedModel):
    """A statement about a deal by someone; claims may contradict each other."""

    class Position(models.TextChoices):
        LINKS_RELEASE_TO_RELIEF = "links", _("links the release to the relief")
        DENIES_LINK = "denies", _("denies an exchange")
        OTHER = "other", _("other")

    deal = models.ForeignKey(SanctionsDeal, on_delete=models.CASCADE, related_name="claims")
    claim = models.TextField(_("claim"))
    claimant = models.CharField(_("said by"), max_length=300)
    position = models.CharField(_("position"), max_length=10, choices=Position.choices, default=Position.OTHER)
    said_on = models.DateField(_("said on"), null=True, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="deal_claims")

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "said_on", "id"]

    def __str__(self):
        return f"{self.claimant}: {self.claim[:80]}"


class ReleaseEvent(PublishableModel, TimestampedModel):
    class Kind(models.TextChoices):
        PARDON = "pardon", _("pardon")
        DEPORTATION = "deportation", _("deportation")
        EXCHANGE = "exchange", _("exchange")
        AMNESTY = "amnesty", _("amnesty")
        END_OF_SENTENCE = "end_of_sentence", _("end of sentence")
        ACQUITTAL = "acquittal", _("acquittal")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    date = models.DateField(_("date"), help_text=_("The day of the release, or the first day of a process."))
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("The last day of releases spread over days or weeks.")
    )
    end_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    ongoing = models.BooleanField(_("still going on"), default=False, help_text=_("Releases continue; no end yet."))
    releasing_countries = CountryField(_("releasing country or countries"), multiple=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARDON)
    reported_count = models.PositiveIntegerField(
        _("reported count"), null=True, blank=True, help_text=_("As announced; blank where none was given.")
    )
    reported_count_qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACTLY
    )
    envoy = models.CharField(_("broker or envoy"), max_length=500, blank=True)
    deal = models.ForeignKey(
        SanctionsDeal, on_delete=models.SET_NULL, null=True, blank=True, related_name="release_events"
    )
    description = models.TextField(_("description"), blank=True)
    uncertain = models.BooleanField(_("uncertain"), default=False, help_text=_("Sources disagree."))
    uncertainty_note = models.TextField(_("what is uncertain"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="release_events")
    reported_values = GenericRelation(ReportedValue)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title"]
        indexes = [
            models.Index(fields=["date"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["is_draft"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_count__isnull=True) | Q(reported_count__gte=0),
                name="release_event_reported_count_not_negative",
                violation_error_message=_("A reported count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="release_event_ends_after_it_starts",
                violation_error_message=_("An event cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(ongoing=False),
                name="release_event_ongoing_has_no_end",
                violation_error_message=_("An event still going on has no end date."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("release-event-detail-page", args=[self.slug])

    @property
    def is_process(self):
        """Releases spread over more than one day (an end date after the start, or still going on)."""
        return self.ongoing or (self.end_date is not None and self.end_date != self.date)


class ReportedCount(TimestampedModel):
    """One dated count of an event, as someone reported it ("266 verified by day 18; the government claims 626")."""

    class Basis(models.TextChoices):
        VERIFIED = "verified", _("verified (name by name, by a rights group or monitor)")
        CLAIMED = "claimed", _("claimed by a government or party")
        REPORTED = "reported", _("reported, not verified")

    event = models.ForeignKey(ReleaseEvent, on_delete=models.CASCADE, related_name="reported_counts")
    reported_on = models.DateField(_("as of"))
    count = models.PositiveIntegerField(_("number"))
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACTLY)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.REPORTED)
    reported_by = models.CharField(_("reported by"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="reported_counts")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=0),
                name="reported_count_not_negative",
                violation_error_message=_("A reported count cannot be negative."),
            )
        ]

    def __str__(self):
        return f"{self.count} ({self.get_basis_display()}, {self.reported_by}, {self.reported_on})"


class PartyRole(TimestampedModel):
    """A party's role in an event or a deal ("mediated by X, hosted by Y"): exactly one of the two is set."""

    class Role(models.TextChoices):
        RELEASING = "releasing", _("released the people")
        RECEIVING = "receiving", _("received the people")
        COUNTERPARTY = "counterparty", _("counterparty")
        MEDIATOR = "mediator", _("mediator")
        HOST = "host", _("host")
        ENVOY = "envoy", _("envoy")
        GUARANTOR = "guarantor", _("guarantor")
        GRANTOR = "grantor", _("gave something in return")
        OTHER = "other", _("other")

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="roles")
    event = models.ForeignKey(ReleaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="party_roles")
    deal = models.ForeignKey(SanctionsDeal, on_delete=models.CASCADE, null=True, blank=True, related_name="party_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="party_roles")

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "party__name", "id"]
        verbose_name = _("party role")
        indexes = [models.Index(fields=["role"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(event__isnull=False) & Q(deal__isnull=True))
                | (Q(event__isnull=True) & Q(deal__isnull=False)),
                name="party_role_of_event_or_deal",
                violation_error_message=_("A party's role belongs to an event or to a deal."),
            ),
            models.UniqueConstraint(
                fields=["party", "event", "role"],
                condition=Q(event__isnull=False),
                name="party_role_once_per_event",
                violation_error_message=_("This party already has this role in this event."),
            ),
            models.UniqueConstraint(
                fields=["party", "deal", "role"],
                condition=Q(deal__isnull=False),
                name="party_role_once_per_deal",
                violation_error_message=_("This party already has this role in this deal."),
            ),
        ]

    def __str__(self):
        return f"{self.party}: {self.get_role_display()}"


class EventDestination(models.Model):
    """The reported number of people an event took to one country (Lithuania 9, Ukraine 114)."""

    event = models.ForeignKey(ReleaseEvent, on_delete=models.CASCADE, related_name="destination_counts")
    destination = models.ForeignKey(Destination, on_delete=models.PROTECT, related_name="event_counts")
    reported_count = models.PositiveIntegerField(_("reported count"))
    sources = models.ManyToManyField(Source, blank=True, related_name="event_destinations")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "-reported_count"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "destination"],
                name="event_destination_once",
                violation_error_message=_("This destination is already in the event's breakdown."),
            ),
            models.CheckConstraint(
                condition=Q(reported_count__gte=0),
                name="event_destination_count_not_negative",
                violation_error_message=_("A reported count cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.destination}: {self.reported_count}"


# A release's effective date: its own, or its event's. Stored in `Release.effective_date` (kept by the
# services and the import's writer through `effective_date_of`, indexed for the readers' sort orders);
# `EFFECTIVE_DATE` is the expression queries read.
EFFECTIVE_DATE = F("effective_date")
# The same rule computed from the source columns (to check the stored value, and to fill it once).
EFFECTIVE_DATE_FROM_SOURCES = Coalesce("date", "event__date")


def effective_date_of(date, event_date):
    """The one rule: a release's own date, else its event's."""
    return date or event_date


class ReleaseQuerySet(models.QuerySet):
    def with_effective_date(self):
        """Kept for callers written before the date was stored: the column is there already."""
        return self


class Release(PublishableModel, TimestampedModel, BulkImportedModel):
    """One person freed, usually within an event."""

    class Outcome(models.TextChoices):
        FREED = "freed", _("freed")
        FREED_CONDITIONALLY = "freed_conditionally", _("freed conditionally")
        RETURNED_TO_CUSTODY = "returned_to_custody", _("refused to leave, returned to custody")

    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        REPORTED = "reported", _("reported")
        SINGLE_SOURCE = "single_source", _("single source")

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="releases")
    event = models.ForeignKey(ReleaseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="releases")
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Blank: the event's date."))
    effective_date = models.DateField(
        _("effective date"),
        null=True,
        editable=False,
        help_text=_("The release's own date, else its event's (kept by the services)."),
    )
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, null=True, blank=True, related_name="releases"
    )
    freed_at_home = models.BooleanField(
        _("freed at home, no transfer"), default=False, help_text=_("Freed in the country, not taken anywhere.")
    )
    forced_exile = models.BooleanField(_("forced exile"), default=False)
    without_documents = models.BooleanField(_("no documents"), default=False)
    travel_ban = models.BooleanField(_("travel ban"), default=False)
    speaking_ban = models.BooleanField(_("speaking ban"), default=False)
    reporting_duty = models.BooleanField(_("reporting duty"), default=False)
    stripped_of_citizenship = models.BooleanField(_("stripped of citizenship"), default=False)
    outcome = models.CharField(_("outcome"), max_length=25, choices=Outcome.choices, default=Outcome.FREED)
    confidence = models.CharField(
        _("confidence"), max_length=15, choices=Confidence.choices, default=Confidence.REPORTED
    )
    notes = models.TextField(_("notes"), blank=True)
    # No database foreign keys on the link table (db_constraint=False): the import writes about 2.3 links per
    # input row and their deferred checks were half of its commit; deleting a record or a source still removes
    # its links (Django's delete collector does it, tested in tests/imports/test_link_constraints.py).
    sources = models.ManyToManyField(Source, blank=True, related_name="releases", db_constraint=False)
    reported_values = GenericRelation(ReportedValue)

    history = HistoricalRecords(excluded_fields=["created_by_import_job"])

    class Meta:
        ordering = ["-date", "id"]
        indexes = [
            models.Index(fields=["date"]),
            models.Index(fields=["outcome"]),
            models.Index(fields=["is_draft"]),
            # The releases list's order (newest first, then id) and its date filters.
            models.Index(F("effective_date").desc(), "id", name="release_effective_date_id"),
            # The same order within one event or one destination (`?release_event=`, `?destination=`).
            models.Index("event", F("effective_date").desc(), "id", name="release_event_date_id"),
            models.Index("destination", F("effective_date").desc(), "id", name="release_destination_date_id"),
            # An event's or a destination's people, and their named counts.
            models.Index(fields=["event", "outcome"], name="release_event_outcome"),
            models.Index(fields=["destination", "outcome"], name="release_destination_outcome"),
            # The releases outside any event (`releases.counted`: counted by the country their person was held in).
            models.Index(fields=["prisoner"], condition=Q(event__isnull=True), name="release_outside_events"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prisoner", "event"],
                condition=Q(event__isnull=False),
                name="one_release_per_prisoner_per_event",
                violation_error_message=_("This person is already recorded as released in this event."),
            ),
            models.CheckConstraint(
                condition=Q(event__isnull=False) | Q(date__isnull=False),
                name="release_has_a_date",
                violation_error_message=_("A release outside an event needs a date."),
            ),
            models.CheckConstraint(
                condition=Q(freed_at_home=False) | Q(destination__isnull=True),
                name="release_at_home_has_no_destination",
                violation_error_message=_("A person freed at home was not taken to a destination."),
            ),
        ]

    objects = ReleaseQuerySet.as_manager()

    def __str__(self):
        return f"{self.prisoner} ({self.event or self.date})"

    def refresh_effective_date(self):
        """Set the stored `effective_date` from the release's date and its event's (the services call this)."""
        self.effective_date = effective_date_of(self.date, self.event.date if self.event_id else None)

    CONDITIONS = (
        "forced_exile",
        "without_documents",
        "travel_ban",
        "speaking_ban",
        "reporting_duty",
        "stripped_of_citizenship",
    )

    @property
    def conditions(self):
        return [name for name in self.CONDITIONS if getattr(self, name)]


class GroupRelease(TimestampedModel):
    """People of an event counted but not named: a described group freed ("13 members of a religious charity"),
    or people who refused release or were kept back."""

    class Outcome(models.TextChoices):
        FREED = "freed", _("freed")
        FREED_CONDITIONALLY = "freed_conditionally", _("freed conditionally")
        REFUSED = "refused", _("refused release")
        KEPT_BACK = "kept_back", _("kept back (announced, not freed)")

    event = models.ForeignKey(ReleaseEvent, on_delete=models.CASCADE, related_name="group_releases")
    description = models.CharField(_("who"), max_length=500)
    count = models.PositiveIntegerField(_("number"))
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACTLY)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.FREED)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Blank: the event's date."))
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, null=True, blank=True, related_name="group_releases"
    )
    freed_at_home = models.BooleanField(_("freed at home, no transfer"), default=False)
    note = models.TextField(_("note"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="group_releases")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=0),
                name="group_release_count_not_negative",
                violation_error_message=_("A count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(freed_at_home=False) | Q(destination__isnull=True),
                name="group_release_at_home_has_no_destination",
                violation_error_message=_("People freed at home were not taken to a destination."),
            ),
        ]

    def __str__(self):
        return f"{self.count} {self.description}"

    @property
    def effective_date(self):
        return self.date or self.event.date


class ReportedTotal(TimestampedModel):
    """A total reported by someone on a date ("more than 1,000 political prisoners", HRW)."""

    reported_on = models.DateField(_("reported on"))
    count = models.PositiveIntegerField(_("number"))
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACTLY)
    counts_what = models.CharField(_("what it counts"), max_length=300)
    reported_by = models.CharField(_("reported by"), max_length=300)
    country = CountryField(_("country"), blank=True, help_text=_("Where the people counted are held."))
    still_held = models.BooleanField(
        _("counts people still held"), default=True, help_text=_("Feeds the dashboard's 'still held'.")
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="reported_totals")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=0),
                name="reported_total_not_negative",
                violation_error_message=_("A reported total cannot be negative."),
            )
        ]

    def __str__(self):
        return f"{self.get_qualifier_display()} {self.count} {self.counts_what} ({self.reported_by})"


write_creation_history_before_changes(Release)
