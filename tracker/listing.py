"""The mechanics every list page shares: page size, sorting, pagination and export links.

Filtering itself is not here: each list page runs the same FilterSet as its API endpoint.
"""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
PAGE_SIZE_CHOICES = (25, 50, 100, 250, 500)


def clamp_page_size(raw, default=DEFAULT_PAGE_SIZE) -> int:
    """`page_size` from the query string, clamped to 1..500 like the API; junk gives the default."""
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return default
    return max(1, min(size, MAX_PAGE_SIZE))


@dataclass
class ListContext:
    page: object
    page_size: int
    total: int
    csv_url: str
    json_url: str
    page_range: list
    ellipsis: str = Paginator.ELLIPSIS
    page_sizes: tuple = PAGE_SIZE_CHOICES


def export_urls(request, api_path):
    """The same list as CSV (whole filtered list) and as API JSON (this page), same query."""
    params = request.GET.copy()
    json_url = f"{api_path}?{params.urlencode()}" if params else api_path
    csv_params = params.copy()
    for name in ("page", "page_size", "format"):
        csv_params.pop(name, None)
    csv_params["format"] = "csv"
    return f"{api_path}?{csv_params.urlencode()}", json_url


def paginate(request, queryset, api_path) -> ListContext:
    page_size = clamp_page_size(request.GET.get("page_size"))
    paginator = Paginator(queryset, page_size)
    page = paginator.get_page(request.GET.get("page"))
    csv_url, json_url = export_urls(request, api_path)
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return ListContext(
        page=page,
        page_size=page_size,
        total=paginator.count,
        csv_url=csv_url,
        json_url=json_url,
        page_range=page_range,
    )


def prepare_filter_form(form):
    """Friendlier widgets for a FilterSet's form on a page: date pickers, "Any" instead of dashes."""
    for name, field in form.fields.items():
        # API-minded labels carry their format in brackets; a page shows the name, and the hint only
        # where the reader types free text (date pickers and menus need none).
        label, _bracket, hint = str(field.label or "").partition(" (")
        if hint:
            field.label = label
            typed = not isinstance(field, forms.DateField | forms.ChoiceField | forms.ModelChoiceField)
            field.help_text = hint.removesuffix(")") if typed else ""
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"
        if isinstance(field, forms.DateField):
            field.widget.input_type = "date"
        if hasattr(field, "empty_label"):
            field.empty_label = _("Default order") if name == "ordering" else _("Any")
            if hasattr(field, "widget") and hasattr(field.widget, "choices"):
                field.widget.choices = field.choices
    return form


def apply_filterset(request, filterset_class, queryset):
    """Run the resource's FilterSet (always bound, so its who-sees-what rules always run).

    Returns (filterset, queryset, ok); an invalid value gives an empty list and ok=False, which the
    page answers with 400 and the message next to the field.
    """
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    prepare_filter_form(filterset.form)
    # How many filters (besides search and sorting) are in use: the page opens its filter panel then.
    filterset.filters_active = sum(
        1 for name in filterset.form.fields if name not in ("search", "ordering") and request.GET.get(name)
    )
    if not filterset.is_valid():
        return filterset, queryset.none(), False
    return filterset, filterset.qs, True
