"""The API's filter backend: django-filter's, skipping the FilterSet's form for a list asked for without filters."""

from django_filters.rest_framework import DjangoFilterBackend


class ReaderFilterBackend(DjangoFilterBackend):
    """A request naming no filter (only pages and format) is filtered with an empty form's cleaned values
    (`tracker.filters.FilterSet.skip_empty_form`): the FilterSet still applies who-sees-what and the default order,
    without building and validating a form. Any filter given takes the full path (validation, 400 on a bad value)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and hasattr(filterset, "skip_empty_form"):
            filterset.skip_empty_form()
        return filterset
