"""A list's page query compiled once per reader class, language and filter combination; each request only runs it.

Building a list's queryset through the ORM (the visibility rules, the FilterSet, `values()`, the compiler) costs
more Python than PostgreSQL spends running the query on an index: ~2-3 ms of a list request of 5-8 ms at a million
people. Here the page's SQL is compiled once per *shape*: the reader class (`prisoners.visibility.reader_class`,
so a reader who sees withheld people and one who does not never share SQL), the language, which filters are given,
the value of each filter that changes the query's structure (`ordering`, booleans), and whether a cursor is given.
The value of every other filter (an id, a date, a country code, a status, a record named by its slug) and the
cursor's sort values are parameters, filled in on each request, as are the page's LIMIT and OFFSET.

How a filter value is found in the SQL: the queryset is built twice through the FilterSet's own code, with
stand-in values ("sentinels": values of the same type that no row has) instead of the request's, and compiled. The
two compilations must give the same SQL, and parameters that differ only where a stand-in stands, each stand-in
found whole. Anything else (a stand-in missing, or wrapped in a LIKE pattern, or SQL that changed with the value)
and this shape runs through the ORM on every request, as before. A FilterSet declares which of its filters take
their value as a parameter (`parameter_filters`) and which change the structure (`structural_filters`); a filter
whose value reaches the SQL as several derived parameters (the people's search: its folded words and their
lengths) names the function that derives them (`folded_filters`): the value it returns has a `shape` (part of the
combination), its `parameters()` by place, and `stand_in(sentinel)`, a value of the same shape made of stand-ins.
A filter named in none of these (a text match) sends the request through the ORM.

A first page whose shape takes no value from the request (no filter value, no cursor: the unfiltered list, an
order) runs as a statement prepared once per connection, its page size written into the SQL, so PostgreSQL plans it
once per connection instead of on every request (`tracker.api.prepared.Statement`; a shape with values is sent as
text, planned for its values each time, since a plan kept for one country or status may be wrong for another).

Every request still validates its filters with the FilterSet's form (a bad value is a 400 naming it) and its page
parameters and cursor (`tracker.api.pagination`). Only PostgreSQL runs compiled SQL; other databases take the ORM.
"""

import datetime
import re
import threading

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import Model
from django.utils.translation import get_language
from django_filters import utils

from tracker.api.pagination import after_values, decode_cursor, sort_terms
from tracker.api.prepared import Statement
from tracker.filters import _EmptyForm

_PLACEHOLDER = re.compile(r"%%|%s")
_MAX_SHAPES = 512  # reader classes x languages x filter combinations in use: past this, start over
_FIRST_PAGE_SIZES = 2  # prepared first pages per shape (the default size and one other: a plan kept per connection)


class _Uncompiled(Exception):
    """This shape's SQL does not take its values as parameters: it runs through the ORM."""


def _sentinel(value, number, variant):
    """A stand-in of the value's type that no row has (and differs between the two variants)."""
    if isinstance(value, bool):
        raise _Uncompiled(value)
    if isinstance(value, int):
        return -7_340_211 - 1000 * variant - number
    if isinstance(value, float):
        return -7_340_211.25 - 1000 * variant - number
    if isinstance(value, str):
        return f"~sentinel-{variant}-{number}~"
    if isinstance(value, datetime.datetime):
        raise _Uncompiled(value)
    if isinstance(value, datetime.date):
        return datetime.date(1001 + number, 1 + variant, 1)
    if isinstance(value, Model):
        stand_in = type(value)()
        stand_in.pk = _sentinel(0, number, variant)
        return stand_in
    raise _Uncompiled(value)


def _as_parameter(value):
    return value.pk if isinstance(value, Model) else value


def _findable(param):
    """A parameter as the stand-ins are kept (a list of values, as for an array, as a tuple)."""
    return tuple(param) if isinstance(param, list) else param


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, Model):
        raise _Uncompiled(value)
    return value


