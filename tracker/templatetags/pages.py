"""Template filters and tags for the public pages: partial dates, list links, source links."""

from urllib.parse import urlencode, urlsplit

from django import template
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from prisoners.values import format_partial_date

register = template.Library()


@register.filter
def partial_date(value, precision="day"):
    """A date shown only as precisely as it is known: '2021', 'March 2021' or '5 March 2021' (per locale)."""
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


@register.filter
def iso_partial_date(value, precision="day"):
    """The machine-readable form for <time datetime=...>."""
    return format_partial_date(value, precision)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (None removes one)."""
    request = context["request"]
    params = request.GET.copy()
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def qualified_count(count, qualifier="exactly"):
    """'more than 1,000', 'at least 52', '123'; an em dash where no count was given."""
    if count is None:
        return "—"
    number = number_format(count, force_grouping=True)
    words = {
        "exactly": "",
        "at_least": _("at least"),
        "more_than": _("more than"),
        "up_to": _("up to"),
        "at_most": _("at most"),
        "about": _("about"),
    }.get(qualifier, "")
    return f"{words} {number}".strip()


@register.filter
def encode_query(params):
    return urlencode(params, doseq=True)


@register.filter
def source_label(source):
    """A short name for a source next to a fact: its publisher, or the site's domain."""
    if source.publisher:
        return source.publisher
    if source.is_url:
        host = urlsplit(source.link).hostname or source.link
        return host.removeprefix("www.")
    return source.link[:60]


@register.simple_tag(takes_context=True)
def aria_sort(context, key):
    """aria-sort for a column head, so screen readers hear how the table is sorted."""
    current = context["request"].GET.get("ordering", "")
    if current == key:
        return mark_safe(' aria-sort="ascending"')
    if current == f"-{key}":
        return mark_safe(' aria-sort="descending"')
    return ""
