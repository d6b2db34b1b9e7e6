"""Everything under /api/v1/ (owned by the REST API work, issue 3)."""

from django.urls import include, path

from tracker.api.views import APIRootView

urlpatterns = [
    path("", APIRootView.as_view(), name="api-root"),
    path("", include("people.api.urls")),
    path("", include("prisoners.api.urls")),
    path("", include("releases.api.urls")),
    path("", include("imports.api.urls")),
]
