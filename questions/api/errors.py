"""Every API error in one shape, `{"detail": ..., "code": ..., "errors": {field: [messages]}}`,
whatever raised it (DRF, Django, a rule's `ValidationError` or `KitError`), and the site's
404 and 500 answers, JSON under /api/ and pages elsewhere. The middleware and every
viewset import them from here."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import (
    OpenApiResponse,
)
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from questions.kits.rules import KitError


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


# Writes whose only input is the path: nothing in them can be invalid.
OWNER_ERRORS = READ_ERRORS


class ErrorSerializer(serializers.Serializer):
    """Every error the API returns: a message, a machine-readable code and field errors."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    code = serializers.CharField(
        help_text="Stable code for scripts: invalid, not_authenticated, permission_denied, "
        "not_found, method_not_allowed, unsupported_media_type, throttled, …"
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name (`non_field_errors` for the whole request); "
        "empty when the error is not about input.",
    )
