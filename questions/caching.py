"""What browsing and search keep in the cache, and how they know it is still current.

Every key holds the bank version: a number in the database (table
`questions_bank_version`, see migration 0007) that triggers change in the same transaction
as any change to questions, their roles, competencies or roles — whether it comes from the
admin, an import, loaddata, the API or raw SQL. A change therefore makes every cached piece
stale at once, with no signals and no list of places to remember; old entries simply expire.

The version is read from the same database as the pages' data (the request's replica, when
there is one) and before it, so what is cached under a version is never older than the
version says. A view decorated with `@reads_bank` reads it once per request: one
primary-key lookup of a one-row table.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from hashlib import sha256
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import OuterRef
from django.http import HttpRequest, HttpResponse

from interviewbank.routers import reads_from_replica
from questions.counting import capped_count
from questions.models import Competency, Question, Role

T = TypeVar("T")
_MISSING = object()

# Versions already read in this request, per database alias.
_versions: ContextVar[dict[str, int | None] | None] = ContextVar("bank_versions", default=None)


def bank_version(using: str | None = None) -> int | None:
    """The bank's current version as `using` (by default the bank's read database) sees it;
    None if the version row is missing, in which case nothing is cached."""
    alias = using or router.db_for_read(Question)
    memo = _versions.get()
    if memo is not None and alias in memo:
        return memo[alias]
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT version FROM questions_bank_version")
        row = cursor.fetchone()
    version = row[0] if row else None
    if memo is not None:
        memo[alias] = version
    return version


@contextmanager
def one_version_per_request() -> Iterator[None]:
    """Read the bank version at most once per database inside this block."""
    token = _versions.set({})
    try:
        yield
    finally:
        _versions.reset(token)


def reads_bank(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For views that only read the bank: read it from a replica when there is one, and the
    bank version once per request."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        with one_version_per_request():
            return view(request, *args, **kwargs)

    return reads_from_replica(wrapper)


def bank_cache_key(name: str, *parts: object, using: str | None = None) -> str | None:
    """A cache key for `name` and `parts` at the bank's current version, or None (do not
    cache) when there is no version. Parts are hashed: they may hold any text people type."""
    version = bank_version(using)
    if version is None:
        return None
    digest = sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"bank:{version}:{name}:{digest}"


def cached_bank(
    name: str,
    build: Callable[[], T],
    *parts: object,
    timeout: int | None = None,
    using: str | None = None,
    keep: Callable[[T], bool] = lambda value: True,
) -> T:
    """`build()`, kept in the cache until the bank changes (or `timeout` seconds pass),
    unless `keep(value)` says it is not worth keeping.

    A timeout of 0 turns caching off, as for Django's cache: the value is built and nothing
    is read, pickled or stored (nor the bank version read for its key)."""
    timeout = settings.BANK_CACHE_SECONDS if timeout is None else timeout
    if timeout <= 0:
        return build()
    key = bank_cache_key(name, *parts, using=using)
    if key is None:
        return build()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        if keep(value):
            cache.set(key, value, timeout)
    return value


def competencies() -> list[Competency]:
    """Every competency in display order, as the filters and navigation list them."""
    return cached_bank("competencies", lambda: list(Competency.objects.order_by("display_order")))


def competency_choices() -> list[tuple[str, str]]:
    """(slug, name) of every competency, for filter menus."""
    return [(competency.slug, competency.name) for competency in competencies()]


def role_choices() -> list[tuple[str, str]]:
    """(slug, title) of every role, for filter menus."""
    return cached_bank("role-choices", lambda: list(Role.objects.values_list("slug", "title")))


def competency_counts() -> list[Competency]:
    """Every competency in display order, each with `question_count` of active questions,
    counted up to COUNT_LIMIT + 1 (shown as "1,000+")."""
    return cached_bank(
        "competency-counts",
        lambda: list(
            Competency.objects.annotate(
                question_count=capped_count(
                    Question.objects.active().filter(competency=OuterRef("pk"))
                )
            ).order_by("display_order")
        ),
    )


def role_counts() -> list[Role]:
    """Every role by title, each with `question_count` of active questions, counted up to
    COUNT_LIMIT + 1."""
    return cached_bank("role-counts", _count_role_questions)


def _count_role_questions() -> list[Role]:
    alias = router.db_for_read(Role)
    roles = Role.objects.using(alias).annotate(
        question_count=capped_count(Question.objects.active().filter(roles=OuterRef("pk")))
    )
    # Left to itself the planner merge-joins each role's links with every question in id
    # order until 1,001 match, work that grows with the bank; looking each linked question
    # up by its key stops after those 1,001, the same work at any size.
    with lookups_by_key(alias):
        return list(roles.order_by("title"))


@contextmanager
def lookups_by_key(alias: str) -> Iterator[None]:
    """Run the queries inside as nested loops over indexes: no merge, hash or bitmap joins,
    no sequential scans, for as long as the block lasts. Each is planned afresh, as a plan
    a prepared statement kept from elsewhere would not follow these settings."""
    values = {
        "enable_mergejoin": "off",
        "enable_hashjoin": "off",
        "enable_bitmapscan": "off",
        "enable_seqscan": "off",
        "plan_cache_mode": "force_custom_plan",
    }
    nested = connections[alias].in_atomic_block
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT set_config(name, value, true) "
            "FROM unnest(%s::text[], %s::text[]) AS setting(name, value)",
            [list(values), list(values.values())],
        )
        yield
        if nested:
            restore_settings(alias, tuple(values))


def restore_settings(alias: str, names: tuple[str, ...]) -> None:
    """Put back settings changed with `set_config(..., true)` inside a caller's transaction,
    which would otherwise keep them until it ends. (After an error, the savepoint's rollback
    puts them back.)"""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT set_config(name, reset_val, true) FROM pg_settings "
            "WHERE name = ANY(%s::text[])",
            [list(names)],
        )


def role_competency_counts(role: Role) -> list[Competency]:
    """Every competency in display order, each with `question_count` of the role's active
    questions, counted up to COUNT_LIMIT + 1."""
    return cached_bank(
        "role-competency-counts",
        lambda: list(
            Competency.objects.annotate(
                question_count=capped_count(
                    Question.objects.active().filter(competency=OuterRef("pk"), roles=role)
                )
            ).order_by("display_order")
        ),
        role.pk,
    )
