"""Filter building blocks shared by every FilterSet (API lists and list pages alike).

Each one rejects a bad value with a message; django-filter reports it under the parameter's
name, which the API answers as a 400 and a list page shows next to the field.
"""

import copy
import re

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.utils import ErrorDict, ErrorList, pretty_name
from django.http import QueryDict
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from tracker.values import parse_country

ISO_DATE_FORMATS = ["%Y-%m-%d"]
# Query parameters of a list that are no filter: pages and formats (tracker.api.pagination, DRF's `format`).
NOT_FILTERS = frozenset({"page", "page_size", "cursor", "format"})


class _EmptyForm:
    """What a FilterSet reads of its form when it was not built: the cleaned values, and the errors (none when no
    filter was given)."""

    def __init__(self, cleaned_data, errors=None):
        self.cleaned_data = cleaned_data
        self.errors = errors if errors is not None else ErrorDict()

    def is_valid(self):
        return not self.errors


def _own_copy(filter_):
    """A copy of a class's filter for one FilterSet: its own `extra`, no field yet, a FilterMethod finding it."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    copied.__dict__.pop("_field", None)
    if isinstance(copied.__dict__.get("filter"), FilterMethod):
        copied.filter = FilterMethod(copied)
    return copied


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with less work per request (a list's every request builds one).

    django-filter builds a new form class, with a new field per filter, for every FilterSet; here it is made once per
    FilterSet class and language (forms copy their fields, so what a page changes on its form stays on that form).
    And a list asked for without any filter (`unfiltered`, only pages and format) can skip the form altogether
    (`skip_empty_form`, the API's filter backend does): its cleaned values are those of an empty form, the same
    for every such request (None, '' or [] each), validated once per class."""

    _form_classes = {}
    _empty_cleaned = {}
    # For a list whose page query is compiled once per filter combination (`tracker.api.compiled_list`): the filters
    # whose value goes into the SQL as a parameter, and those whose value changes the SQL (part of the combination).
    # A request giving any other filter a value runs through the ORM.
    parameter_filters = frozenset()
    structural_filters = frozenset()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # As django-filter's, but each filter copied shallowly, not deep-copied with its querysets (~690 deepcopy
        # calls a request for the people's FilterSet): a filter's own state is its `extra` (the field's arguments,
        # where a choice filter puts its queryset), its field, and the FilterMethod that finds its parent.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        key = (type(self), translation.get_language())
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = self._form_classes.setdefault(key, super().get_form_class())
        return form_class

    def unfiltered(self):
        """Whether the data name no filter at all (only pages and format)."""
        return (
            self.is_bound
            and not self.form_prefix
            and all(key in NOT_FILTERS and key not in self.base_filters for key in self.data)
        )

    def skip_empty_form(self):
        """For an unfiltered request, give the FilterSet an empty form's cleaned values instead of building one."""
        if hasattr(self, "_form") or not self.unfiltered():
            return
        cleaned = self._empty_form_cleaned()
        if cleaned is not None:
            self._form = _EmptyForm(copy.deepcopy(cleaned))

    def clean_given_only(self):
        """Validate only the filters the data gives, with the form class's own fields (for the API's lists).

        A form copies every one of its fields for each request (`copy.deepcopy`, ~0.3 ms for a list's dozen or more
        filters) and cleans each. Every widget of these forms reads its one parameter (`data.get(name)`), so a filter
        absent from the data cleans to an empty form's value, computed once; only the given ones are cleaned here,
        field by field, in the form's order, their errors collected as the form would (same messages and codes,
        `tests/api/test_filters_given_only.py` compares both). A form with a clean() of its own, a required field, a
        widget of several parameters, or a prefix takes the whole form."""
        if hasattr(self, "_form") or not self.is_bound or self.form_prefix:
            return
        form_class = self.get_form_class()
        cleaned = self._empty_form_cleaned()
        if cleaned is None or form_class.clean is not forms.Form.clean:
            return
        fields = form_class.base_fields
        if any(isinstance(field.widget, forms.MultiWidget) for field in fields.values()):
            return
        cleaned, errors = copy.deepcopy(cleaned), ErrorDict()
        for name, field in fields.items():
            if name not in self.data:
                continue
            try:
                cleaned[name] = field.clean(field.widget.value_from_datadict(self.data, {}, name))
            except ValidationError as error:
                errors[name] = ErrorList(error.error_list)
                cleaned.pop(name, None)
        self._form = _EmptyForm(cleaned, errors)

    def _empty_form_cleaned(self):
        """An empty form's cleaned values (None when an empty form is not valid), computed once per class."""
        cls = type(self)
        if cls not in self._empty_cleaned:
            form = self.get_form_class()(data={})
            self._empty_cleaned[cls] = form.cleaned_data if form.is_valid() else None
        return self._empty_cleaned[cls]


