"""API routes for people, included under /api/v1/ (sources: prisoners/api/urls.py)."""

from rest_framework.routers import SimpleRouter

from people.api.views import PrisonerViewSet

router = SimpleRouter()
router.register("prisoners", PrisonerViewSet, basename="api-prisoner")

urlpatterns = router.urls
