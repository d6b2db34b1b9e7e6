"""Writes of reports and corrections: the one door (the public form and admin call these)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from corrections.models import CONTACT_MAX, SOURCE_LINK_MAX, WHAT_IS_WRONG_MAX, Correction, InaccuracyReport
from tracker.history import acting_as


def _limit(value, most, field):
    value = (value or "").strip()
    if len(value) > most:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": most}})
    return value


@transaction.atomic
def report_inaccuracy(*, record, what_is_wrong, source_link="", contact="") -> InaccuracyReport:
    """Store a reader's report about `record` for staff review; nothing of it is ever shown publicly."""
    what_is_wrong = _limit(what_is_wrong, WHAT_IS_WRONG_MAX, "what_is_wrong")
    if not what_is_wrong:
        raise ValidationError({"what_is_wrong": _("Say what is wrong.")})
    report = InaccuracyReport(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        what_is_wrong=what_is_wrong,
        source_link=_limit(source_link, SOURCE_LINK_MAX, "source_link"),
        contact=_limit(contact, CONTACT_MAX, "contact"),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def review_report(*, actor, report, status, staff_note=None, what_changed="") -> InaccuracyReport:
    """Staff decide a report; "corrected" with `what_changed` adds a line to the public corrections log."""
    with acting_as(actor):
        report.status = status
        if staff_note is not None:
            report.staff_note = staff_note
        report.reviewed_by = actor
        report.reviewed_at = timezone.now()
        report.full_clean()
        report.save()
        what_changed = (what_changed or "").strip()
        if status == InaccuracyReport.Status.CORRECTED and what_changed:
            log_correction(actor=actor, record=report.record, what_changed=what_changed, report=report)
        return report


@transaction.atomic
def log_correction(*, actor, record, what_changed, report=None) -> Correction:
    with acting_as(actor):
        correction = Correction(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            report=report,
            what_changed=_limit(what_changed, 2000, "what_changed"),
        )
        correction.full_clean()
        correction.save()
        return correction
