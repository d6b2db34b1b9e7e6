"""API routes for imports, included under /api/v1/ (owned by the bulk import work)."""

urlpatterns = []
