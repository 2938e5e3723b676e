"""The REST API under /api/v1/: the bank's questions, competencies and roles.

Kits have their own API, questions/kits/api.py, and share this one's errors and pagination.

Reads go through the same QuerySets and filters as the browse pages; question writes go
through `questions.bank`, so a rule lives in one place. Every error, whatever raised it,
leaves as `{"detail": ..., "code": ..., "errors": {field: [messages]}}`.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler, set_rollback

from questions.caching import cached_bank
from questions.filters import QuestionApiFilter
from questions.kits.rules import KitError
from questions.models import Competency, Question, Role
from questions.search import SearchResult, question_search
from questions.serializers import (
    CompetencySerializer,
    ErrorSerializer,
    QuestionSerializer,
    RoleSerializer,
)

SLUG_PATTERN = "[-a-zA-Z0-9_]+"


# Errors -------------------------------------------------------------------------------------


def error_body(detail: str, code: str, errors: dict[str, list[str]] | None = None) -> dict:
    """The one shape every API error has."""
    return {"detail": detail, "code": code, "errors": errors or {}}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Turn any expected failure into a JSON error with a message and field errors."""
    if isinstance(exc, KitError):
        # A kit rule (questions/kits/): its message is written for people, so it leads.
        set_rollback()
        field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
        return Response(error_body(exc.message, "invalid", {field: [exc.message]}), status=400)
    if isinstance(exc, DjangoValidationError):
        # Raised by questions.bank rules: the caller's input was wrong.
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_errors(exc.detail)
        fields = [name for name in errors if name != api_settings.NON_FIELD_ERRORS_KEY]
        if fields:
            detail = "Check these fields: " + ", ".join(fields) + "."
        else:
            detail = next(iter(errors.values()), ["The request is not valid."])[0]
        response.data = error_body(detail, "invalid", errors)
    else:
        codes = exc.get_codes()
        response.data = error_body(
            str(exc.detail), codes if isinstance(codes, str) else exc.default_code
        )
    return response


