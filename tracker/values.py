"""Parsing of the values people type and files carry: partial dates, countries, tokens."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import Country


class DatePrecision(models.TextChoices):
    """How much of a partial date is known (stored next to the date by the models that use one)."""

    DAY = "day", gettext_lazy("day")
    MONTH = "month", gettext_lazy("month")
    YEAR = "year", gettext_lazy("year")


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# Names the press uses that are not the ISO short names.
_COUNTRY_ALIASES = {
    "vatican": "VA",
    "holy see": "VA",
    "vatican city": "VA",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "us": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "russia": "RU",
    "czech republic": "CZ",
}


def parse_partial_date(value):
    """'2021', '2021-03' or '2021-03-05' -> (first day of the period, precision)."""
    text = str(value).strip()
    match = _PARTIAL_DATE.match(text)
    if not match:
        raise ValidationError(_("'%(value)s' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD).") % {"value": text})
    year, month, day = match.groups()
    try:
        parsed = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValidationError(_("'%(value)s' is not a valid date.") % {"value": text}) from None
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return parsed, precision


def format_partial_date(value, precision=DatePrecision.DAY):
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def parse_country(value):
    """An ISO 3166-1 alpha-2 code (any case) or an English name -> the upper-case code."""
    text = str(value).strip()
    if not text:
        raise ValidationError(_("A country is required."))
    upper = text.upper()
    if len(upper) == 2 and upper in countries:
        return upper
    alias = _COUNTRY_ALIASES.get(text.casefold())
    if alias:
        return alias
    code = countries.by_name(text, insensitive=True)
    if code:
        return code
    raise ValidationError(_("'%(value)s' is not a country code or English country name.") % {"value": text})


def country_codes(value):
    """The codes of a multi-country value as stored ("BY,RU") or as read (a list of countries)."""
    if not value:
        return []
    if isinstance(value, str):
        return [code for code in value.split(",") if code]
    return [str(getattr(code, "code", code)) for code in value]


_COUNTRY_NAMES = {}  # (language, code) -> name


def country_name(code):
    """The country's name in the active language, as `str(Country(code).name)` gives it, kept per language and code:
    a page of fifty releases names the same few destinations, each name a lookup through the translations."""
    key = (get_language(), code)
    name = _COUNTRY_NAMES.get(key)
    if name is None:
        if len(_COUNTRY_NAMES) > 4096:  # languages x countries: far fewer; a code nobody stores: start over
            _COUNTRY_NAMES.clear()
        name = _COUNTRY_NAMES[key] = str(Country(code).name)
    return name
