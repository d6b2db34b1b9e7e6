"""API routes for release events, releases, destinations, deals and stats, included under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from releases.api.views import (
    DestinationViewSet,
    PartyViewSet,
    ReleaseEventViewSet,
    ReleaseViewSet,
    ReportedTotalViewSet,
    SanctionsDealViewSet,
    StatsView,
)

router = SimpleRouter()
router.register("release-events", ReleaseEventViewSet, basename="api-release-event")
router.register("releases", ReleaseViewSet, basename="api-release")
router.register("destinations", DestinationViewSet, basename="api-destination")
router.register("deals", SanctionsDealViewSet, basename="api-deal")
router.register("parties", PartyViewSet, basename="api-party")
router.register("reported-totals", ReportedTotalViewSet, basename="api-reported-total")

urlpatterns = [path("stats/", StatsView.as_view(), name="api-stats"), *router.urls]
