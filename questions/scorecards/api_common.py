"""What the loop, candidate and scorecard APIs share: path parameters, messages, how a
broken rule becomes a 400, and the permission every endpoint starts from."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import exceptions, permissions
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
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


def uuid_or_400(value: str, name: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as error:
        raise exceptions.ValidationError({name: ["Give an id such as one the API returns."]}) from (
            error
        )