class _Shape:
    """One compiled page query: SQL without its page bounds, the parameters with the places each value fills."""

    def __init__(self, alias, sql, params, places, names, converters, terms, term_fields):
        self.alias, self.sql, self.params, self.places = alias, sql, params, places
        self.names, self.converters, self.terms, self.term_fields = names, converters, terms, term_fields
        self.first_pages = {}  # page size + 1 -> a prepared Statement

    def rows(self, values, limit, offset):
        params = list(self.params)
        for position, place in self.places.items():
            params[position] = values[place]
        connection = connections[self.alias]
        first_page = self._first_page(params, limit) if offset == 0 and not self.places else None
        if first_page is not None:
            fetched = first_page.rows(params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"{self.sql} LIMIT %s OFFSET %s", [*params, limit, offset])
                fetched = cursor.fetchall()
        names, converters = self.names, self.converters
        rows = []
        for row in fetched:
            if converters:
                row = list(row)
                for index, (functions, expression) in converters.items():
                    value = row[index]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[index] = value
            rows.append(dict(zip(names, row, strict=True)))
        return rows

    def _first_page(self, params, limit):
        """The first page of a shape without request values (no filter value, no cursor) as a prepared statement
        (`tracker.api.prepared.Statement`): planned once per connection instead of on every request. Its limit is
        written into the SQL, so the plan PostgreSQL keeps is the one for this page size; with no parameter, the
        generic plan is the custom one. A few page sizes per shape; others (and later pages) are sent as text."""
        statement = self.first_pages.get(limit)
        if statement is None and len(self.first_pages) < _FIRST_PAGE_SIZES:
            statement = self.first_pages.setdefault(
                limit, Statement(self.alias, f"{self.sql} LIMIT {int(limit)}", params, {})
            )
        return statement


