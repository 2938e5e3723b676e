"""The API's pages: `?page=` and `?page_size=` in whole numbers, with counts capped so no
list counts every row of a big bank."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from questions.counting import COUNT_LIMIT


class BankPagination(BasePagination):
    """Page-number pagination whose work does not grow with the bank.

    A page is read with one row extra, to know whether there is a next page. `count` is
    exact when the matches fit on the pages read so far or number at most `count_limit`;
    past that it is a lower bound and `count_exact` is false, so no request counts a
    million rows.
    """

    page_query_param = "page"
    page_size_query_param = "page_size"
    page_size = 20
    max_page_size = 100
    count_limit = COUNT_LIMIT
    # Far beyond any real bank; keeps OFFSET inside what PostgreSQL accepts.
    max_offset = 10**9

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        """Read one page of a QuerySet, counting its matches only up to the limit."""
        return self.paginate_rows(
            rows=lambda offset, limit: list(queryset[offset : offset + limit]),
            count_upto=lambda limit: queryset.order_by()[:limit].count(),
            request=request,
        )

    def paginate_rows(
        self,
        *,
        rows: Callable[[int, int], Sequence[Any]],
        count_upto: Callable[[int], int] | None,
        request: Request,
    ) -> list[Any]:
        """Read one page from any source: `rows(offset, limit)` and `count_upto(limit)`.

        A source that cannot count cheaply (a ranked search) passes `count_upto=None`;
        `count` is then a lower bound unless the last page has been reached.
        """
        self.request = request
        size, number = self._page_size(request), self._page_number(request)
        offset = (number - 1) * size
        if offset > self.max_offset:
            raise exceptions.NotFound(f"Page {number} is past the last page.")
        found = list(rows(offset, size + 1))
        if number > 1 and not found:
            raise exceptions.NotFound(f"Page {number} is past the last page.")
        self.number, self.has_next = number, len(found) > size
        page = found[:size]
        if not self.has_next:
            self.count, self.count_exact = offset + len(page), True
        else:
            counted = count_upto(self.count_limit + 1) if count_upto else None
            if counted is not None and counted <= self.count_limit:
                self.count, self.count_exact = counted, True
            else:
                self.count = max(self.count_limit if counted else 0, offset + len(found))
                self.count_exact = False
        return page

    def get_paginated_response(self, data: list[Any]) -> Response:
        url = self.request.build_absolute_uri()
        previous = None
        if self.number == 2:
            previous = remove_query_param(url, self.page_query_param)
        elif self.number > 2:
            previous = replace_query_param(url, self.page_query_param, self.number - 1)
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": (
                    replace_query_param(url, self.page_query_param, self.number + 1)
                    if self.has_next
                    else None
                ),
                "previous": previous,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": f"How many results match, counted up to {self.count_limit:,}; "
                    "when `count_exact` is false, at least this many match.",
                },
                "count_exact": {
                    "type": "boolean",
                    "description": "False when `count` is a lower bound.",
                },
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
                "search": {
                    "type": "object",
                    "description": "Only with `search`: what the search did with the words.",
                    "required": [
                        "query",
                        "corrected_query",
                        "also_matched",
                        "partial",
                        "closest_in_meaning",
                        "notices",
                    ],
                    "properties": {
                        "query": {"type": "string", "description": "The words as searched."},
                        "corrected_query": {
                            "type": "string",
                            "nullable": True,
                            "description": "The query with misspelt words corrected, when "
                            "one was: the results are this query's.",
                        },
                        "also_matched": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Curated synonyms the search also looked for, "
                            'e.g. "average order value" for "aov".',
                        },
                        "partial": {
                            "type": "boolean",
                            "description": "No or few questions have every word: results "
                            "have some of them, best first.",
                        },
                        "closest_in_meaning": {
                            "type": "boolean",
                            "description": "No question has the words: the results are the "
                            "questions closest in meaning to the query.",
                        },
                        "notices": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Results per page, 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def _page_size(self, request: Request) -> int:
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        size = _whole_number(request.query_params[self.page_size_query_param])
        if size is None or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Choose a page size from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def _page_number(self, request: Request) -> int:
        if self.page_query_param not in request.query_params:
            return 1
        number = _whole_number(request.query_params[self.page_query_param])
        if number is None or number < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: ["A page number is a whole number from 1."]}
            )
        return number


def _whole_number(raw: str) -> int | None:
    # Digits only, and few enough of them: int() would accept "٣", " 3" and "1_000".
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    return int(raw)
