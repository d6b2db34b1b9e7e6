"""Imports in Django admin: an upload page with the API's options, a live progress bar, the errors.

Only the job's creator and users with the import permission see a job; uploading needs the permission.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from imports.jobs import ERRORS_SHOWN, ImportRejected, create_import_job, job_errors, visible_jobs
from imports.models import CANONICAL_COLUMNS, IMPORT_PERMISSION, ImportJob, ImportProfile
from prisoners.models import Visibility


@admin.register(ImportProfile)
class ImportProfileAdmin(SimpleHistoryAdmin):
    list_display = ("name", "source_list", "updated_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8 or Windows-1251), JSON list of objects, or XLSX."))
    profile = forms.ModelChoiceField(
        ImportProfile.objects.all(), required=False, to_field_name="name", label=_("Profile (saved mapping)")
    )
    dry_run = forms.BooleanField(required=False, label=_("Dry run: check and preview, write nothing"))
    encoding = forms.CharField(required=False, max_length=40, help_text=_("Blank: detected."))
    default_visibility = forms.ChoiceField(
        required=False, choices=[("", _("the site default"))] + list(Visibility.choices), label=_("Default visibility")
    )
    source_list = forms.CharField(required=False, max_length=100, help_text=_("The list the external ids belong to."))


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "file_name",
        "status",
        "progress",
        "created_count",
        "updated_count",
        "failed_count",
        "dry_run",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "dry_run", "file_format")
    search_fields = ("file_name",)
    list_select_related = ("created_by",)
    change_list_template = "admin/imports/importjob/change_list.html"

    def get_queryset(self, request):
        return visible_jobs(request.user).select_related("created_by")

    def has_module_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return obj.visible_to(request.user)
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("progress"))
    def progress(self, job):
        return f"{job.rows_done} / {job.total_rows if job.total_rows is not None else '?'}"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="imports_importjob_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    job = create_import_job(
                        user=request.user,
                        fileobj=data["file"],
                        file_name=data["file"].name,
                        dry_run=data["dry_run"],
                        profile_name=data["profile"].name if data["profile"] else "",
                        encoding=data["encoding"],
                        default_visibility=data["default_visibility"],
                        source_list=data["source_list"],
                    )
            except ImportRejected as exc:
                form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
            else:
                messages.success(request, _("The file is stored; the import runs in the background."))
                return redirect(reverse("admin:imports_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a file"),
            "form": form,
            "opts": self.model._meta,
            "columns": CANONICAL_COLUMNS,
        }
        return TemplateResponse(request, "admin/imports/importjob/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=object_id)
        if not job.visible_to(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "job": job,
            "opts": self.model._meta,
            "errors": job_errors(job, ERRORS_SHOWN),
            "errors_shown": ERRORS_SHOWN,
            "api_url": reverse("import-job-detail", args=[job.pk]),
            "errors_csv_url": reverse("import-job-errors", args=[job.pk]),
        }
        return TemplateResponse(request, "admin/imports/importjob/job.html", context)
