"""Project-wide request handling: the request log, security headers and database outages.

Middleware rather than per-view code, so every page, export and API endpoint is covered
the moment it is added.
"""

import logging
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader

from interviewbank.logs import loaded_user_id

request_logger = logging.getLogger("interviewbank.request")
database_logger = logging.getLogger("interviewbank.database")
input_logger = logging.getLogger("interviewbank.input")

# What psycopg raises, through Django, when the server is down, restarting or unreachable.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class RequestLogMiddleware:
    """Log one line per request: method, path, status, duration in ms and user id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # The path without its query string: queries can hold search terms or share codes.
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": loaded_user_id(request),
            },
        )
        return response


class MalformedInputMiddleware:
    """Turn input that can name nothing and hold nothing into a 404 or a 400, for every route.

    - A path with a NUL character or longer than any real address (MAX_PATH_LENGTH) names
      nothing: 404, before any view or database sees it.
    - More query or form fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS), or a body
      Django cannot read: 400.
    - Text the database refuses (a NUL character, a value longer than its column, a number
      out of range) that got past a form or serializer: 400, and the transaction it was in
      is rolled back. Forms and serializers answer first where they can, naming the field.

    JSON bodies nested too deeply get their 400 from the API's parser (questions.api.parsers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or len(request.path) > MAX_PATH_LENGTH:
            from questions.api.errors import not_found

            return not_found(request)
        try:
            request.GET  # noqa: B018 - parsed now, so a malformed one is answered here
            # The API reads its own bodies (JSON only: a form there is a 415, not parsed).
            if (
                request.method == "POST"
                and request.content_type in FORM_CONTENT_TYPES
                and not request.path.startswith("/api/")
            ):
                request.POST  # noqa: B018
        except SuspiciousOperation as error:  # too many fields, a malformed multipart body
            return bad_request(request, f"The request could not be read: {error}")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DataError):
            return None
        input_logger.warning(
            "Input the database refused: %s",
            exception,
            extra={"method": request.method, "path": request.path},
        )
        return bad_request(
            request,
            "Something in the request cannot be stored (a NUL character, or a value too long "
            "or too large).",
        )


# Longer than any address the site makes (the longest are a kit's item pages, under 100).
MAX_PATH_LENGTH = 1024
# Bodies Django itself parses into request.POST; JSON goes to the API's parser.
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 with its reason: JSON for the API, else the site's 400 page."""
    if request.path.startswith("/api/"):
        from questions.api.errors import error_body

        return JsonResponse(error_body(message, "bad_request"), status=400)
    # Rendered without the request: its context processors read the very input refused here.
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"message": message}))


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header built from settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(_origin(o) for o in origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def _origin(origin: str) -> str:
    """`self` and `*` are keywords in the header; anything else is a quoted origin."""
    return origin if origin in {"self", "*"} else f'"{origin}"'


class DatabaseUnavailableMiddleware:
    """Answer with the site's 503 page when a view finds the database unreachable.

    Django's connection handling (CONN_HEALTH_CHECKS) drops the broken connection at the
    end of the request and opens a fresh one on the next, so the site recovers by itself
    once the server is back. `server_error` below catches the same errors raised outside
    views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """The 500 handler: a 503 when the failure was the database going away, else the 500 page."""
    exception = sys.exception()
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception, logged=True)
    from questions.api.errors import server_error as bank_server_error

    return bank_server_error(request)


def database_unavailable(
    request: HttpRequest, exception: Exception, *, logged: bool = False
) -> HttpResponse:
    """Log the outage with its context and answer 503: JSON for the API, else the 503 page."""
    if not logged:  # Django logs what reaches the 500 handler itself
        database_logger.error(
            "Database unavailable",
            exc_info=exception,
            extra={"method": request.method, "path": request.path},
        )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "The service is briefly unavailable. Please try again shortly."},
            status=503,
        )
    else:
        # Rendered without the request: its context processors would query the database
        # (the signed-in user) and fail again, exactly as the 500 page avoids.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
