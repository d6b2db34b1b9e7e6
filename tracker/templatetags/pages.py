"""Template filters and tags for the public pages: partial dates, list links, source links, words for tokens."""

from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from tracker import glossary
from tracker.values import format_partial_date

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


@register.simple_tag
def term(group, token, css="badge kind"):
    """A token in the reader's words, linking to its definition, explained on hover (title), on focus (CSS)
    and to screen readers (hidden text)."""
    word = glossary.term(group, token)
    if not word.explanation:
        return format_html('<span class="{}">{}</span>', css, word.label)
    return format_html(
        '<a class="term {}" href="{}#{}" title="{}">{}<span class="visually-hidden"> ({})</span></a>',
        css,
        reverse("methodology"),
        word.anchor,
        word.explanation,
        word.label,
        word.explanation,
    )


@register.filter
def term_label(token, group):
    """Just the reader's word for a token (where a badge would be too much)."""
    return glossary.term(group, token).label


UNCERTAIN_NOTE_LENGTH = 180


@register.simple_tag
def uncertain_badge(obj):
    """The "uncertain" badge, saying what sources disagree on, with the editors' note as its explanation."""
    fields = getattr(obj, "uncertain_fields", None) or []
    label = _("Sources disagree: %(what)s") % {"what": ", ".join(fields)} if fields else _("Uncertain")
    note = Truncator(getattr(obj, "uncertainty_note", "") or "").chars(UNCERTAIN_NOTE_LENGTH)
    if not note:
        note = _("Sources disagree; the page shows each source's value.")
    return format_html(
        '<a class="term badge uncertain" href="{}#uncertain" title="{}">'
        '{}<span class="visually-hidden"> ({})</span></a>',
        obj.get_absolute_url(),
        note,
        label,
        note,
    )


PARTY_NAMES = {"EU": _lazy("European Union"), "UN": _lazy("United Nations")}


@register.filter
def party_name(code):
    """A sanctioning party's name: a country code (US) or a bloc (EU)."""
    if not code:
        return ""
    code = str(code).upper()
    if code in PARTY_NAMES:
        return str(PARTY_NAMES[code])
    return str(countries.name(code)) or code
