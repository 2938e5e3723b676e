"""The REST API for loops, candidates, scorecards and debriefs, under /api/v1/.

The pages' rules and the pages' access, for scripts: every object is looked up through the
querysets in `rules` (a loop, candidate or scorecard someone may not see is a 404, so an
outsider never learns it exists), and every change is a `rules` call (a broken rule is a 400
with its message). Seen but not theirs to change — an interviewer changing the loop, the
hiring manager changing someone's scorecard — is a 403.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from questions.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, error_responses
from questions.api.pagination import BankPagination
from questions.scorecards import rules
from questions.scorecards.debrief import debrief
from questions.scorecards.models import Candidate, Loop, LoopInterview, Rating, Scorecard
from questions.scorecards.serializers import (
    CandidateCreateSerializer,
    CandidateSerializer,
    DebriefSerializer,
    InterviewAddSerializer,
    InterviewersSerializer,
    LoopChangeSerializer,
    LoopSerializer,
    LoopSummarySerializer,
    ScorecardChangeSerializer,
    ScorecardOpenSerializer,
    ScorecardSerializer,
)

UUID_PATTERN = "[0-9a-fA-F-]{36}"
LOOP_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The loop's id."
)
CANDIDATE_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The candidate's id."
)
SCORECARD_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The scorecard's id."
)
INTERVIEW_ID = OpenApiParameter(
    "interview_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The interview's id (from the loop's `interviews`).",
)
OWNER_ERRORS = (401, 403, 404, 406, 429)
CANNOT_RUN_LOOPS = "Hiring managers run loops. Ask an admin to add you to that group."
ONLY_THE_OWNER = "Only the loop's hiring manager changes it."


@contextmanager
def rule_errors_are_400s():
    """A broken rule (`ScorecardError`) answers 400 with its message; nothing was written."""
    try:
        yield
    except rules.ScorecardError as error:
        raise exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [str(error)]}
        ) from error


def parsed(request: Request, serializer_class: type, **kwargs: Any) -> Any:
    """The request body checked by `serializer_class` (a 400 naming each bad field)."""
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


class SignedIn(permissions.BasePermission):
    """Signed in; a method the endpoint does not offer is let through to its 405."""

    def has_permission(self, request: Request, view: GenericAPIView) -> bool:
        if not hasattr(view, request.method.lower()):
            return True
        return bool(request.user and request.user.is_authenticated)


# Loops ----------------------------------------------------------------------------------


def loop_queryset(loops: QuerySet[Loop]) -> QuerySet[Loop]:
    return (
        loops.select_related("role", "owner")
        .prefetch_related(
            "competencies",
            Prefetch(
                "interviews",
                queryset=LoopInterview.objects.select_related("kit")
                .prefetch_related("interviewers")
                .order_by("position"),
            ),
        )
        .order_by("-updated_at", "-id")
    )


@extend_schema_view(
    list=extend_schema(
        summary="List my loops",
        description="Loops you run as hiring manager or interview in, most recently changed "
        "first, with their interviews (coverage is on each loop's own page).",
        responses={200: LoopSummarySerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a loop",
        description="A loop you run or interview in: its interviews in order, who asks each, "
        "and the coverage check. Anyone else's loop is a 404.",
        parameters=[LOOP_ID],
        responses={200: LoopSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Create a loop",
        description="A loop for a role, with the competencies it must assess. Needs the "
        "Hiring manager group; you own the loop.",
        request=LoopChangeSerializer,
        responses={201: LoopSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change a loop's details",
        description="Send only what changes: `title`, `role` (null clears it), "
        "`competencies`. Only the loop's hiring manager may.",
        parameters=[LOOP_ID],
        request=LoopChangeSerializer,
        responses={200: LoopSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class LoopViewSet(viewsets.GenericViewSet):
    """Interview loops: read by their hiring manager and interviewers, changed by the former."""

    permission_classes = [SignedIn]
    pagination_class = BankPagination
    serializer_class = LoopSerializer
    lookup_field = "code"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[Loop]:
        return loop_queryset(rules.loops_for(self.request.user))

    def owned_loop(self) -> Loop:
        loop = self.get_object()
        if loop.owner_id != self.request.user.pk:
            raise exceptions.PermissionDenied(ONLY_THE_OWNER)
        return loop

    def loop_response(self, loop: Loop, status_code: int = status.HTTP_200_OK) -> Response:
        loop = self.get_queryset().get(pk=loop.pk)
        return Response(LoopSerializer(loop).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LoopSummarySerializer(page, many=True).data)

    def retrieve(self, request: Request, id: str) -> Response:
        return Response(LoopSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        if not request.user.has_perm("questions.add_loop"):
            raise exceptions.PermissionDenied(CANNOT_RUN_LOOPS)
        data = parsed(request, LoopChangeSerializer).validated_data
        loop = rules.loop_create(
            owner=request.user,
            title=data["title"],
            role=data.get("role"),
            competencies=data.get("competencies", []),
        )
        return self.loop_response(loop, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, id: str) -> Response:
        loop = self.owned_loop()
        data = parsed(request, LoopChangeSerializer, partial=True).validated_data
        loop = rules.loop_update(loop=loop, **data)
        return self.loop_response(loop)

    @extend_schema(
        operation_id="loops_interviews_add",
        summary="Add an interview to a loop",
        description="One of your kits in use becomes the loop's next interview, asked by the "
        "people named (usernames of interviewers or hiring managers). A kit is in a loop "
        "once.",
        parameters=[LOOP_ID],
        request=InterviewAddSerializer,
        responses={201: LoopSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="interviews")
    def add_interview(self, request: Request, id: str) -> Response:
        loop = self.owned_loop()
        data = parsed(request, InterviewAddSerializer).validated_data
        with rule_errors_are_400s():
            rules.loop_add_interview(loop=loop, **data)
        return self.loop_response(loop, status.HTTP_201_CREATED)

    def interview(self, interview_id: str) -> tuple[Loop, LoopInterview]:
        loop = self.owned_loop()
        return loop, get_object_or_404(LoopInterview, pk=interview_id, loop=loop)

    @extend_schema(
        operation_id="loops_interviews_change",
        summary="Change who asks an interview",
        description="Replaces the interview's interviewers with the usernames given.",
        parameters=[LOOP_ID, INTERVIEW_ID],
        request=InterviewersSerializer,
        responses={200: LoopSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"interviews/(?P<interview_id>[0-9]{1,18})",
    )
    def change_interview(self, request: Request, id: str, interview_id: str) -> Response:
        loop, interview = self.interview(interview_id)
        data = parsed(request, InterviewersSerializer).validated_data
        rules.loop_set_interviewers(interview=interview, **data)
        return self.loop_response(loop)

    @extend_schema(
        operation_id="loops_interviews_remove",
        summary="Take an interview out of a loop",
        description="Unless scorecards were written for it (then a 400 says so); the "
        "interviews after it move up.",
        parameters=[LOOP_ID, INTERVIEW_ID],
        request=None,
        responses={200: LoopSerializer, **error_responses(400, *OWNER_ERRORS)},
    )
    @change_interview.mapping.delete
    def remove_interview(self, request: Request, id: str, interview_id: str) -> Response:
        loop, interview = self.interview(interview_id)
        with rule_errors_are_400s():
            rules.loop_remove_interview(interview=interview)
        return self.loop_response(loop)


# Candidates -----------------------------------------------------------------------------


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
            candidates = candidates.filter(loop__code=_uuid_or_400(loop, "loop"))
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


def _uuid_or_400(value: str, name: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as error:
        raise exceptions.ValidationError({name: ["Give an id such as one the API returns."]}) from (
            error
        )


# Scorecards -----------------------------------------------------------------------------


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
            scorecards = scorecards.filter(candidate__code=_uuid_or_400(candidate, "candidate"))
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
