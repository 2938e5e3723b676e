"""What every part of the kit API shares: the querysets it reads kits and items with,
its path parameters and the errors of writes that take no body."""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from questions.models import Kit, KitItem

KIT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The kit's id."
)


ITEM_ID = OpenApiParameter(
    "item_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The item's id (from the kit's `items`), not the question's.",
)


def kit_queryset(kits_seen: QuerySet[Kit]) -> QuerySet[Kit]:
    """Kits with everything `KitSerializer` shows, in a fixed number of queries."""
    return kits_seen.select_related("role", "owner").prefetch_related(
        "competencies", Prefetch("items", queryset=item_queryset(), to_attr="ordered_items")
    )


def item_queryset() -> QuerySet[KitItem]:
    """Items in order with what `KitItemSerializer` shows of their question."""
    return KitItem.objects.select_related("question__competency").order_by("position")
