"""The API's filter of my kits."""

from typing import Any

import django_filters
from django.http import QueryDict

from questions.api.filters import NoBlankFiltersForm
from questions.models import Kit, KitQuerySet


class ArchivedChoice(django_filters.ChoiceFilter):
    """`false` (the default) for kits in use, `true` for archived ones, `any` for both."""

    def filter(self, qs: KitQuerySet, value: str) -> KitQuerySet:
        if value == "any":
            return qs
        return qs.filter(is_archived=(value == "true"))


class KitApiFilter(django_filters.FilterSet):
    """The API's list of my kits: those in use, as "My kits" shows, or the archived ones."""

    archived = ArchivedChoice(
        choices=[("false", "In use"), ("true", "Archived"), ("any", "Both")],
        help_text="`false` (default): kits in use; `true`: archived kits; `any`: both.",
    )

    class Meta:
        model = Kit
        fields = ["archived"]
        form = NoBlankFiltersForm

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        # A missing `archived` means kits in use, as on "My kits".
        if data is not None and "archived" not in data:
            data = data.copy()
            data["archived"] = "false"
        super().__init__(data, *args, **kwargs)
