"""The API's candidates of a loop, and their debriefs (see api.py for the access rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from questions.api.errors import (
    LIST_ERRORS,
    OWNER_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    error_responses,
)
from questions.api.pagination import BankPagination
from questions.api.views import SignedIn, parsed
from questions.scorecards import rules
from questions.scorecards.api_common import (
    CANDIDATE_ID,
    UUID_PATTERN,
    rule_errors_are_400s,
    uuid_or_400,
)
from questions.scorecards.debrief import debrief
from questions.scorecards.models import Candidate, LoopInterview
from questions.scorecards.serializers import (
    CandidateCreateSerializer,
    CandidateSerializer,
    DebriefSerializer,
)


def candidate_queryset(candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    return candidates.select_related("loop").prefetch_related(
        "scorecards",
        Prefetch(
            "loop__interviews",
            queryset=LoopInterview.objects.prefetch_related("interviewers").order_by("position"),
        ),
    )


LOOP_FILTER = OpenApiParameter(
    "loop", OpenApiTypes.UUID, OpenApiParameter.QUERY, description="Only this loop's candidates."
)


@extend_schema_view(
    list=extend_schema(
        summary="List candidates",
        description="Candidates of the loops you run or interview in, newest first, each with "
        "where every scorecard stands. A candidate is a reference and an optional display "
        "name: nothing else about a person is stored.",
        parameters=[LOOP_FILTER],
        responses={200: CandidateSerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a candidate",
        parameters=[CANDIDATE_ID],
        responses={200: CandidateSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Add a candidate to a loop",
        description="Only the loop's hiring manager may. The reference is unique in the loop.",
        request=CandidateCreateSerializer,
        responses={201: CandidateSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Delete a candidate",
        description="Deletes the candidate and every scorecard about them, for good. Only the "
        "loop's hiring manager may.",
        parameters=[CANDIDATE_ID],
        responses={204: None, **error_responses(*OWNER_ERRORS)},
    ),
)
class CandidateViewSet(viewsets.GenericViewSet):
    permission_classes = [SignedIn]
    pagination_class = BankPagination
    serializer_class = CandidateSerializer
    lookup_field = "code"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Candidate]:
        return candidate_queryset(rules.candidates_for(self.request.user)).order_by(
            "-created_at", "-id"
        )

    def respond(self, candidates, status_code: int = status.HTTP_200_OK, **kwargs) -> Any:
        many = isinstance(candidates, list)
        visible = set(
            rules.scorecards_for(self.request.user)
            .filter(candidate__in=candidates if many else [candidates])
            .values_list("pk", flat=True)
        )
        data = CandidateSerializer(
            candidates, many=many, context={"visible_scorecards": visible}
        ).data
        if many:
            return self.get_paginated_response(data)
        return Response(data, status=status_code)

    def list(self, request: Request) -> Response:
        candidates = self.get_queryset()
        loop = request.query_params.get("loop")
        if loop is not None:
            candidates = candidates.filter(loop__code=uuid_or_400(loop, "loop"))
        return self.respond(self.paginate_queryset(candidates))

    def retrieve(self, request: Request, id: str) -> Response:
        return self.respond(self.get_object())

    def create(self, request: Request) -> Response:
        data = parsed(request, CandidateCreateSerializer).validated_data
        with rule_errors_are_400s():
            candidate = rules.candidate_add(**data)
        return self.respond(self.get_queryset().get(pk=candidate.pk), status.HTTP_201_CREATED)

    def destroy(self, request: Request, id: str) -> Response:
        candidate = self.get_object()
        if candidate.loop.owner_id != request.user.pk:
            raise exceptions.PermissionDenied("Only the loop's hiring manager deletes a candidate.")
        rules.candidate_delete(candidate=candidate)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="candidates_debrief",
        summary="Read a candidate's debrief",
        description="The submitted scorecards combined by the fixed rule (each competency's "
        "mean of per-scorecard means; flagged when two scorecards are 2 or more apart), the "
        "recommendations side by side and the scorecards still missing. The hiring manager "
        "reads it at any time; an interviewer once all their own scorecards for the "
        "candidate are submitted (a 403 before).",
        parameters=[CANDIDATE_ID],
        responses={200: DebriefSerializer, **error_responses(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def debrief(self, request: Request, id: str) -> Response:
        candidate = self.get_object()
        if not rules.can_read_debrief(request.user, candidate):
            raise exceptions.PermissionDenied(rules.DEBRIEF_LOCKED)
        return Response(DebriefSerializer(debrief(candidate)).data)
