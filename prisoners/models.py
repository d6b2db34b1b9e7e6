"""People held for political reasons, their detentions, and the sources cited for every fact.

Status is never typed: `prisoners.services.refresh_status` derives it from the timeline.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete, pre_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from tracker.history import creation_history_before_first_change
from tracker.values import DatePrecision


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    ANONYMIZED = "anonymized", _("anonymized (name withheld)")
    PRIVATE = "private", _("private (absent for the public)")


class PrisonerStatus(models.TextChoices):
    DETAINED = "detained", _("detained")
    SENTENCED = "sentenced", _("sentenced")
    RELEASED = "released", _("released")
    RELEASED_CONDITIONALLY = "released_conditionally", _("released conditionally")
    DIED_IN_CUSTODY = "died_in_custody", _("died in custody")
    UNKNOWN = "unknown", _("unknown")
    # Added for trackers beyond the first country (tokens above never change).
    HOUSE_ARREST = "house_arrest", _("under house arrest")
    RESTRICTED_FREEDOM = "restricted_freedom", _("restricted freedom")
    DISAPPEARED = "disappeared", _("disappeared")


class Recognition(models.TextChoices):
    """Whether a rights group recognises the person as a political prisoner (independent of the status)."""

    RECOGNISED = "recognised", _("recognised as a political prisoner")
    NOT_RECOGNISED = "prosecuted_not_recognised", _("prosecuted, not recognised as a political prisoner")
    UNKNOWN = "unknown", _("recognition not recorded")


class DetentionRegime(models.TextChoices):
    CUSTODY = "custody", _("in custody")
    HOUSE_ARREST = "house_arrest", _("house arrest")
    RESTRICTED_FREEDOM = "restricted_freedom", _("restricted freedom")


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


def default_visibility():
    return settings.DEFAULT_VISIBILITY


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BulkImportedModel(models.Model):
    """A record the import's bulk writer may create. Such a record gets no history row of its own (one history
    row per created record was a third of what a large import wrote): it names the import job that created it,
    and that job says who ran it and when (`tracker.history.bulk_creations`; the admin's history page shows it as
    the record's first entry). Later changes, the import's own updates included, write history rows as usual.
    A plain integer, no foreign key: no check per row, and this app does not know the imports app."""

    created_by_import_job = models.BigIntegerField(_("created by import job"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class PublishableModel(models.Model):
    """A record that may be a draft: absent for the public until an editor with `prisoners.publish_record`
    publishes it (`prisoners.visibility` decides who sees drafts; the services set these fields)."""

    is_draft = models.BooleanField(
        _("draft"), default=False, editable=False, help_text=_("Visible to editors only until published.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class Source(TimestampedModel):
    class Kind(models.TextChoices):
        OFFICIAL = "official", _("official")
        RIGHTS_GROUP = "rights_group", _("rights group")
        NEWS = "news", _("news")
        AGGREGATOR = "aggregator", _("aggregator")
        OTHER = "other", _("other")
        # A copy of another outlet's page (mirrors of media blocked at home): read it as a copy, not the outlet.
        MIRROR = "mirror", _("mirror (copy of another outlet)")

    link = models.CharField(
        _("link"),
        max_length=1000,
        # Not unique in the database: the services refuse a link the writer can see stored, and store a
        # second source beside one hidden from them (prisoners.visibility.source_link_taken).
        db_index=True,
        help_text=_("The cited page's address, or a publication's name where there is none."),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    archived_link = models.URLField(_("archived copy"), max_length=1000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["publisher", "link"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return self.title or self.link

    @property
    def is_url(self):
        return self.link.startswith(("http://", "https://"))


class ReportedValue(TimestampedModel):
    """What one source reported for one field of one record, kept where sources disagree."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(
        _("field"), max_length=100, help_text=_("What is reported, e.g. 'date' or 'arrived in Lithuania'.")
    )
    value = models.CharField(_("value"), max_length=500)
    reported_by = models.CharField(_("reported by"), max_length=300, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reported_values")
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["content_type", "object_id", "field", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "value", "source"],
                name="reported_value_once_per_source",
                violation_error_message=_("This source's value for this field is already recorded."),
            )
        ]

    def __str__(self):
        return f"{self.field}: {self.value} ({self.reported_by or self.source})"


