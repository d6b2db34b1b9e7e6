"""API routes for imports, included under /api/v1/ (owned by the bulk import work)."""

from django.urls import path

from imports.api.views import ImportJobDetailView, ImportJobErrorsCsvView, ImportJobFileView, ImportJobListCreateView

urlpatterns = [
    path("imports/", ImportJobListCreateView.as_view(), name="import-job-list"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="import-job-detail"),
    path("imports/<int:pk>/errors.csv", ImportJobErrorsCsvView.as_view(), name="import-job-errors"),
    path("imports/<int:pk>/file", ImportJobFileView.as_view(), name="import-job-file"),
]
