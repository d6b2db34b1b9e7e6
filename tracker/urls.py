from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tracker.two_factor import two_factor_setup
from tracker.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("account/two-factor/", two_factor_setup, name="two-factor-setup"),
    path("api/v1/", include("tracker.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Pages in every language: /be/..., /ru/..., /uk/...; English keeps the unprefixed addresses.
    *i18n_patterns(path("", include("tracker.page_urls")), prefix_default_language=False),
]
