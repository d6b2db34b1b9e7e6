"""The mechanics every list page shares: clean URLs, page size, sorting, pagination, chips, export links.

Filtering itself is not here: each list page runs the same FilterSet as its API endpoint. What is here
only turns the form into something a reader can use on a phone (menus, dates as the site writes them,
removable chips for what is applied) and keeps the URL they share short.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F
from django.forms.utils import pretty_name
from django.shortcuts import redirect
from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tracker.filters import CountryFilter, IsoDateFilter

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


SITE_DATE_FORMAT = "DATE_FORMAT"  # 12 February 2025, 12 лютага 2025: as every page writes dates (tracker/formats)
SHORT_DATE_FORMAT = "SHORT_DATE_FORMAT"
NOT_FILTERS = ("ordering", "page", "page_size", "format")


# Dates and countries as a reader types them ---------------------------------------------------------


def _month_numbers():
    """Month names (alone and in a date: Люты, 12 лютага) and abbreviations in every site language -> number."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for number in range(1, 13):
                names[str(MONTHS[number]).casefold()] = number
                names[str(MONTHS_ALT[number]).casefold()] = number
                names[str(MONTHS_3[number]).casefold()] = number
    return names


_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[\s.]+([^\W\d_]+)\.?,?\s+(\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_site_date(text):
    """'12 February 2025', '12 Feb 2025', '12.02.2025' or '2025-02-12' -> a date; None if it is none of these."""
    text = " ".join(str(text).split())
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        if match := _DAY_MONTH_YEAR.match(text):
            month = _month_numbers().get(match.group(2).casefold())
            return date(int(match.group(3)), month, int(match.group(1))) if month else None
        if match := _DOTTED.match(text):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:  # 31 February
        return None
    return None


def _country_names():
    """Country names in every site language (and English) -> code."""
    names = {}
    for code, _name in [("en", "English"), *settings.LANGUAGES]:
        with translation.override(code):
            names.update({str(name).casefold(): country for country, name in countries})
    return names


def resolve_country(text):
    """A code or a country's name in any site language, a near-miss spelling included -> the code, or None."""
    text = str(text).strip()
    if len(text) == 2 and text.upper() in countries:
        return text.upper()
    names = _country_names()
    folded = text.casefold()
    if folded in names:
        return names[folded]
    close = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.85)
    return names[close[0]] if close else None


# Clean, shareable URLs -------------------------------------------------------------------------------


def clean_query_redirect(request, filterset_class):
    """A redirect to the same list without empty parameters, defaults, and with dates and countries as the
    API writes them (ISO dates, country codes); None when the URL is clean already.

    The form's GET sends every field; a small script drops the empty ones first, this does it for
    everyone else. A value that cannot be read is left alone, for the FilterSet to answer with a 400.
    """
    filters = filterset_class.base_filters
    cleaned, changed = [], False
    for name, values in request.GET.lists():
        for value in values:
            new = value.strip()
            if not new or (name == "page" and new == "1") or (name == "page_size" and new == str(DEFAULT_PAGE_SIZE)):
                changed = True
                continue
            kind = filters.get(name)
            if isinstance(kind, IsoDateFilter):
                parsed = parse_site_date(new)
                new = parsed.isoformat() if parsed else new
            elif isinstance(kind, CountryFilter):
                new = resolve_country(new) or new
            changed |= new != value
            cleaned.append((name, new))
    if not changed:
        return None
    return redirect(f"{request.path}?{urlencode(cleaned)}" if cleaned else request.path)


# The filter form on a page ---------------------------------------------------------------------------


class SiteDateInput(forms.TextInput):
    """A date typed and shown as the site writes it ('12 February 2025'); the URL keeps the ISO date."""

    def format_value(self, value):
        if isinstance(value, str):
            parsed = parse_site_date(value)
            if parsed:
                return date_format(parsed, SITE_DATE_FORMAT)
        if isinstance(value, date):
            return date_format(value, SITE_DATE_FORMAT)
        return super().format_value(value)


def _dated_label(obj):
    when = getattr(obj, "date", None) or getattr(obj, "announced_on", None)
    return f"{date_format(when, SHORT_DATE_FORMAT)} · {obj.title}" if when else obj.title


