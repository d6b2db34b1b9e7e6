"""Filter building blocks shared by every FilterSet (API lists and list pages alike).

Each one rejects a bad value with a message; django-filter reports it under the parameter's
name, which the API answers as a 400 and a list page shows next to the field.
"""

import copy
import re

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models
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
    # `folded_filters` maps a filter to the function that turns its value into the several parameters it reaches the
    # SQL as (a search: its folded words; see `CompiledList`). A request giving any other filter a value runs
    # through the ORM.
    parameter_filters = frozenset()
    structural_filters = frozenset()
    folded_filters = {}

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


_STAND_INS = ("~slug-stand-in-1~", "~slug-stand-in-2~")


class _SlugLookup:
    """A record by its slug, with the field's queryset's SQL compiled once (PostgreSQL; None elsewhere, or when the
    queryset's SQL is not the same for every slug): a filter's `?release_event=<slug>` costs ~0.5 ms through the
    ORM (building and compiling the query, for a wide translated model), the database ~0.05 ms of it."""

    def __init__(self, queryset, key):
        queryset = queryset.order_by()
        compiled = []
        for stand_in in _STAND_INS:
            query = queryset.filter(**{key: stand_in}).query
            compiler = query.get_compiler(queryset.db)
            sql, params = compiler.as_sql()
            compiled.append((sql, list(params), compiler))
        (sql, params, compiler), (other_sql, other_params, _compiler) = compiled
        places = [n for n, param in enumerate(params) if param == _STAND_INS[0]]
        others = [n for n, param in enumerate(other_params) if param == _STAND_INS[1]]
        if sql != other_sql or len(places) != 1 or places != others:
            raise ValueError("the slug is not one parameter of this queryset's SQL")
        del other_params[places[0]], params[places[0]]
        if params != other_params or query.select_related or query.annotation_select or query.extra_select:
            raise ValueError("this queryset's SQL does not depend on the slug alone")
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        fields = [column.target for column in columns]
        if fields != list(queryset.model._meta.concrete_fields):
            raise ValueError("this queryset does not select the model's own fields")
        params.insert(places[0], None)
        self.model, self.db, self.sql, self.params, self.place = queryset.model, queryset.db, sql, params, places[0]
        self.converters = compiler.get_converters(columns)
        self.names = [field.attname for field in fields]

    def get(self, value):
        """The record whose slug is `value`, as `queryset.get()` makes it; None when there is none."""
        params = list(self.params)
        params[self.place] = value
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(f"{self.sql} LIMIT 2", params)
            rows = cursor.fetchall()
        if len(rows) != 1:
            return None
        row = list(rows[0])
        for index, (functions, expression) in self.converters.items():
            for function in functions:
                row[index] = function(row[index], expression, connection)
        return self.model.from_db(self.db, self.names, row)


class SlugChoiceField(forms.ModelChoiceField):
    """The record with this slug, read with its SQL compiled once (`_SlugLookup`); the same record, the same
    errors as Django's field (`tests/api/test_slug_lookup.py`)."""

    def to_python(self, value):
        if value in self.empty_values or self.to_field_name != "slug" or isinstance(value, self.queryset.model):
            return super().to_python(value)
        lookup = self._lookup()
        if lookup is None or not isinstance(value, str):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        record = lookup.get(value)
        if record is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return record

    def _lookup(self):
        lookup = self.__dict__.get("_slug_lookup", False)
        if lookup is False:
            lookup = None
            if self.to_field_name == "slug" and connections[self.queryset.db].vendor == "postgresql":
                try:
                    lookup = _SlugLookup(self.queryset, "slug")
                except ValueError:
                    pass
            self.__dict__["_slug_lookup"] = lookup
        return lookup

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.__dict__.pop("_slug_lookup", None)  # another queryset: its own SQL

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        # A form's copy (a page's form, each request): its queryset is a copy of this one's, the same SQL, so it
        # shares this field's compiled lookup (compiled here once, not once per form).
        lookup = self._lookup() if self.queryset is not None else None
        copied = super().__deepcopy__(memo)
        copied.__dict__["_slug_lookup"] = lookup
        return copied


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

    field_class = SlugChoiceField

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
