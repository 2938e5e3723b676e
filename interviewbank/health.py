"""Health endpoints for load balancers and orchestrators.

- ``/healthz``: the process is up and answering; never touches the database, so a database
  outage does not get every app server restarted.
- ``/readyz``: the database answers and every migration is applied; take the server out of
  rotation (503) otherwise.

Both are answered by a middleware placed before the host check, the HTTPS redirect and
sign-in: probes usually come over plain HTTP to the server's own address.
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("interviewbank.health")

# Once every migration is applied this process cannot fall behind again (new migrations
# arrive with new code, in a new process), so the migration graph is read only until then.
_migrations_applied = False


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up."""
    return _answer({"status": "ok"}, 200)


def readyz(request: HttpRequest) -> JsonResponse:
    """The database is reachable and migrated: ready for traffic."""
    global _migrations_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_applied:
            pending = unapplied_migrations()
            if pending:
                return _answer(
                    {"status": "unavailable", "database": "ok", "migrations": "pending"}, 503
                )
            _migrations_applied = True
    except DatabaseError as error:
        # Details go to the log, not to whoever asked.
        logger.warning("Readiness check failed: database unreachable", exc_info=error)
        return _answer({"status": "unavailable", "database": "unreachable"}, 503)
    return _answer({"status": "ok", "database": "ok", "migrations": "ok"}, 200)


def unapplied_migrations() -> list[str]:
    """Names of migrations in the code that the database has not applied yet."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _answer(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


HEALTH_VIEWS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


class HealthCheckMiddleware:
    """Answer /healthz and /readyz (with or without a trailing slash) before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = HEALTH_VIEWS.get(request.path_info.rstrip("/"))
        if view is not None and request.method in {"GET", "HEAD"}:
            return view(request)
        return self.get_response(request)
