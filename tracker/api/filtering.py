"""The API's filter backend: django-filter's, skipping the FilterSet's form for a list asked for without filters and
cleaning only the filters given otherwise."""

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


class ReaderFilterBackend(DjangoFilterBackend):
    """A request naming no filter (only pages and format) is filtered with an empty form's cleaned values
        (`tracker.filters.FilterSet.skip_empty_form`): the FilterSet still applies who-sees-what and the default order,
        without building and validating a form. A request naming filters has those cleaned (`clean_given_only`: the same
    values and errors as the whole form's, 400 on a bad value);
        the browsable API's filter form (`to_html`) is always the whole form."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if hasattr(filterset, "skip_empty_form"):
            filterset.skip_empty_form()
            filterset.clean_given_only()
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs
