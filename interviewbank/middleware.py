"""Project-wide request handling: the request log, security headers and database outages.

Middleware rather than per-view code, so every page, export and API endpoint is covered
the moment it is added.
"""

import logging
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from interviewbank.logs import loaded_user_id

request_logger = logging.getLogger("interviewbank.request")
database_logger = logging.getLogger("interviewbank.database")

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
    from questions.api import server_error as bank_server_error

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
