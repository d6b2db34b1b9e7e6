"""API routes for people and sources, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from prisoners.api.views import PrisonerViewSet, SourceViewSet

router = SimpleRouter()
router.register("prisoners", PrisonerViewSet, basename="api-prisoner")
router.register("sources", SourceViewSet, basename="api-source")

urlpatterns = router.urls
