"""The staff review queue of readers' reports: read-only what the reader sent, decided through the service."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from corrections.models import Correction, InaccuracyReport
from corrections.records import reports_for
from corrections.services import review_report
from prisoners.visibility import mask_texts_naming_withheld


class ReviewForm(forms.ModelForm):
    what_changed = forms.CharField(
        label=_("What was changed (public corrections log)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "With the status 'corrected', this line is published in the corrections log, without the reporter."
        ),
    )

    class Meta:
        model = InaccuracyReport
        fields = ["status", "staff_note"]


@admin.register(InaccuracyReport)
class InaccuracyReportAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = ["received_at", "record_link", "excerpt", "status"]
    list_filter = ["status", "content_type"]
    readonly_fields = [
        "record_link",
        "what_is_wrong",
        "source_link",
        "contact",
        "received_at",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = [*readonly_fields, "status", "staff_note", "what_changed"]
    date_hierarchy = "received_at"

    def get_queryset(self, request):
        return reports_for(request.user, super().get_queryset(request).select_related("content_type"))

    def get_object(self, request, object_id, from_field=None):
        report = super().get_object(request, object_id, from_field)
        if report is not None:
            mask_texts_naming_withheld(request.user, [report])
        return report

    def has_add_permission(self, request):
        return False  # reports come from readers

    def has_delete_permission(self, request, obj=None):
        return False  # a decided report stays, with its history

    @admin.display(description=_("record"))
    def record_link(self, report):
        # The queryset holds only reports about records this staff member may read (`reports_for`).
        record = report.record
        if record is None:
            return "—"
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record)

    @admin.display(description=_("what is wrong"))
    def excerpt(self, report):
        return report.what_is_wrong[:120]

    def save_model(self, request, obj, form, change):
        review_report(
            actor=request.user,
            report=obj,
            status=form.cleaned_data["status"],
            staff_note=form.cleaned_data["staff_note"],
            what_changed=form.cleaned_data.get("what_changed", ""),
        )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["corrected_at", "what_changed", "report"]
    readonly_fields = ["content_type", "object_id", "report", "what_changed", "corrected_at"]

    def get_queryset(self, request):
        return reports_for(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