def _flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"field" or "field.0": [messages]}`."""
    errors: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        if name in ("", NON_FIELD_ERRORS):
            name = api_settings.NON_FIELD_ERRORS_KEY
        errors.setdefault(name, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            key = str(key)
            name = key if not prefix or key == NON_FIELD_ERRORS else f"{prefix}.{key}"
            for field, messages in _flatten_errors(value, name).items():
                add(field, messages)
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, dict | list):
                for field, messages in _flatten_errors(item, prefix).items():
                    add(field, messages)
            else:
                add(prefix, [str(item)])
    else:
        add(prefix, [str(detail)])
    return errors


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 page, or a JSON error under /api/ where scripts expect one."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500 page, or a JSON error under /api/."""
    if request.path.startswith("/api/"):
        body = error_body("Something went wrong on our side. Try again later.", "server_error")
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def error_responses(
    *codes: int, media_type: str | None = None
) -> dict[int | tuple[int, str], OpenApiResponse]:
    """Schema entries for the errors an operation can answer with.

    `media_type` names the errors' type where the operation's success is not JSON (a file
    download): its errors are JSON all the same.
    """
    return {
        (code if media_type is None else (code, media_type)): OpenApiResponse(
            ErrorSerializer, description=ERRORS[code]
        )
        for code in codes
    }


ERRORS = {
    400: "Invalid input: `errors` names each field and what is wrong with it.",
    401: "No valid credentials: send `Authorization: Token <key>` (or sign in).",
    403: "Signed in, but this account may not do this.",
    404: "No such object, or a page past the last one.",
    405: "Method not allowed here (questions are retired, not deleted).",
    406: "Only JSON responses are offered.",
    415: "Send the body as JSON (`Content-Type: application/json`).",
    429: "Too many requests: wait the seconds in `Retry-After`.",
}
READ_ERRORS = (401, 403, 404, 406, 429)
LIST_ERRORS = (400, *READ_ERRORS)
WRITE_ERRORS = (400, 401, 403, 404, 406, 415, 429)
QUESTION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The question's id."
)


# Who may do what ----------------------------------------------------------------------------


class BankPermission(permissions.BasePermission):
    """Read with the model's view permission (or PUBLIC_BROWSING); write with add/change.

    Anonymous requests that fail are answered 401 (token auth comes first, so DRF sends
    `WWW-Authenticate`); signed-in accounts without the permission get 403. A method the
    endpoint does not offer is let through, so everyone gets the same 405.
    """

    write_actions = {"POST": "add", "PUT": "change", "PATCH": "change"}

    def has_permission(self, request: Request, view: viewsets.GenericViewSet) -> bool:
        if not hasattr(view, request.method.lower()):
            # No such operation here: let the view answer 405 whoever asks.
            return True
        opts = view.queryset.model._meta
        if request.method in permissions.SAFE_METHODS:
            self.message = (
                "Your account cannot read the bank yet. Ask an admin to add you to a group."
            )
            return settings.PUBLIC_BROWSING or request.user.has_perm(
                f"{opts.app_label}.view_{opts.model_name}"
            )
        self.message = f"Only question editors can change {opts.verbose_name_plural}."
        action = self.write_actions.get(request.method, "change")
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def search_summary(result: SearchResult) -> dict[str, Any]:
    """What a search did with the words, as the search page tells it."""
    return {
        "query": result.query,
        "corrected_query": result.corrected_query,
        "also_matched": result.also_matched,
        "partial": result.partial,
        "closest_in_meaning": bool(result.closest and not result.questions),
        "notices": result.notices,
    }


# Pagination ---------------------------------------------------------------------------------


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
    count_limit = 10_000
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


# Views --------------------------------------------------------------------------------------


class BankViewSet(viewsets.GenericViewSet):
    """What every bank endpoint shares: permission, pagination and JSON in and out."""

    permission_classes = [BankPermission]
    pagination_class = BankPagination


@extend_schema_view(
    list=extend_schema(
        summary="List questions",
        description="Active questions by default, oldest first (by `id`). Combine filters "
        "freely; `active=any` includes retired questions, e.g. for a sync with "
        "`updated_since`. With `search`, the same search as the search page: ranked by "
        "relevance, typo-tolerant, combinable with `competency`, `role`, `type`, `level` "
        "and `active` (`true` or `any`); `count` is then a lower bound until the last page.",
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description='Words, "quoted phrases", -excluded words and `or`, as on the '
                "search page; results come most relevant first.",
            )
        ],
        responses={200: QuestionSerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a question",
        parameters=[QUESTION_ID],
        description="Any question by id, retired ones included (see `active`).",
        responses={200: QuestionSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Add a question (editors)",
        responses={201: QuestionSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    update=extend_schema(
        summary="Replace a question (editors)",
        parameters=[QUESTION_ID],
        description="Fields left out take their defaults; `roles` left out stay as they are.",
        responses={200: QuestionSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change, retire or restore a question (editors)",
        parameters=[QUESTION_ID],
        description='Send only the fields to change. `{"active": false}` retires the question: '
        'kits that use it keep it, but it is no longer offered. `{"active": true}` restores it. '
        "Questions are never deleted through the API.",
        responses={200: QuestionSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class QuestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    BankViewSet,
):
    """The bank's questions: everyone with access reads, editors write."""

    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = QuestionApiFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        # One query for the page, one for all its roles, whatever the page size.
        return Question.objects.for_listing().prefetch_related("roles").order_by("id")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Filters narrow lists only: a retired question is still readable and editable by id.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Questions by id, or, with `search`, ranked by the search page's engine."""
        query = request.query_params.get("search")
        if query is None:
            return super().list(request, *args, **kwargs)
        if not query.strip():
            raise exceptions.ValidationError({"search": ["Give some words, or leave this out."]})
        question_filter = QuestionApiFilter(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not question_filter.is_valid():
            raise exceptions.ValidationError(question_filter.errors)
        filters = question_filter.form.cleaned_data
        if filters.get("updated_since") or filters.get("active") == "false":
            raise exceptions.ValidationError(
                {
                    "search": [
                        "Search covers questions on offer (`active=true` or `any`); "
                        "it cannot be combined with `updated_since` or `active=false`."
                    ]
                }
            )

        searched: list[SearchResult] = []

        def ranked(offset: int, limit: int) -> list[Question]:
            result = question_search(
                query,
                competency=filters["competency"].slug if filters.get("competency") else None,
                role=filters["role"].slug if filters.get("role") else None,
                question_type=filters.get("type") or None,
                level=filters.get("level") or None,
                active_only=filters.get("active") != "any",
                limit=limit,
                offset=offset,
            )
            searched.append(result)
            return result.shown

        page = self.paginator.paginate_rows(rows=ranked, count_upto=None, request=request)
        prefetch_related_objects(page, "roles")
        response = self.paginator.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["search"] = search_summary(searched[-1])
        return response

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Refuse what is not offered; for DELETE, say how to retire instead."""
        if request.method == "DELETE":
            raise exceptions.MethodNotAllowed(
                request.method,
                detail='Questions are not deleted: retire one with PATCH {"active": false}.',
            )
        return super().http_method_not_allowed(request, *args, **kwargs)


class CountedCatalogueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BankViewSet):
    """Read-only competencies or roles by slug, each with its count of active questions."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    ordering: tuple[str, ...] = ()
    # The Question field that points at this model.
    question_field = ""

    def get_queryset(self) -> QuerySet:
        return self.queryset.order_by(*self.ordering)

    def paginate_queryset(self, queryset: QuerySet) -> list[Any]:
        return self._with_counts(super().paginate_queryset(queryset))

    def get_object(self) -> Any:
        return self._with_counts([super().get_object()])[0]

    def _with_counts(self, rows: list[Any]) -> list[Any]:
        """Give each row its exact count of active questions. Counting a large bank reads
        every question, so the counts are kept until the bank changes."""
        counts = cached_bank(f"api-{self.question_field}-counts", self._count_questions)
        for row in rows:
            row.question_count = counts.get(row.pk, 0)
        return rows

    def _count_questions(self) -> dict[int, int]:
        per_row = (
            Question.objects.active()
            .order_by()
            .values(self.question_field)
            .annotate(count=Count("id"))
            .values_list(self.question_field, "count")
        )
        return dict(per_row)


@extend_schema_view(
    list=extend_schema(
        summary="List competencies",
        description="In the site's display order, each with its count of active questions.",
        responses={200: CompetencySerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a competency",
        responses={200: CompetencySerializer, **error_responses(*READ_ERRORS)},
    ),
)
class CompetencyViewSet(CountedCatalogueViewSet):
    """The competencies the bank is organised by."""

    queryset = Competency.objects.all()
    serializer_class = CompetencySerializer
    ordering = ("display_order", "id")
    question_field = "competency"


@extend_schema_view(
    list=extend_schema(
        summary="List roles",
        description="By title, each with its count of active questions.",
        responses={200: RoleSerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a role",
        responses={200: RoleSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class RoleViewSet(CountedCatalogueViewSet):
    """The roles questions are asked for."""

    queryset = Role.objects.all()
    serializer_class = RoleSerializer
    ordering = ("title", "id")
    question_field = "roles"
