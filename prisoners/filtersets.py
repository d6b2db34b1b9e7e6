"""The FilterSet of sources (the API list uses it); people have theirs in `people/filtersets.py`.

It applies who-sees-what itself (prisoners.visibility), so no door can forget it.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prisoners.models import Source
from prisoners.visibility import visible_sources
from tracker.filters import FilterSet, IsoDateFilter, OrderingFilter, ordered_by


def _user(filterset):
    return getattr(filterset.request, "user", None)


class SourceFilterSet(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Search title, link and publisher"))
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, label=_("Kind"))
    publisher = django_filters.CharFilter(lookup_expr="icontains", label=_("Publisher (part of the name)"))
    published_after = IsoDateFilter(
        field_name="published_on", lookup_expr="gte", label=_("Published on or after (YYYY-MM-DD)")
    )
    published_before = IsoDateFilter(
        field_name="published_on", lookup_expr="lte", label=_("Published on or before (YYYY-MM-DD)")
    )
    ordering = OrderingFilter(
        fields=(("published_on", "published_on"), ("publisher", "publisher"), ("title", "title"), ("id", "id"))
    )

    class Meta:
        model = Source
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(link__icontains=value) | Q(publisher__icontains=value))

    def filter_queryset(self, queryset):
        queryset = visible_sources(_user(self), queryset)
        return ordered_by(super().filter_queryset(queryset), "publisher", "link", "id")
