"""What readers report as inaccurate, and the public log of what was changed after a report.

A report is never shown to the public: only staff read it (admin), and only for records they may see
(`corrections.selectors.reports_for`). The log (`Correction`) holds what staff wrote, never the reporter.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Size limits of a report (the form and the service refuse more).
WHAT_IS_WRONG_MAX = 2000
SOURCE_LINK_MAX = 1000
CONTACT_MAX = 200


class InaccuracyReport(models.Model):
    """A reader's report that something on a public record is wrong."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CORRECTED = "corrected", _("corrected")
        NOT_CHANGED = "not_changed", _("checked, not changed")
        DUPLICATE = "duplicate", _("duplicate")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    what_is_wrong = models.TextField(_("what is wrong"), max_length=WHAT_IS_WRONG_MAX)
    source_link = models.URLField(_("source link"), max_length=SOURCE_LINK_MAX, blank=True)
    contact = models.CharField(_("contact"), max_length=CONTACT_MAX, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NEW)
    staff_note = models.TextField(_("staff note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("report of an inaccuracy")
        verbose_name_plural = _("reports of inaccuracies (review queue)")
        indexes = [models.Index(fields=["status"]), models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"#{self.pk} ({self.get_status_display()})"


class Correction(models.Model):
    """A public line of the corrections log: what staff changed on a record after a report."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    report = models.ForeignKey(
        InaccuracyReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    what_changed = models.TextField(_("what was changed"), max_length=2000)
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-corrected_at", "-id"]
        verbose_name = _("correction")

    def __str__(self):
        return self.what_changed[:80]
