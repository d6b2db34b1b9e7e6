"""The project's URLs plus one view that fails, to see the 500 page a reader would get."""

from django.urls import path

from tracker.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("A bug the reader must not see")


urlpatterns = [path("boom/", failing_view), *project_urlpatterns]
