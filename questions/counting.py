"""Counts that cost the same at a thousand questions or a million.

`COUNT(*)` reads every matching row, so it grows with the bank. The pages only need to say
"1,000+" past a point, so every count here stops at `COUNT_LIMIT` + 1 rows, read from an
index.
"""

from collections.abc import Callable
from functools import cached_property

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db.models import Func, IntegerField, QuerySet

COUNT_LIMIT = 1_000


def count_upto(queryset: QuerySet, limit: int | None = None) -> int:
    """How many rows `queryset` has, counting no further than `limit` + 1 (by default
    COUNT_LIMIT + 1)."""
    limit = COUNT_LIMIT if limit is None else limit
    return queryset.order_by()[: limit + 1].count()


def capped_count(queryset: QuerySet, limit: int | None = None) -> Func:
    """An annotation counting the rows of a correlated `queryset` (one using `OuterRef`),
    at most `limit` + 1 of them (by default COUNT_LIMIT + 1), so a card can say "1,000+"."""
    limit = COUNT_LIMIT if limit is None else limit
    ids = queryset.order_by().values("pk")[: limit + 1]
    return Func(ArraySubquery(ids), function="cardinality", output_field=IntegerField())


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `limit`: past it, `count_is_capped` is true, the
    count reads `limit` and the pages end there. Filters or search reach the rest."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        limit: int | None = None,
        counted: Callable[[], int] | None = None,
    ) -> None:
        """`counted`, when given, returns `count_upto(object_list, limit)` from elsewhere
        (a cache, say)."""
        super().__init__(object_list, per_page)
        self.limit = COUNT_LIMIT if limit is None else limit
        self._count_rows = counted or (lambda: count_upto(object_list, self.limit))

    @cached_property
    def _counted(self) -> int:
        return self._count_rows()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @property
    def count_is_capped(self) -> bool:
        return self._counted > self.limit
