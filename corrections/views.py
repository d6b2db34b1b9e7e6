"""The public side of corrections: the "Report an inaccuracy" form and the corrections log.

Spam-proof without outside services: a hidden honeypot field, size limits (fields and the whole request)
and a throttle per address kept in the cache. What a reader sends is stored for staff only.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from corrections.forms import ReportForm
from corrections.models import Correction
from corrections.records import readable_record_ids, record_for, record_label
from corrections.services import report_inaccuracy
from prisoners.visibility import mask_texts_naming_withheld
from tracker.client_ip import client_ip

MAX_REQUEST_BYTES = 8 * 1024


def _throttle_key(request):
    return f"corrections:reports:{client_ip(request)}"


def _throttled(request):
    """Count this address's reports in the current window; True once it is over the limit."""
    key = _throttle_key(request)
    window = getattr(settings, "CORRECTIONS_WINDOW_SECONDS", 3600)
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > getattr(settings, "CORRECTIONS_PER_WINDOW", 5)


def report_form(request, kind, key):
    record = record_for(request.user, kind, key)
    context = {"record": record, "label": record_label(request.user, record), "record_url": record.get_absolute_url()}
    if request.method != "POST":
        return render(request, "pages/report_form.html", {**context, "form": ReportForm()})
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        return HttpResponse(_("The report is too long."), status=413, content_type="text/plain; charset=utf-8")
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/report_form.html", {**context, "form": form}, status=400)
    if form.cleaned_data["website"]:
        # A bot filled the hidden field: answer as if stored, store nothing.
        return redirect(f"{reverse('report-thanks')}?back={context['record_url']}")
    if _throttled(request):
        return render(request, "pages/report_form.html", {**context, "form": form, "throttled": True}, status=429)
    try:
        report_inaccuracy(
            record=record,
            what_is_wrong=form.cleaned_data["what_is_wrong"],
            source_link=form.cleaned_data["source_link"],
            contact=form.cleaned_data["contact"],
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return render(request, "pages/report_form.html", {**context, "form": form}, status=400)
    return redirect(f"{reverse('report-thanks')}?back={context['record_url']}")


def report_thanks(request):
    back = request.GET.get("back", "")
    back = back if back.startswith("/") and not back.startswith("//") else ""
    return render(request, "pages/report_thanks.html", {"back": back})


def corrections_log(request):
    """What was changed after readers' reports, newest first; never the reporter, never a withheld record."""
    rows = list(Correction.objects.select_related("content_type")[:200])
    readable = {}
    for content_type_id in {row.content_type_id for row in rows}:
        ids = [row.object_id for row in rows if row.content_type_id == content_type_id]
        readable[content_type_id] = readable_record_ids(request.user, content_type_id, ids)
    shown = [row for row in rows if row.object_id in readable[row.content_type_id]]
    records = {}
    for row in shown:
        model = row.content_type.model_class()
        records.setdefault(model, set()).add(row.object_id)
    found = {(model, obj.pk): obj for model, ids in records.items() for obj in model.objects.filter(pk__in=ids)}
    mask_texts_naming_withheld(request.user, shown)
    entries = []
    for row in shown:
        record = found.get((row.content_type.model_class(), row.object_id))
        if record is not None:
            entries.append({"correction": row, "record": record, "label": record_label(request.user, record)})
    return render(request, "pages/corrections_log.html", {"entries": entries})
