"""Imports in Django admin: an upload page with the API's options, a live progress bar, the errors.

Only the job's creator and users with the import permission see a job; uploading needs the permission.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from imports.errors import ImportFileError
from imports.jobs import ERRORS_SHOWN, ImportRejected, create_import_job, job_errors, visible_jobs
from imports.mapping import mapping_problems
from imports.models import CANONICAL_COLUMNS, IMPORT_PERMISSION, ImportJob, ImportProfile, ImportRowError
from imports.profile_editor import (
    EMPTY,
    IGNORE,
    TOKEN_CHOICES,
    editor_rows,
    header_of,
    mapping_from_post,
    sample_from_post,
)
from imports.profiles import (
    SAMPLE_MAX_BYTES,
    load_profile_file,
    preview_rows,
    profile_file,
    read_sample,
    save_import_profile,
)
from imports.template_file import DESCRIPTIONS, template_csv, template_xlsx
from prisoners.models import Visibility

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def problem_groups(job):
    """The job's errors (rows not imported) apart from its warnings (imported, please check)."""
    groups = []
    for kind, title in (
        (ImportRowError.Kind.ERROR, _("Errors: rows not imported")),
        (ImportRowError.Kind.WARNING, _("Warnings: imported, please check")),
    ):
        rows = job_errors(job).filter(kind=kind)
        count = rows.count()
        groups.append({"id": f"import-{kind}s", "title": title, "count": count, "rows": list(rows[:ERRORS_SHOWN])})
    return groups


