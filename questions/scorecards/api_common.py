"""What the loop, candidate and scorecard APIs share: path parameters, messages, how a
broken rule becomes a 400, and the permission every endpoint starts from."""

from __future__ import annotations

from contextlib import contextmanager
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import exceptions
from rest_framework.settings import api_settings

from questions.scorecards import rules

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


def uuid_or_400(value: str, name: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as error:
        raise exceptions.ValidationError({name: ["Give an id such as one the API returns."]}) from (
            error
        )
