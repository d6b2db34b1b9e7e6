"""Pages of a list without counting the whole list.

A page fetches `page_size + 1` rows: the extra row only tells whether a next page exists. No
`COUNT(*)` runs, so a page costs the same on a table of a hundred rows or a million.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
PAGE_SIZE_PARAM = "page_size"
PAGE_PARAM = "page"
# The deepest row a page may start at: far beyond any real list, far below the database's bigint OFFSET.
MAX_OFFSET = 10_000_000


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
        try:
            self.page_size = parse_page_size(request.query_params.get(PAGE_SIZE_PARAM))
        except ValueError:
            raise ValidationError({PAGE_SIZE_PARAM: [_("Enter a whole number from 1 to 500.")]}) from None
        try:
            self.page_number = parse_page_number(request.query_params.get(PAGE_PARAM))
        except ValueError:
            raise ValidationError({PAGE_PARAM: [_("Enter a whole number from 1.")]}) from None
        self.request = request
        start = (self.page_number - 1) * self.page_size
        if start > MAX_OFFSET:
            deepest = MAX_OFFSET // self.page_size + 1
            raise ValidationError(
                {
                    PAGE_PARAM: [
                        _("With page_size %(size)s the last page is %(deepest)s; use filters or ?format=csv.")
                        % {"size": self.page_size, "deepest": deepest}
                    ]
                }
            )
        rows = list(queryset[start : start + self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        return rows[: self.page_size]

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), PAGE_PARAM, self.page_number + 1)

    def get_previous_link(self):
        if self.page_number <= 1:
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
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": str(_("Rows per page, 1 to 500 (larger values are clamped); default 50.")),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
