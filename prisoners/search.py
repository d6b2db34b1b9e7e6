"""Search people by name, for every door (API ?search=, page search box, admin search).

Owned by the names work (issue 6), which replaces the internals with folded keys and ranking.
A withheld name is never matched for a reader who may not see it.
"""

from django.db.models import Q

from prisoners.visibility import can_view_withheld


def search_prisoners(queryset, query, user):
    """Filter `queryset` to people matching `query`, best first where ranking is available."""
    query = (query or "").strip()
    if not query:
        return queryset
    matches = Q(full_name__icontains=query) | Q(native_name__icontains=query) | Q(name_variants__name__icontains=query)
    if not can_view_withheld(user):
        matches &= Q(visibility="public")
    return queryset.filter(matches).distinct()


class PrisonerNameSearchAdminMixin:
    """Admin changelist search through `search_prisoners` (staff in admin see withheld names)."""

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return search_prisoners(queryset, search_term, request.user), False