@admin.register(ImportProfile)
class ImportProfileAdmin(SimpleHistoryAdmin):
    list_display = ("name", "source_list", "updated_at", "editor_link")
    search_fields = ("name", "description")
    readonly_fields = ("created_by", "created_at", "updated_at")
    change_list_template = "admin/imports/importprofile/change_list.html"
    actions = ["export_json"]

    def has_module_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION) or super().has_module_permission(request)

    def save_model(self, request, obj, form, change):
        save_import_profile(profile=obj, user=request.user)

    @admin.display(description=_("editor"))
    def editor_link(self, profile):
        url = reverse("admin:imports_importprofile_editor", args=[profile.pk])
        return format_html(
            '<a href="{}">{}</a> &middot; <a href="{}">{}</a>',
            url,
            _("map with a sample"),
            reverse("admin:imports_importprofile_export", args=[profile.pk]),
            _("export JSON"),
        )

    @admin.action(description=_("Export the selected profiles as JSON"))
    def export_json(self, request, queryset):
        return _json_download([profile_file(p) for p in queryset], "import-profiles.json")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("editor/", view(self.editor_view), name="imports_importprofile_editor_new"),
            path("<int:pk>/editor/", view(self.editor_view), name="imports_importprofile_editor"),
            path("editor/preview/", view(self.preview_view), name="imports_importprofile_preview"),
            path("<int:pk>/export/", view(self.export_view), name="imports_importprofile_export"),
            path("load/", view(self.load_view), name="imports_importprofile_load"),
            *super().get_urls(),
        ]

    def _check(self, request):
        """Mapping files is part of importing them: the editor, its files and preview need the import permission."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied

    def export_view(self, request, pk):
        self._check(request)
        profile = get_object_or_404(ImportProfile, pk=pk)
        return _json_download(profile_file(profile), f"import-profile-{slugify(profile.name) or profile.pk}.json")

    def load_view(self, request):
        self._check(request)
        problem = None
        if request.method == "POST" and request.FILES.get("file"):
            try:
                profile = load_profile_file(data=request.FILES["file"].read(SAMPLE_MAX_BYTES), user=request.user)
            except ValidationError as exc:
                problem = "; ".join(exc.messages)
            else:
                messages.success(request, _("The profile '%(name)s' is loaded.") % {"name": profile.name})
                return redirect(reverse("admin:imports_importprofile_editor", args=[profile.pk]))
        elif request.method == "POST":
            problem = _("Choose a profile JSON file.")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Load a profile from JSON"),
            "opts": self.model._meta,
            "problem": problem,
        }
        return TemplateResponse(request, "admin/imports/importprofile/load.html", context)

    def editor_view(self, request, pk=None):
        self._check(request)
        profile = get_object_or_404(ImportProfile, pk=pk) if pk else ImportProfile(name="")
        mapping = profile.as_mapping()
        sample = {"format": "csv", "header": header_of(mapping), "rows": []}
        problems, sample_problem = {}, None
        if request.method == "POST":
            sample = sample_from_post(request.POST)
            if request.FILES.get("sample"):
                try:
                    sample = read_sample(request.FILES["sample"], request.FILES["sample"].name)
                except ImportFileError as exc:
                    sample_problem = str(exc)
                if not sample["header"]:
                    sample["header"] = header_of(mapping)
            else:
                mapping = mapping_from_post(request.POST, sample)
                profile.name = request.POST.get("name", "").strip()
                profile.description = request.POST.get("description", "")
                for name in ImportProfile.MAPPING_FIELDS:
                    setattr(profile, name, mapping[name])
                if "save" in request.POST:
                    try:
                        save_import_profile(profile=profile, user=request.user)
                    except ValidationError as exc:
                        problems = exc.message_dict
                    else:
                        messages.success(request, _("The profile '%(name)s' is saved.") % {"name": profile.name})
                        return redirect(reverse("admin:imports_importprofile_editor", args=[profile.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Map a file: %(name)s") % {"name": profile.name} if profile.name else _("Map a new file"),
            "opts": self.model._meta,
            "profile": profile,
            "mapping": mapping,
            "sample_json": json.dumps(sample, ensure_ascii=False),
            "rows": editor_rows(mapping, sample),
            "columns": CANONICAL_COLUMNS,
            "token_choices": TOKEN_CHOICES,
            "constants": [
                {
                    "column": c,
                    "constant": mapping["constants"].get(c, ""),
                    "regex": mapping["transforms"].get(c, {}).get("regex", ""),
                }
                for c in CANONICAL_COLUMNS
            ],
            "term": "term" in mapping["transforms"].get("sentence_months", {}),
            "problems": problems,
            "sample_problem": sample_problem,
            "preview": preview_rows(sample, mapping) if sample["rows"] and not problems else [],
            "preview_url": reverse("admin:imports_importprofile_preview"),
            "IGNORE": IGNORE,
            "EMPTY": EMPTY,
        }
        return TemplateResponse(request, "admin/imports/importprofile/editor.html", context)

    def preview_view(self, request):
        """The sample's first rows as they would be stored through the mapping the editor shows now."""
        self._check(request)
        if request.method != "POST":
            return JsonResponse({"detail": _("POST the editor's form.")}, status=405)
        sample = sample_from_post(request.POST)
        mapping = mapping_from_post(request.POST, sample)
        problems = mapping_problems(mapping)
        if problems:
            return JsonResponse({"problems": {k: str(v) for k, v in problems.items()}, "rows": []})
        return JsonResponse({"problems": {}, "rows": preview_rows(sample, mapping)})


def _json_download(document, filename):
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
    keep_bad_fields = forms.BooleanField(
        required=False, label=_("Keep a row whose field is bad: store the rest and report the field")
    )


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
            path(
                "template.<str:kind>", self.admin_site.admin_view(self.template_view), name="imports_importjob_template"
            ),
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
                        keep_bad_fields=data["keep_bad_fields"],
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
            "descriptions": [(c, DESCRIPTIONS[c]) for c in CANONICAL_COLUMNS],
        }
        return TemplateResponse(request, "admin/imports/importjob/upload.html", context)

    def template_view(self, request, kind):
        """The template file: every column, a description row and an example row."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        if kind == "csv":
            response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        elif kind == "xlsx":
            response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="import-template.{kind}"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=object_id)
        if not job.visible_to(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "job": job,
            "opts": self.model._meta,
            "problem_groups": problem_groups(job),
            "parts": list(job.parts.order_by("number")) if job.parts_count else [],
            "errors_shown": ERRORS_SHOWN,
            "api_url": reverse("import-job-detail", args=[job.pk]),
            "errors_csv_url": reverse("import-job-errors", args=[job.pk]),
        }
        return TemplateResponse(request, "admin/imports/importjob/job.html", context)