class CompiledList:
    """A list view's page: `page(view, paginator)` -> the page's rows as dicts, or None (run it through the ORM).

    `build(view, filterset)` returns the list's values queryset, filtered by `filterset` and ordered, exactly as the
    view's ORM path builds it (the view uses the same function there, so both give the same rows). `reader_class(user)`
    is the visibility module's (`prisoners.visibility.reader_class`): everything of the reader the SQL depends on."""

    def __init__(self, build, reader_class):
        self.build, self.reader_class = build, reader_class
        self._shapes = {}  # key -> _Shape, or False: this shape runs through the ORM
        self._lock = threading.Lock()

    def page(self, view, paginator):
        request = view.request
        filterset_class = view.filterset_class
        if connections[view.queryset.db].vendor != "postgresql" or self._named_uncompiled(filterset_class, request):
            return None  # before validating: the ORM path validates the filters itself
        filterset = filterset_class(data=request.query_params, queryset=view.queryset.all(), request=request)
        filterset.skip_empty_form()
        filterset.clean_given_only()
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        paginator.begin(request)
        cleaned = filterset.form.cleaned_data
        try:
            key, values = self._key(view, filterset_class, cleaned, bool(paginator.cursor))
        except _Uncompiled:
            return None
        shape = self._shapes.get(key)
        if shape is None:
            with self._lock:
                shape = self._shapes.get(key)
                if shape is None:
                    shape = self._compile(view, filterset, cleaned, paginator)
                    if len(self._shapes) >= _MAX_SHAPES:
                        self._shapes.clear()
                    self._shapes[key] = shape
        if shape is False:
            return None
        paginator.terms = shape.terms
        if paginator.cursor:
            values.update(self._cursor_values(shape, paginator))
        start = paginator.start()
        return paginator.finish(shape.rows(values, paginator.page_size + 1, start))

    @staticmethod
    def _named_uncompiled(filterset_class, request):
        """Whether the request gives a value to a filter whose value is never a parameter (a text match)."""
        compiled = filterset_class.parameter_filters | filterset_class.structural_filters
        compiled |= filterset_class.folded_filters.keys()
        filters = filterset_class.base_filters
        return any(name in filters and name not in compiled and value for name, value in request.query_params.items())

    def _key(self, view, filterset_class, cleaned, has_cursor):
        """The shape's key, and the request's values of its parameters by name."""
        parameters, structural = filterset_class.parameter_filters, filterset_class.structural_filters
        folded = filterset_class.folded_filters
        shape, values = [], {}
        for name in sorted(cleaned):
            value = cleaned[name]
            if value in (None, "", [], ()) or name in structural or isinstance(value, bool):
                shape.append((name, _hashable(value)))
            elif name in folded:
                value = folded[name](value)
                shape.append((name, ("folded", value.shape)))
                values.update({(name, place): parameter for place, parameter in value.parameters().items()})
            elif name in parameters:
                _sentinel(value, 0, 0)  # a type it can stand in for, else _Uncompiled
                shape.append((name, type(value).__name__))
                values[name] = _as_parameter(value)
            else:
                raise _Uncompiled(name)
        return (type(view), self.reader_class(view.request.user), get_language(), tuple(shape), has_cursor), values

    def _cursor_values(self, shape, paginator):
        """The cursor's sort values as the ORM would pass them (a 400 when the cursor is not one of this list)."""
        try:
            decoded = decode_cursor(shape.terms, paginator.cursor)
            return {
                ("cursor", index): field.get_prep_value(value)
                for index, (value, field) in enumerate(zip(decoded, shape.term_fields, strict=True))
            }
        except (ValueError, TypeError, DjangoValidationError):
            raise paginator.bad_cursor() from None

    def _compile(self, view, filterset, cleaned, paginator):
        """This request's shape compiled with stand-ins twice (see the module's docstring), or False."""
        try:
            compiled = [self._compile_variant(view, filterset, cleaned, paginator, v) for v in (0, 1)]
        except _Uncompiled:
            return False
        (sql, params, places, queryset, compiler), (sql_b, params_b, places_b, _q, _c) = compiled
        if sql != sql_b or len(params) != len(params_b) or places != places_b:
            return False
        for position, (first, second) in enumerate(zip(params, params_b, strict=True)):
            if position not in places and first != second:
                return False
        query = queryset.query
        names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select]
        names += [] if query.selected else list(query.annotation_select)
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if len(names) != len(columns):
            return False
        converters = compiler.get_converters(columns)
        terms = sort_terms(queryset)
        term_fields = [query.resolve_ref(name).output_field for name, _descending in terms or ()]
        if paginator.cursor and terms is None:
            return False
        return _Shape(queryset.db, sql, params, places, names, converters, terms, term_fields)

    def _compile_variant(self, view, filterset, cleaned, paginator, variant):
        parameters, folded = type(filterset).parameter_filters, type(filterset).folded_filters
        stand_ins, marked = {}, dict(cleaned)
        numbers = iter(range(200, 900))  # the stand-ins of folded values (the filters' own are 1-99)
        for number, name in enumerate(sorted(cleaned), start=1):
            value = cleaned[name]
            if value in (None, "", [], ()) or isinstance(value, bool):
                continue
            if name in parameters:
                marked[name] = _sentinel(value, number, variant)
                stand_ins[_as_parameter(marked[name])] = name
            elif name in folded:
                marked[name] = folded[name](value).stand_in(lambda example: _sentinel(example, next(numbers), variant))
                for place, parameter in marked[name].parameters().items():
                    stand_ins[_findable(parameter)] = (name, place)
        marked_filterset = type(filterset)(data=filterset.data, queryset=view.queryset.all(), request=view.request)
        marked_filterset._form = _EmptyForm(marked)
        queryset = self.build(view, marked_filterset)
        if paginator.cursor:
            terms = sort_terms(queryset)
            if terms is None:
                raise _Uncompiled("cursor")
            cursor_stand_ins = []
            for index, (name, _descending) in enumerate(terms):
                field = queryset.query.resolve_ref(name).output_field
                try:
                    sample = field.get_prep_value(field.to_python(_SAMPLES.get(field.get_internal_type(), "")))
                except (DjangoValidationError, ValueError, TypeError):
                    raise _Uncompiled(name) from None  # a kind of sort column without a sample
                stand_in = _sentinel(sample, 100 + index, variant)
                stand_ins[stand_in] = ("cursor", index)
                cursor_stand_ins.append(stand_in)
            queryset = queryset.filter(after_values(terms, cursor_stand_ins))
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        if len([match for match in _PLACEHOLDER.finditer(sql) if match.group() == "%s"]) != len(params):
            raise _Uncompiled("placeholders")
        places, found = {}, set()
        for position, param in enumerate(params):
            if isinstance(param, bool):
                continue
            try:
                place = stand_ins.get(_findable(param))
            except TypeError:  # not hashable: no stand-in
                place = None
            if place is not None:
                places[position] = place
                found.add(place)
            elif "~sentinel-" in str(param):
                raise _Uncompiled(param)  # a stand-in inside a pattern or list: its value is not a parameter as it is
        if found != set(stand_ins.values()):
            raise _Uncompiled("a value not found among the parameters")
        return sql, list(params), places, queryset, compiler


# A sample value of each kind of sort column, to learn the type its cursor values are given to the database as.
_SAMPLES = {
    "DateField": "2000-01-01",
    "DateTimeField": "2000-01-01T00:00:00+00:00",
    "IntegerField": 1,
    "BigIntegerField": 1,
    "AutoField": 1,
    "BigAutoField": 1,
    "PositiveIntegerField": 1,
    "PositiveSmallIntegerField": 1,
    "SmallIntegerField": 1,
    "FloatField": 0.5,
    "CharField": "a",
    "TextField": "a",
}
