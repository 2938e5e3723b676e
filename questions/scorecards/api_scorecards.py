"""The API's scorecards: opened, filled and submitted by their interviewer (see api.py
for the access rules)."""

from __future__ import annotations

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
    READ_ERRORS,
    WRITE_ERRORS,
    error_responses,
)
from questions.api.pagination import BankPagination
from questions.api.views import SignedIn, parsed
from questions.scorecards import rules
from questions.scorecards.api_common import (
    SCORECARD_ID,
    rule_errors_are_400s,
    uuid_or_400,
)
from questions.scorecards.models import LoopInterview, Rating, Scorecard
from questions.scorecards.serializers import (
    ScorecardChangeSerializer,
    ScorecardOpenSerializer,
    ScorecardSerializer,
)

CANDIDATE_FILTER = OpenApiParameter(
    "candidate",
    OpenApiTypes.UUID,
    OpenApiParameter.QUERY,
    description="Only this candidate's scorecards.",
)


@extend_schema_view(
    list=extend_schema(
        summary="List scorecards",
        description="The scorecards you may read: your own, and — blind until submitted — "
        "other people's only once your own for that candidate are submitted. The hiring "
        "manager reads every submitted scorecard, never a draft.",
        parameters=[CANDIDATE_FILTER],
        responses={200: ScorecardSerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a scorecard",
        parameters=[SCORECARD_ID],
        responses={200: ScorecardSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Open my scorecard",
        description="Your scorecard for an interview of the candidate's loop you are assigned "
        "to: started from the kit's questions, wording and anchors (201), or the one you "
        "already have (200).",
        request=ScorecardOpenSerializer,
        responses={
            200: ScorecardSerializer,
            201: ScorecardSerializer,
            **error_responses(*WRITE_ERRORS),
        },
    ),
    partial_update=extend_schema(
        summary="Save my scorecard",
        description="Ratings by id (`level` 1 to 5 or null, `not_asked`, `evidence`), the "
        "`recommendation` and `summary`; send only what changes. A draft saves whatever it "
        "is given; a submitted scorecard must stay complete, and the change is kept as an "
        "amendment with its history.",
        parameters=[SCORECARD_ID],
        request=ScorecardChangeSerializer,
        responses={200: ScorecardSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class ScorecardViewSet(viewsets.GenericViewSet):
    permission_classes = [SignedIn]
    pagination_class = BankPagination
    serializer_class = ScorecardSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Scorecard]:
        return (
            rules.scorecards_for(self.request.user)
            .prefetch_related(
                Prefetch("ratings", queryset=Rating.objects.select_related("competency"))
            )
            .order_by("id")
        )

    def own_scorecard(self) -> Scorecard:
        scorecard = self.get_object()
        if scorecard.interviewer_id != self.request.user.pk:
            raise exceptions.PermissionDenied("Only the interviewer changes their scorecard.")
        return scorecard

    def scorecard_response(self, scorecard: Scorecard, status_code=status.HTTP_200_OK):
        scorecard = self.get_queryset().get(pk=scorecard.pk)
        return Response(ScorecardSerializer(scorecard).data, status=status_code)

    def list(self, request: Request) -> Response:
        scorecards = self.get_queryset()
        candidate = request.query_params.get("candidate")
        if candidate is not None:
            scorecards = scorecards.filter(candidate__code=uuid_or_400(candidate, "candidate"))
        page = self.paginate_queryset(scorecards)
        return self.get_paginated_response(ScorecardSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ScorecardSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        data = parsed(request, ScorecardOpenSerializer).validated_data
        candidate = rules.candidates_for(request.user).filter(code=data["candidate"]).first()
        if candidate is None:
            raise exceptions.ValidationError({"candidate": ["There is no such candidate."]})
        interview = LoopInterview.objects.filter(
            pk=data["interview"], loop=candidate.loop_id
        ).first()
        if interview is None:
            raise exceptions.ValidationError(
                {"interview": ["That interview is not part of this candidate's loop."]}
            )
        existed = Scorecard.objects.filter(
            candidate=candidate, interview=interview, interviewer=request.user.pk
        ).exists()
        with rule_errors_are_400s():
            scorecard = rules.scorecard_open(
                candidate=candidate, interview=interview, interviewer=request.user
            )
        return self.scorecard_response(
            scorecard, status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def save(self, *, submit: bool) -> Response:
        scorecard = self.own_scorecard()
        body = parsed(self.request, ScorecardChangeSerializer)
        with rule_errors_are_400s():
            scorecard = rules.scorecard_save(
                scorecard=scorecard,
                ratings=body.changes(),
                recommendation=body.validated_data.get("recommendation"),
                summary=body.validated_data.get("summary"),
                submit=submit,
            )
        return self.scorecard_response(scorecard)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.save(submit=False)

    @extend_schema(
        operation_id="scorecards_submit",
        summary="Submit my scorecard",
        description="Saves what is sent (as “Save my scorecard”) and submits: every question "
        "needs a level or `not_asked`, and the scorecard a recommendation, or a 400 names "
        "what is missing. Once submitted, other interviewers' scorecards for the candidate "
        "open to you.",
        parameters=[SCORECARD_ID],
        request=ScorecardChangeSerializer,
        responses={200: ScorecardSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self.save(submit=True)
