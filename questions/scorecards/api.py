"""The REST API for loops, candidates, scorecards and debriefs, under /api/v1/: loops here,
candidates and debriefs in api_candidates.py, scorecards in api_scorecards.py.

The pages' rules and the pages' access, for scripts: every object is looked up through the
querysets in `rules` (a loop, candidate or scorecard someone may not see is a 404, so an
outsider never learns it exists), and every change is a `rules` call (a broken rule is a 400
with its message). Seen but not theirs to change — an interviewer changing the loop, the
hiring manager changing someone's scorecard — is a 403.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
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
    CANNOT_RUN_LOOPS,
    INTERVIEW_ID,
    LOOP_ID,
    ONLY_THE_OWNER,
    UUID_PATTERN,
    rule_errors_are_400s,
)
from questions.scorecards.models import Loop, LoopInterview
from questions.scorecards.serializers import (
    InterviewAddSerializer,
    InterviewersSerializer,
    LoopChangeSerializer,
    LoopSerializer,
    LoopSummarySerializer,
)


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
