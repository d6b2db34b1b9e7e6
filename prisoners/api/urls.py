"""API routes for sources, included under /api/v1/ (people: people/api/urls.py)."""

from rest_framework.routers import SimpleRouter

from prisoners.api.views import SourceViewSet

router = SimpleRouter()
router.register("sources", SourceViewSet, basename="api-source")

urlpatterns = router.urls