class Prisoner(PublishableModel, TimestampedModel, BulkImportedModel):
    full_name = models.CharField(_("display name"), max_length=300, help_text=_("Latin script."))
    native_name = models.CharField(_("native-script name"), max_length=300, blank=True)
    citizenship = CountryField(_("citizenship"), multiple=True, blank=True)
    country = CountryField(_("held in"), blank=True, help_text=_("Where the person is or was held."))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    biography = models.TextField(_("public biography"), blank=True)
    notes = models.TextField(_("staff-only notes"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=default_visibility
    )
    status = models.CharField(
        _("status"),
        max_length=25,
        choices=PrisonerStatus.choices,
        default=PrisonerStatus.UNKNOWN,
        help_text=_("Derived from the timeline; kept as entered only where the timeline cannot tell."),
    )
    recognition = models.CharField(
        _("recognition"),
        max_length=30,
        choices=Recognition.choices,
        default=Recognition.RECOGNISED,
        help_text=_("Whether rights groups recognise the person as a political prisoner."),
    )
    # No database foreign keys on the link table (db_constraint=False): the import writes about 2.3 links per
    # input row and their deferred checks were half of its commit; deleting a record or a source still removes
    # its links (Django's delete collector does it, tested in tests/imports/test_link_constraints.py).
    sources = models.ManyToManyField(Source, blank=True, related_name="prisoners", db_constraint=False)
    reported_values = GenericRelation(ReportedValue)
    name_keys = models.TextField(
        _("name keys"),
        blank=True,
        default="",
        editable=False,
        help_text=_("Folded keys of every name of the person, for search (prisoners.names; derived, not typed)."),
    )

    # name_keys is derived from the names, which have their own history.
    history = HistoricalRecords(excluded_fields=["name_keys", "created_by_import_job"])

    class Meta:
        ordering = ["full_name", "id"]
        permissions = [
            ("view_withheld", "Can see withheld (anonymized and private) records"),
            ("publish_record", "Can publish drafts (people, release events, releases)"),
        ]
        indexes = [
            models.Index(fields=["is_draft"]),
            # `?status=` and the lists' order by status (`?ordering=status`, with its cursor): (status, id).
            models.Index(fields=["status", "id"], name="prisoner_status_id"),
            models.Index(fields=["country"]),
            models.Index(fields=["gender"]),
            models.Index(fields=["visibility"]),
            models.Index(fields=["full_name"]),
            # The people counted apart from the ordinary ones (drafts, withheld: `visibility.people_counted_apart_q`,
            # the same condition), joined to the releases by `releases.counted` without reading everyone.
            models.Index(
                fields=["id", "is_draft", "visibility"],
                condition=models.Q(is_draft=True) | ~models.Q(visibility=Visibility.PUBLIC),
                name="prisoner_counted_apart",
            ),
            # The public list's default order: the name as a public reader sees it (see
            # people.filtersets.with_sort_name; the literal is visibility.WITHHELD_NAME in English).
            models.Index(
                models.Case(
                    models.When(visibility=Visibility.PUBLIC, then=models.F("full_name")),
                    default=models.Value("Name withheld"),
                ),
                models.F("id"),
                name="prisoner_reader_sort",
            ),
            # An event's, destination's or deal's people as the public reads them (prisoners.visibility's
            # name_ordering: named people by name, the withheld last in id order; the same expressions): their
            # first page walks this index instead of sorting every person of a large event.
            models.Index(
                models.Case(
                    models.When(visibility=Visibility.PUBLIC, then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                models.Case(
                    models.When(visibility=Visibility.PUBLIC, then=models.F("full_name")),
                    default=models.Value(""),
                    output_field=models.CharField(),
                ),
                models.F("id"),
                name="prisoner_withheld_last",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("prisoner-detail-page", args=[self.pk])


class NameVariant(BulkImportedModel):
    class Kind(models.TextChoices):
        TRANSLITERATION = "transliteration", _("transliteration")
        NATIVE = "native", _("native script")
        ALIAS = "alias", _("alias")
        MISSPELLING = "misspelling", _("misspelling seen in sources")

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="name_variants")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRANSLITERATION)
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("e.g. be, ru, pl, de, en"))
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_by_import_job"])

    class Meta:
        ordering = ["prisoner", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["prisoner", "name"],
                name="name_variant_unique_per_prisoner",
                violation_error_message=_("This person already has this name variant."),
            )
        ]

    def __str__(self):
        return self.name


class NameKey(models.Model):
    """One folded key of one of a person's names, to tell whether two records are one person.

    Derived by `prisoners.names.keys.refresh_name_keys` from the display name, the native name and the
    name variants; `whole` keys are a whole name's words sorted, the others pairs of its words.
    """

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="name_key_rows")
    key = models.CharField(_("key"), max_length=300)
    whole = models.BooleanField(_("whole name"), default=True)

    class Meta:
        ordering = ["key", "prisoner"]
        indexes = [models.Index(fields=["key", "whole"])]

    def __str__(self):
        return self.key


