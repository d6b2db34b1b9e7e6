"""Pages of a list without counting the whole list.

A page fetches `page_size + 1` rows: the extra row only tells whether a next page exists. No
`COUNT(*)` runs, so a page costs the same on a table of a hundred rows or a million.

The `next` link carries a `cursor` (keyset pagination) when the list's order is by plain columns or
annotations: the next page is "the rows after this row's sort values", an index range scan however deep,
where `?page=N` makes the database skip N pages of rows. Page numbers are still accepted up to `MAX_OFFSET`
rows deep.
"""

import base64
import binascii
import json
from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
PAGE_SIZE_PARAM = "page_size"
PAGE_PARAM = "page"
CURSOR_PARAM = "cursor"
# The deepest row a page number may start at (an OFFSET scan costs this many rows); deeper, follow `next`.
MAX_OFFSET = 100_000


def _plain(value):
    """A sort value as JSON can carry it: dates as ISO text, countries and other values as their text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def sort_terms(queryset):
    """The list's order as [(name, descending)], or None when a term is an expression (no cursor then)."""
    terms = []
    for term in queryset.query.order_by:
        if not isinstance(term, str) or "__" in term or term.startswith("?"):
            return None
        name = term.removeprefix("-")
        terms.append(("id" if name == "pk" else name, term.startswith("-")))
    return terms or None


def encode_cursor(terms, row):
    """A cursor after `row` (a record or a dict of values): its sort values (None when one is missing or null:
    no cursor then)."""
    if isinstance(row, dict):
        values = [row.get(name) for name, _descending in terms]
    else:
        values = [getattr(row, name, None) for name, _descending in terms]
    if any(value is None for value in values):
        return None
    payload = {
        "o": [("-" if descending else "") + name for name, descending in terms],
        "v": [_plain(v) for v in values],
    }
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(terms, cursor):
    """The sort values a cursor of this order carries; ValueError when it is not one of this order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        order, values = payload["o"], payload["v"]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise ValueError(cursor) from error
    if not isinstance(order, list) or not isinstance(values, list):
        raise ValueError(cursor)
    if order != [("-" if descending else "") + name for name, descending in terms] or len(values) != len(terms):
        raise ValueError(cursor)
    if any(value is None for value in values):
        raise ValueError(cursor)
    return values


def after_values(terms, values):
    """A filter for the rows after the row with these sort values, in this order."""
    after, equal = Q(), Q()
    for (name, descending), value in zip(terms, values, strict=True):
        after |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{name: value})
    # The same rows, with the first sort value bounded on its own: an index on the order starts its scan at the
    # cursor instead of filtering every row before it (the OR alone is no index range).
    (first, descending), value = terms[0], values[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": value}) & after


def after_cursor(terms, cursor):
    """A filter for the rows after the cursor's row in this order; ValueError when the cursor is not one of it."""
    return after_values(terms, decode_cursor(terms, cursor))


def parse_page_size(value, default=DEFAULT_PAGE_SIZE):
    """`page_size` as typed -> 1..500 (out-of-range values are clamped); ValueError when not a number."""
    if value in (None, ""):
        return default
    return min(max(int(str(value).strip()), 1), MAX_PAGE_SIZE)


def parse_page_number(value):
    """`page` as typed -> a number from 1; ValueError when not a positive whole number."""
    if value in (None, ""):
        return 1
    number = int(str(value).strip())
    if number < 1:
        raise ValueError(number)
    return number


class PageSizePagination(BasePagination):
    """`?page=N&page_size=M`: results, with links to the next and previous pages and no total count."""

    def paginate_queryset(self, queryset, request, view=None):
        self.begin(request)
        self.terms = sort_terms(queryset)
        if self.cursor:
            try:
                if self.terms is None:
                    raise ValueError(self.cursor)
                queryset = queryset.filter(after_cursor(self.terms, self.cursor))
            except (ValueError, DjangoValidationError):
                raise self.bad_cursor() from None
        start = self.start()
        return self.finish(list(queryset[start : start + self.page_size + 1]))

    # The steps of `paginate_queryset`, for a list that runs its page query itself (`tracker.api.compiled_list`):
    # `begin`, then the page's rows from `start()` (`page_size + 1` of them, after the cursor if any), then `finish`.

    def begin(self, request):
        """Read `page_size`, `page` and `cursor` (a 400 naming the parameter when one is not valid)."""
        try:
            self.page_size = parse_page_size(request.query_params.get(PAGE_SIZE_PARAM))
        except ValueError:
            raise ValidationError({PAGE_SIZE_PARAM: [_("Enter a whole number from 1 to 500.")]}) from None
        try:
            self.page_number = parse_page_number(request.query_params.get(PAGE_PARAM))
        except ValueError:
            raise ValidationError({PAGE_PARAM: [_("Enter a whole number from 1.")]}) from None
        self.request = request
        self.cursor = request.query_params.get(CURSOR_PARAM) or None

    @staticmethod
    def bad_cursor():
        return ValidationError(
            {CURSOR_PARAM: [_("This cursor does not belong to this list and order; start from the first page.")]}
        )

    def start(self):
        """The first row's offset: 0 after a cursor, else the page number's (a 400 past `MAX_OFFSET`)."""
        start = 0 if self.cursor else (self.page_number - 1) * self.page_size
        if start > MAX_OFFSET:
            deepest = MAX_OFFSET // self.page_size + 1
            raise ValidationError(
                {
                    PAGE_PARAM: [
                        _(
                            "With page_size %(size)s the deepest page number is %(deepest)s; follow the `next` links "
                            "(a cursor), narrow with filters or use ?format=csv."
                        )
                        % {"size": self.page_size, "deepest": deepest}
                    ]
                }
            )
        return start

    def finish(self, rows):
        """The page of `rows` (up to `page_size + 1` of them: the extra one tells whether a next page exists)."""
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.next_cursor = encode_cursor(self.terms, rows[-1]) if self.terms and rows and self.has_next else None
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        if self.next_cursor:
            return replace_query_param(remove_query_param(url, PAGE_PARAM), CURSOR_PARAM, self.next_cursor)
        return replace_query_param(url, PAGE_PARAM, self.page_number + 1)

    def get_previous_link(self):
        if self.page_number <= 1 or self.request.query_params.get(CURSOR_PARAM):
            return None
        url = self.request.build_absolute_uri()
        if self.page_number == 2:
            return remove_query_param(url, PAGE_PARAM)
        return replace_query_param(url, PAGE_PARAM, self.page_number - 1)

    def get_paginated_response(self, data):
        return Response(
            {
                "page": self.page_number,
                "page_size": self.page_size,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["page", "page_size", "next", "previous", "results"],
            "properties": {
                "page": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": PAGE_PARAM,
                "required": False,
                "in": "query",
                "description": str(_("Page number, from 1.")),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": str(_("Where the next page starts: take it from the `next` link, never build it.")),
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": str(_("Rows per page, 1 to 500 (larger values are clamped); default 50.")),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
