"""The REST API for the bank: questions, competencies and roles, under /api/v1/.

Reads go through the same QuerySets and filters as the browse pages; question writes go
through rules.py, so a rule lives in one place. Errors and pagination are questions/api/'s.
"""

from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, prefetch_related_objects
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from questions.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, error_responses
from questions.api.pagination import BankPagination
from questions.bank.filters import QuestionApiFilter
from questions.bank.serializers import (
    CompetencySerializer,
    QuestionSerializer,
    QuestionWrittenSerializer,
    RoleSerializer,
)
from questions.caching import cached_bank
from questions.models import Competency, Question, Role
from questions.search.queries import filter_arguments, question_search
from questions.search.results import SearchResult

SLUG_PATTERN = "[-a-zA-Z0-9_]+"


QUESTION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The question's id."
)


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
        request=QuestionSerializer,
        responses={201: QuestionWrittenSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    update=extend_schema(
        summary="Replace a question (editors)",
        parameters=[QUESTION_ID],
        description="Fields left out take their defaults; `roles` left out stay as they are.",
        request=QuestionSerializer,
        responses={200: QuestionWrittenSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change, retire or restore a question (editors)",
        parameters=[QUESTION_ID],
        description='Send only the fields to change. `{"active": false}` retires the question: '
        'kits that use it keep it, but it is no longer offered. `{"active": true}` restores it. '
        "Questions are never deleted through the API.",
        request=QuestionSerializer,
        responses={200: QuestionWrittenSerializer, **error_responses(*WRITE_ERRORS)},
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

    def get_serializer_class(self) -> type[QuestionSerializer]:
        if self.action in {"create", "update", "partial_update"}:
            return QuestionWrittenSerializer
        return QuestionSerializer

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
                **filter_arguments(filters),
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
