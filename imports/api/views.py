"""The import doors of the API: upload (202 + Location), the job, its errors as CSV.

Only the job's creator and users with the import permission see a job; creating one needs the
permission. Anonymous callers get 401 (token auth is named first, so DRF can say how to log in).
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from imports.api.serializers import ImportJobSerializer, ImportUploadSerializer
from imports.jobs import IDEMPOTENCY_KEY, ImportRejected, create_import_job, job_errors, visible_jobs
from imports.models import IMPORT_PERMISSION, ImportFileChunk, ImportJob
from tracker.api.authentication import LockoutTokenAuthentication
from tracker.api.csv_export import csv_lines
from tracker.api.throttling import ImportUploadThrottle, ReaderThrottle

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"", "0", "false", "no", "off"}


class CanImport(BasePermission):
    """Authenticated; the import permission to list or create; the creator or the permission to read one."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return view.requires_import_permission is False or request.user.has_perm(IMPORT_PERMISSION)

    def has_object_permission(self, request, view, obj):
        return obj.visible_to(request.user)


class ImportJobPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ImportJobViewMixin:
    authentication_classes = [LockoutTokenAuthentication, SessionAuthentication]
    permission_classes = [CanImport]
    serializer_class = ImportJobSerializer
    requires_import_permission = True

    def get_queryset(self):
        return visible_jobs(self.request.user).select_related("created_by")


class ImportJobListCreateView(ImportJobViewMixin, GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ReaderThrottle, ImportUploadThrottle]
    pagination_class = ImportJobPagination

    @extend_schema(operation_id="imports_list", responses=ImportJobSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = ImportJobSerializer(page, many=True, context={"request": request, "with_errors": False}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        operation_id="imports_create",
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_KEY,
                str,
                OpenApiParameter.HEADER,
                description="Any unique string (1-200 printable ASCII characters): a retry with the same key "
                "and file returns the first job instead of creating a second one.",
            )
        ],
        responses={
            202: ImportJobSerializer,
            400: OpenApiResponse(description="The file or an option is unusable."),
            409: OpenApiResponse(description="The Idempotency-Key was used for another file."),
        },
    )
    def post(self, request):
        limit = getattr(settings, "IMPORT_MAX_BYTES", 512 * 1024 * 1024)
        declared_length = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared_length > limit + 64 * 1024:  # refuse before reading the body
            return Response(
                {"file": [f"The upload is {declared_length} bytes; the limit is {limit} bytes."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Send the file as multipart form data under 'file'."]}, status=400)
        dry_run = str(request.data.get("dry_run", "")).strip().lower()
        if dry_run not in TRUE_WORDS | FALSE_WORDS:
            return Response({"dry_run": ["Use true or false."]}, status=400)
        keep_bad_fields = str(request.data.get("keep_bad_fields", "")).strip().lower()
        if keep_bad_fields not in TRUE_WORDS | FALSE_WORDS:
            return Response({"keep_bad_fields": ["Use true or false."]}, status=400)
        try:
            job = create_import_job(
                user=request.user,
                fileobj=upload,
                file_name=upload.name or "upload",
                dry_run=dry_run in TRUE_WORDS,
                profile_name=str(request.data.get("profile", "")).strip(),
                encoding=str(request.data.get("encoding", "")).strip(),
                default_visibility=str(request.data.get("default_visibility", "")).strip(),
                source_list=str(request.data.get("source_list", "")).strip(),
                idempotency_key=request.headers.get(IDEMPOTENCY_KEY, "").strip(),
                keep_bad_fields=keep_bad_fields in TRUE_WORDS,
            )
        except ImportRejected as exc:
            return Response({exc.field: [exc.message]}, status=exc.status)
        data = ImportJobSerializer(job, context={"request": request}).data
        headers = {"Location": data["url"]}
        if getattr(job, "replayed", False):
            headers["Idempotent-Replayed"] = "true"
        return Response(data, status=status.HTTP_202_ACCEPTED, headers=headers)


class ImportJobDetailView(ImportJobViewMixin, GenericAPIView):
    requires_import_permission = False

    def get_object(self):
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=self.kwargs["pk"])
        if not job.visible_to(self.request.user):
            raise PermissionDenied("Only the job's creator and users with the import permission see it.")
        return job

    @extend_schema(operation_id="imports_retrieve", responses=ImportJobSerializer)
    def get(self, request, pk):
        return Response(ImportJobSerializer(self.get_object(), context={"request": request}).data)


def errors_csv_rows(job):
    rows = (error.as_dict() | {"field": error.field} for error in job_errors(job).iterator(chunk_size=2000))
    return csv_lines(["row", "field", "message", "kind", "line", "name", "external_id", "column", "value"], rows)


class ImportJobErrorsCsvView(ImportJobDetailView):
    @extend_schema(operation_id="imports_errors_csv", responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk):
        job = self.get_object()
        return StreamingHttpResponse(
            errors_csv_rows(job),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="import-{job.pk}-errors.csv"'},
        )


CONTENT_TYPES = {
    ImportJob.Format.CSV: "text/csv",
    ImportJob.Format.JSON: "application/json",
    ImportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def stored_file_pieces(job):
    chunks = ImportFileChunk.objects.filter(job=job).order_by("index").values_list("data", flat=True)
    for data in chunks.iterator(chunk_size=1):
        yield bytes(data)


class ImportJobFileView(ImportJobDetailView):
    """The uploaded file as it was stored (for the creator and import staff only)."""

    @extend_schema(operation_id="imports_file", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        job = self.get_object()
        response = StreamingHttpResponse(stored_file_pieces(job), content_type=CONTENT_TYPES[job.file_format])
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}.{job.file_format}"'
        response["Content-Length"] = str(job.file_size)
        response["X-Content-Type-Options"] = "nosniff"
        return response
