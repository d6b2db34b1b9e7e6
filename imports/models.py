"""Import jobs, saved column/value mappings (profiles), the stored upload and the errors of each row.

The upload lives in the database (`ImportFileChunk`), so any worker on any machine can read it, and a
job killed mid-way can be resumed elsewhere from its committed checkpoint (`rows_done`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from prisoners.models import Visibility

# The canonical import columns (docs/import.md, "Columns"), in their documented order.
CANONICAL_COLUMNS = (
    "external_id",
    "full_name",
    "native_name",
    "aliases",
    "citizenship",
    "country",
    "gender",
    "birth_date",
    "detained_on",
    "sentenced_on",
    "sentence",
    "sentence_months",
    "charges",
    "place_of_detention",
    "status",
    "released_on",
    "release_event",
    "destination",
    "visibility",
    "sources",
    "notes",
)
# Columns holding several values (`|`-separated in CSV and XLSX, arrays in JSON).
LIST_COLUMNS = frozenset({"aliases", "citizenship", "charges", "sources"})
IMPORT_PERMISSION = "imports.import_records"


class ImportProfile(models.Model):
    """A saved mapping from another tracker's file to the canonical columns and tokens."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    source_list = models.CharField(
        _("source list"),
        max_length=100,
        blank=True,
        help_text=_("The list the file's external ids belong to (blank: the job's or the default)."),
    )
    column_map = models.JSONField(
        _("column mapping"),
        default=dict,
        blank=True,
        help_text=_('Their header -> our column, e.g. {"Name": "full_name", "charge_1": "charges"}.'),
    )
    value_map = models.JSONField(
        _("value mapping"),
        default=dict,
        blank=True,
        help_text=_('Our column -> {their value: our value}, e.g. {"status": {"former": "released"}}.'),
    )
    empty_values = models.JSONField(
        _("values meaning empty"),
        default=list,
        blank=True,
        help_text=_('Cell values that mean "nothing said", e.g. ["FALSE", "n/a", "-"].'),
    )
    constants = models.JSONField(
        _("constant values"),
        default=dict,
        blank=True,
        help_text=_('Our column -> the value for every row, e.g. {"country": "BY"}.'),
    )
    ignored_columns = models.JSONField(
        _("ignored columns"),
        default=list,
        blank=True,
        help_text=_('Their headers that are not read and not warned about, e.g. ["Photo"].'),
    )
    transforms = models.JSONField(
        _("transforms"),
        default=dict,
        blank=True,
        help_text=_(
            'Our column -> how to change each value first: {"external_id": {"regex": "/people/(\\d+)"}} takes '
            'the first group of a regular expression; {"sentence_months": {"term": "months"}} reads a term '
            'such as "2 1/2 years" as 30.'
        ),
    )
    separator = models.CharField(
        _("separator"),
        max_length=10,
        default="; ",
        blank=True,
        help_text=_("Joins several columns mapped to one text column (sentence, notes, place of detention)."),
    )
    on_name_match = models.CharField(
        _("a new external id with a known name and birth date"),
        max_length=10,
        choices=[
            ("flag", _("import as a new person and warn")),
            ("attach", _("attach to the stored person and warn")),
        ],
        default="flag",
    )
    keep_bad_fields = models.BooleanField(
        _("keep rows with a bad field"),
        default=False,
        help_text=_("Store the rest of a row whose field is bad (the field is reported) instead of skipping it."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    # The parts of a profile that make its mapping (exported and imported as JSON).
    MAPPING_FIELDS = (
        "source_list",
        "column_map",
        "value_map",
        "empty_values",
        "constants",
        "ignored_columns",
        "transforms",
        "separator",
        "on_name_match",
        "keep_bad_fields",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from imports.mapping import mapping_problems

        if not isinstance(self.value_map, dict) or not all(isinstance(v, dict) for v in self.value_map.values()):
            raise ValidationError({"value_map": _("Give an object of our column -> {their value: our value}.")})
        unknown = sorted(k for k in self.value_map if k.strip().casefold() not in CANONICAL_COLUMNS)
        if unknown:
            raise ValidationError({"value_map": _("Not import columns: %(names)s.") % {"names": ", ".join(unknown)}})
        if not isinstance(self.empty_values, list) or not all(isinstance(v, str) for v in self.empty_values):
            raise ValidationError({"empty_values": _("Give a list of strings.")})
        problems = mapping_problems(self.as_mapping())
        if problems:
            raise ValidationError(problems)

    def as_mapping(self):
        """The frozen copy a job keeps, so editing the profile later does not change a running job."""
        return {"name": self.name, **{name: getattr(self, name) for name in self.MAPPING_FIELDS}}


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        XLSX = "xlsx", "XLSX"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_jobs"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    encoding = models.CharField(_("text encoding"), max_length=40, blank=True)

    dry_run = models.BooleanField(_("dry run"), default=False)
    profile = models.ForeignKey(ImportProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs")
    mapping = models.JSONField(_("mapping used"), default=dict, blank=True)
    source_list = models.CharField(_("source list"), max_length=100)
    default_visibility = models.CharField(_("default visibility"), max_length=10, choices=Visibility.choices)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("why it failed"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(
        _("rows done"), default=0, help_text=_("Committed checkpoint: every row up to this number is written.")
    )
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(_("errors reported"), default=0)
    header_checked = models.BooleanField(default=False)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    timings = models.JSONField(_("seconds per phase"), default=dict, blank=True)

    # Split over several workers (imports.split): how many parts; the parts hold the leases then.
    parts_count = models.PositiveSmallIntegerField(_("parts"), default=0)
    # The lease: the worker named in lease_owner holds the job while heartbeat_at is fresh.
    lease_owner = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # The client's Idempotency-Key: a retried upload returns this job instead of creating another.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("import_records", "Can import records and see every import job")]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="import_idempotency_key_once",
            )
        ]

    def __str__(self):
        return f"Import #{self.pk}: {self.file_name}"

    def get_absolute_url(self):
        return reverse("import-job-detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def outcome(self):
        """The status as an editor should read it: a job with failed rows did not simply succeed."""
        if self.status == self.Status.SUCCEEDED and self.failed_count:
            return ngettext(
                "finished with %(count)s failed row", "finished with %(count)s failed rows", self.failed_count
            ) % {"count": self.failed_count}
        if self.status == self.Status.SUCCEEDED:
            return _("finished: every row went in") if not self.dry_run else _("checked: every row would go in")
        return self.get_status_display()

    @property
    def counts(self):
        return {
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
            "failed": self.failed_count,
        }

    def visible_to(self, user) -> bool:
        if not (user and user.is_authenticated):
            return False
        return user.has_perm(IMPORT_PERMISSION) or self.created_by_id == user.pk


class ImportJobPart(models.Model):
    """One part of a large job split over several workers (`imports.split`): a range of rows, or the linked rows.

    Each part has its own lease (`lease_owner` + `heartbeat_at`) and checkpoint (`rows_done`), as a job does:
    a part whose worker died is re-sent by the watchdog and resumed after its last committed batch. The job
    finishes when every part has; its counts and progress are the sums of its parts'.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    # The range parts leave out the linked rows (people met in more than one range); the linked part runs only
    # those, in file order.
    linked = models.BooleanField(default=False)
    skip_rows = models.JSONField(default=list, blank=True)
    only_rows = models.JSONField(default=list, blank=True)
    # The batches of a run by one worker (rows read // batch_size): a part cuts its batches where that run would,
    # so rows that one worker would match against each other's stored records are matched so here too.
    batch_size = models.PositiveIntegerField(default=2000)
    # Where its reading starts (`imports.split`): the row `start_row` of a CSV begins at the text reader's position
    # `start_position`, after `start_read` rows read (empty lines aside); None: the file is read from its start.
    start_position = models.BigIntegerField(null=True, blank=True)
    start_row = models.PositiveIntegerField(default=1)
    start_read = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(default=0, help_text=_("Committed checkpoint: the last row written."))
    rows_counted = models.PositiveIntegerField(default=0, help_text=_("Rows of this part done."))
    timings = models.JSONField(default=dict, blank=True)
    lease_owner = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="import_part_once")]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"{self.job_id}.{self.number}"

    @property
    def rows(self):
        """How many rows this part runs."""
        if self.linked:
            return len(self.only_rows)
        return self.last_row - self.first_row + 1 - len(self.skip_rows)


class ImportFileChunk(models.Model):
    """One piece of an uploaded file, stored in order."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="import_chunk_once")]

    def __str__(self):
        return f"{self.job_id}:{self.index}"


class ImportRowError(models.Model):
    class Kind(models.TextChoices):
        ERROR = "error", _("error: the row was not imported")
        WARNING = "warning", _("warning: imported, please check")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"), null=True, blank=True, help_text=_("Blank: the file as a whole."))
    field = models.CharField(_("field"), max_length=200, blank=True)
    message = models.TextField(_("message"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ERROR)
    line = models.PositiveIntegerField(
        _("spreadsheet row"), null=True, blank=True, help_text=_("The row as a spreadsheet numbers it (header = 1).")
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    column = models.CharField(_("column in the file"), max_length=300, blank=True)
    value = models.TextField(_("value"), blank=True)

    class Meta:
        ordering = ["job", "row", "id"]
        indexes = [models.Index(fields=["job", "row"])]

    def __str__(self):
        return f"row {self.row}: {self.field}: {self.message}"

    def as_dict(self):
        return {
            "row": self.row,
            "field": self.field or None,
            "message": self.message,
            "kind": self.kind,
            "line": self.line,
            "name": self.name,
            "external_id": self.external_id,
            "column": self.column,
            "value": self.value,
        }
