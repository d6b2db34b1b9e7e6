"""The import job as the API, the admin's progress bar and `import_records --json` show it."""

from django.urls import reverse
from rest_framework import serializers

from imports.jobs import ERRORS_SHOWN, job_errors
from imports.models import ImportJob


class ImportUploadSerializer(serializers.Serializer):
    """The multipart form of POST /api/v1/imports/ (documents the request; the service checks it)."""

    file = serializers.FileField(help_text="CSV (UTF-8 or Windows-1251), JSON list of objects, or XLSX.")
    dry_run = serializers.BooleanField(required=False, default=False)
    keep_bad_fields = serializers.BooleanField(
        required=False, default=False, help_text="Store a row without its bad fields (reported as warnings)."
    )
    profile = serializers.CharField(required=False, help_text="A saved mapping's name.")
    encoding = serializers.CharField(required=False, help_text="Blank: detected.")
    default_visibility = serializers.ChoiceField(choices=["public", "anonymized", "private"], required=False)
    source_list = serializers.CharField(required=False, help_text="The list the file's external ids belong to.")


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    errors_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    format = serializers.CharField(source="file_format", read_only=True)
    profile = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    preview = serializers.SerializerMethodField()
    outcome = serializers.CharField(read_only=True, help_text="The status in words: 'finished with 3 failed rows'.")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "status",
            "outcome",
            "message",
            "file_name",
            "file_url",
            "format",
            "file_size",
            "encoding",
            "dry_run",
            "profile",
            "source_list",
            "default_visibility",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "counts",
            "error_count",
            "errors",
            "errors_url",
            "preview",
            "timings",
            "attempts",
        ]
        read_only_fields = fields

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, job) -> str:
        return self._absolute(reverse("import-job-detail", args=[job.pk]))

    def get_errors_url(self, job) -> str:
        return self._absolute(reverse("import-job-errors", args=[job.pk]))

    def get_file_url(self, job) -> str:
        return self._absolute(reverse("import-job-file", args=[job.pk]))

    def get_profile(self, job) -> str | None:
        return job.mapping.get("name") if job.mapping else None

    def get_created_by(self, job) -> str | None:
        return job.created_by.get_username() if job.created_by_id else None

    def get_progress(self, job) -> dict:
        return {"done": job.rows_done, "total": job.total_rows}

    def get_counts(self, job) -> dict:
        return job.counts

    def get_errors(self, job) -> list | None:
        if not self.context.get("with_errors", True):
            return None
        return [error.as_dict() for error in job_errors(job, ERRORS_SHOWN)]

    def get_preview(self, job) -> list | None:
        return job.preview if job.dry_run else None
