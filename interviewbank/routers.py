"""Read replicas: browsing and search read from a replica, everything else from the primary.

Reads go to a replica only inside `replica_reads()` (views opt in with `@reads_from_replica`),
and only for the bank's own tables. Everything else — writes, kits, accounts, sessions,
sign-in records, history, the admin, the API, commands — uses the primary, as do reads in a
transaction on the primary (they must see its writes) and every request of a person who
wrote something in the last REPLICA_PIN_SECONDS (`ReplicaPinMiddleware`), so editors see
their own change at once even while a replica is a moment behind. With no replica
configured (`DATABASE_REPLICA_URL` unset), every query goes to `default`.

A request keeps to one replica, picked at random when it starts, so that all its reads,
the bank version among them, come from the same copy of the data.
"""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

# Tables a replica serves: what browsing and search read.
REPLICA_MODELS = {
    "questions.competency",
    "questions.role",
    "questions.question",
    "questions.question_roles",
    "questions.searchterm",
}
PIN_COOKIE = "ib_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

_replica: ContextVar[str | None] = ContextVar("replica", default=None)


class PrimaryReplicaRouter:
    """Send the bank's reads inside `replica_reads()` to its replica, all else to default."""

    def db_for_read(self, model: type[Model], **hints: object) -> str:
        replica = _replica.get()
        if (
            replica is None
            or model._meta.label_lower not in REPLICA_MODELS
            # Reads in a transaction on the primary must see what it wrote.
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return replica

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool | None:
        # Replicas hold the primary's rows: a question read from one may join a kit.
        databases = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        # Replicas follow the primary's schema through replication.
        return db == DEFAULT_DB_ALIAS


@contextmanager
def replica_reads(*, pinned: bool = False) -> Iterator[str]:
    """Route the bank's reads to one replica picked at random (none when pinned or when
    no replica is configured); yield the alias that reads use."""
    replicas = settings.DATABASE_REPLICAS
    alias = random.choice(replicas) if replicas and not pinned else None
    token = _replica.set(alias)
    try:
        yield alias or DEFAULT_DB_ALIAS
    finally:
        _replica.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a view that only reads the bank read it from a replica."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        with replica_reads(pinned=PIN_COOKIE in request.COOKIES):
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaPinMiddleware:
    """After a request that may have written (any method but GET, HEAD, OPTIONS, TRACE),
    set a short-lived cookie that keeps the person's reads on the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DATABASE_REPLICAS and request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