class NameWord(models.Model):
    """One distinct folded word of anyone's name: the vocabulary search matches misspellings against.

    A million people share some tens of thousands of name words, so PostgreSQL finds the words like
    the query's in this small table (trigram index), then the people holding them (array index on
    Prisoner.name_keys). Derived by `prisoners.names.keys.refresh_name_keys`; a word nobody holds any
    more stays and simply matches nobody.
    """

    word = models.CharField(_("word"), max_length=100, unique=True)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word


class ExternalId(BulkImportedModel):
    """An id the person has on another list, so re-importing that list updates, never duplicates."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="external_ids")
    source_list = models.CharField(_("source list"), max_length=100)
    external_id = models.CharField(_("external id"), max_length=200)

    history = HistoricalRecords(excluded_fields=["created_by_import_job"])

    class Meta:
        ordering = ["source_list", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_list", "external_id"],
                name="external_id_unique_per_list",
                violation_error_message=_("Another person already has this id on this list."),
            )
        ]

    def __str__(self):
        return f"{self.source_list}:{self.external_id}"


class Detention(TimestampedModel, BulkImportedModel):
    """One period of detention of one person; re-arrest is a new Detention."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="detentions")
    detained_on = models.DateField(_("detained on"), null=True, blank=True)
    detained_on_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    charges = models.CharField(
        _("charges"), max_length=1000, blank=True, help_text=_("Criminal-code articles, separated by |.")
    )
    court = models.CharField(_("court"), max_length=300, blank=True)
    sentenced_on = models.DateField(_("sentenced on"), null=True, blank=True)
    sentenced_on_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    sentence = models.CharField(_("sentence"), max_length=500, blank=True)
    sentence_months = models.PositiveIntegerField(_("sentence in months"), null=True, blank=True)
    place_of_detention = models.CharField(_("place of detention"), max_length=300, blank=True)
    regime = models.CharField(
        _("regime"),
        max_length=20,
        choices=DetentionRegime.choices,
        default=DetentionRegime.CUSTODY,
        help_text=_("Held in custody, under house arrest or in restricted freedom."),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_on_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    # No database foreign keys on the link table (db_constraint=False): the import writes about 2.3 links per
    # input row and their deferred checks were half of its commit; deleting a record or a source still removes
    # its links (Django's delete collector does it, tested in tests/imports/test_link_constraints.py).
    sources = models.ManyToManyField(Source, blank=True, related_name="detentions", db_constraint=False)
    # Each source's value of a fact of this detention (arrest date, charges, sentence...), kept side by side.
    reported_values = GenericRelation(ReportedValue)

    history = HistoricalRecords(excluded_fields=["created_by_import_job"])

    class Meta:
        ordering = ["prisoner", "detained_on", "id"]
        indexes = [models.Index(fields=["detained_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(detained_on__isnull=True)
                | Q(ended_on__gte=models.F("detained_on")),
                name="detention_ends_after_it_starts",
                violation_error_message=_("A detention cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(sentence_months__isnull=True) | Q(sentence_months__gte=0),
                name="detention_sentence_not_negative",
                violation_error_message=_("A sentence cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.prisoner} detained {self.detained_on or '?'}"

    @property
    def is_sentenced(self):
        return bool(self.sentenced_on or self.sentence or self.sentence_months is not None)

    @property
    def charge_list(self):
        return [c.strip() for c in self.charges.split("|") if c.strip()]


class IncommunicadoPeriod(TimestampedModel):
    """A dated period of a detention during which the person was held without contact (not a status)."""

    detention = models.ForeignKey(Detention, on_delete=models.CASCADE, related_name="incommunicado_periods")
    started_on = models.DateField(_("from"))
    started_on_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Blank: still incommunicado."))
    ended_on_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    note = models.TextField(_("note"), blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="incommunicado_periods")

    history = HistoricalRecords()

    class Meta:
        ordering = ["detention", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="incommunicado_ends_after_it_starts",
                violation_error_message=_("A period cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.detention.prisoner} incommunicado from {self.started_on}"


def write_creation_history_before_changes(model):
    """A record created in bulk gets its creation history row before its first change or its deletion
    (`tracker.history.write_creation_history`), so its history then reads as an ordinary one."""
    for signal in (pre_save, pre_delete):
        signal.connect(creation_history_before_first_change, sender=model, dispatch_uid=f"creation-history-{model}")


for _model in (Prisoner, NameVariant, ExternalId, Detention):
    write_creation_history_before_changes(_model)