def prepare_filter_form(form, *, sorts=None, countries_in_use=None):
    """Widgets for a reader: menus with words, dated event choices, countries in use, dates in the site's
    format, and only the sort orders a reader wants (`sorts`: (value, label) pairs; the API's other
    values still work, they are just not offered)."""
    for name, field in form.fields.items():
        # API-minded labels carry their format in brackets; a page shows the name, and the hint only
        # where the reader types free text (menus need none).
        label, _bracket, hint = str(field.label or "").partition(" (")
        # A filter without a label of its own gets the model field's verbose name, lower case, once
        # something (the API schema) has asked for it: capitalise it either way.
        field.label = capfirst(label) if label else pretty_name(name)
        if hint:
            typed = not isinstance(field, forms.DateField | forms.ChoiceField | forms.ModelChoiceField)
            field.help_text = hint.removesuffix(")") if typed else ""
        if isinstance(field, forms.DateField):
            field.widget = SiteDateInput(attrs={"placeholder": _("e.g. 12 February 2025"), "autocomplete": "off"})
            field.error_messages["invalid"] = _("Enter a date such as 12 February 2025.")
            field.help_text = ""
        if isinstance(field, forms.ModelChoiceField) and hasattr(field.queryset.model, "title"):
            model_fields = {f.name for f in field.queryset.model._meta.get_fields()}
            dated = "date" if "date" in model_fields else "announced_on" if "announced_on" in model_fields else None
            if dated:
                field.queryset = field.queryset.order_by(F(dated).desc(nulls_last=True), "title")
                field.label_from_instance = _dated_label
        if countries_in_use is not None and name in countries_in_use:
            choices = sorted(((code, str(countries.name(code))) for code in countries_in_use[name]), key=lambda c: c[1])
            current = form.data.get(name, "")
            if current and current.upper() in countries and current.upper() not in countries_in_use[name]:
                choices.append((current.upper(), str(countries.name(current.upper()))))
            field.widget = forms.Select(choices=[("", _("Any")), *choices])
        if hasattr(field, "empty_label"):
            field.empty_label = _("Any")
            if hasattr(field, "widget") and hasattr(field.widget, "choices"):
                field.widget.choices = field.choices
        if name == "ordering" and sorts is not None:
            offered = list(sorts)
            current = form.data.get("ordering", "")
            if current and current not in dict(offered):
                offered.append((current, current))
            field.widget.choices = offered
        if field.help_text:
            field.widget.attrs["aria-describedby"] = f"id_{name}_help"
    return form


def apply_filterset(request, filterset_class, queryset, *, sorts=None, countries_in_use=None):
    """Run the resource's FilterSet (always bound, so its who-sees-what rules always run).

    Returns (filterset, queryset, ok); an invalid value gives an empty list and ok=False, which the
    page answers with 400 and the message next to the field. `filterset.chips` lists what is applied.
    """
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    prepare_filter_form(filterset.form, sorts=sorts, countries_in_use=countries_in_use)
    ok = filterset.is_valid()
    filterset.chips = active_filter_chips(request, filterset.form)
    filterset.filters_active = sum(1 for chip in filterset.chips if chip.name != "search")
    if not ok:
        return filterset, queryset.none(), False
    return filterset, filterset.qs, True


@dataclass
class Chip:
    name: str
    label: str
    value: str
    remove_url: str


def _chip_value(form, name, raw):
    field = form.fields[name]
    value = form.cleaned_data.get(name) if form.is_bound and not form.errors.get(name) else None
    if value in (None, "", []):
        return raw
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.DateField):
        return date_format(value, SITE_DATE_FORMAT)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(getattr(field.widget, "choices", None), list):
        return str(dict(field.widget.choices).get(value, value))
    return str(value)


def active_filter_chips(request, form):
    """One removable chip per filter in use: its label, its value in words, and the URL without it."""
    chips = []
    for name in form.fields:
        raw = request.GET.get(name, "").strip()
        if name in NOT_FILTERS or not raw:
            continue
        params = request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        query = params.urlencode()
        chips.append(
            Chip(
                name=name,
                label=str(form.fields[name].label or name),
                value=_chip_value(form, name, raw),
                remove_url=f"?{query}" if query else request.path,
            )
        )
    return chips