class CountryCodeField(forms.CharField):
    """An ISO 3166-1 alpha-2 code in any case, or an English country name -> the upper-case code."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        try:
            return parse_country(value)
        except ValidationError as error:
            # The message quotes the value; passed as a parameter, a '%' in it never meets a format string.
            raise forms.ValidationError(
                [forms.ValidationError("%(message)s", params={"message": message}) for message in error.messages]
            ) from None


class CountryFilter(django_filters.CharFilter):
    field_class = CountryCodeField


class IsoDateFilter(django_filters.DateFilter):
    """A date as YYYY-MM-DD, and nothing else, so scripts get the same answer in every locale."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ISO_DATE_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": _("Enter a date as YYYY-MM-DD.")})
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A record named by its slug; an unknown slug is a 400, not an empty list."""

    # Whole sentences, translated when the error is shown (not at import, in whatever language was active).
    UNKNOWN_SLUG = {
        "deal": _("No deal has this slug."),
        "release event": _("No release event has this slug."),
        "party": _("No party has this slug."),
        "record": _("No record has this slug."),
    }

    def __init__(self, *args, what="record", **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("error_messages", {"invalid_choice": self.UNKNOWN_SLUG[what]})
        super().__init__(*args, **kwargs)


class RecordIdField(forms.IntegerField):
    """A record's id: a whole number the database's bigint can hold (larger ones are a 400, not a 500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class RecordIdFilter(django_filters.NumberFilter):
    field_class = RecordIdField


_PARTY = re.compile(r"^[A-Za-z]{2,20}$")


class PartyCodeField(forms.CharField):
    """A sanctioning party: a country code (US, GB) or a bloc (EU); compared upper-case."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        if not _PARTY.match(value):
            raise forms.ValidationError(_("Use a country code (US, GB) or a bloc code (EU)."))
        return value.upper()


class PartyCodeFilter(django_filters.CharFilter):
    field_class = PartyCodeField


# What each sort key is called on a page, in the reader's language.
SORT_LABELS = {
    "name": _("Name"),
    "status": _("Status"),
    "country": _("Country"),
    "created_at": _("Date added"),
    "updated_at": _("Date changed"),
    "id": _("Record number"),
    "date": _("Date"),
    "title": _("Title"),
    "reported_count": _("Reported count"),
    "named_count": _("Named count"),
    "announced_on": _("Announced"),
    "published_on": _("Published"),
    "publisher": _("Publisher"),
}


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's sort choices, with both directions' labels translated when shown.

    django-filter formats "%s (descending)" once, at import, so it would stay in English.
    """

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, SORT_LABELS.get(param) or pretty_name(param))
            descending = labels.get(f"-{param}", format_lazy(_("{label} (descending)"), label=label))
            choices += [(param, label), (f"-{param}", descending)]
        return choices


class NullsLastOrderingFilter(OrderingFilter):
    """Ordering where a missing number or date sorts last either way (PostgreSQL puts NULL first descending)."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        if not self._nullable(name):  # a plain name: an index on it serves the order, and pages get a cursor
            return f"-{name}" if descending else name
        field = models.F(name)
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def _nullable(self, name):
        """Whether a sort key may be NULL: a column that may, or an annotation (unknown here, so assumed)."""
        try:
            return self.model._meta.get_field(name).null
        except (AttributeError, FieldDoesNotExist):
            return True


def ordered_by(queryset, *default):
    """The queryset's requested order, or `default`, always ending on `id` so pages never overlap."""
    order = list(queryset.query.order_by) or list(default)
    if "id" not in order and "-id" not in order and "pk" not in order:
        order.append("id")
    return queryset.order_by(*order)
