"""The kit API's actions on a kit's questions: add, change, remove, reorder, and settle
changed wording. A mixin of `KitViewSet` (api.py), whose kit look-up and parsing they use,
so their addresses stay under /api/v1/kits/<id>/."""

from collections import Counter

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from questions.api.errors import OWNER_ERRORS, WRITE_ERRORS, error_responses
from questions.kits import item_rules, rules
from questions.kits.api_common import ITEM_ID, KIT_ID, item_queryset
from questions.kits.serializers import (
    KitItemAddSerializer,
    KitItemChangeSerializer,
    KitItemSerializer,
    KitOrderSerializer,
    KitSerializer,
    KitWordingSerializer,
)
from questions.models import KitItem


def item_response(item: KitItem, *, status_code: int = status.HTTP_200_OK) -> Response:
    """An item as the API shows it, read afresh after a change."""
    item = item_queryset().get(pk=item.pk)
    return Response(KitItemSerializer(item).data, status=status_code)


class KitItemActions:
    """The item actions of `KitViewSet`."""

    @extend_schema(
        operation_id="kits_order",
        summary="Set the order of a kit's questions",
        description='Send every item id of the kit once, in the new order: `{"items": '
        "[12, 10, 11]}`. All positions change in one step; a list that leaves an item out, "
        "repeats one or names one from elsewhere changes nothing and is a 400.",
        parameters=[KIT_ID],
        request=KitOrderSerializer,
        responses={200: KitSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["put"])
    def order(self, request: Request, pk: str) -> Response:
        kit = self.get_object()
        wanted = self.parsed(KitOrderSerializer)["items"]
        problem = order_problem(wanted, [item.pk for item in kit.ordered_items])
        if problem:
            # A kit rule, so its message leads the error as the rules' messages do.
            raise rules.KitError(problem, field="items")
        item_rules.kit_set_order(kit=kit, item_ids=wanted)
        return self.kit_response(kit)

    @extend_schema(
        operation_id="kits_items_add",
        summary="Add a question to a kit",
        description='`{"question": <question id>}` adds it at the end with the question\'s '
        "minutes and current wording (pinned: later edits in the bank do not change the kit "
        "until you accept them). Optional `minutes` and `note`. A question can be in a kit "
        "once; retired questions cannot be added.",
        parameters=[KIT_ID],
        request=KitItemAddSerializer,
        responses={201: KitItemSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request: Request, pk: str) -> Response:
        kit = self.get_object()
        data = self.parsed(KitItemAddSerializer)
        item = item_rules.kit_add_question(
            kit=kit, question=data["question"], minutes=data.get("minutes"), note=data["note"]
        )
        return item_response(item, status_code=status.HTTP_201_CREATED)

    def get_item(self, item_id: str) -> KitItem:
        """One of the owner's kit's items; a 404 for anyone else or any other item."""
        kit = self.get_object()
        item = get_object_or_404(KitItem.objects.select_related("question"), pk=item_id, kit=kit)
        item.kit = kit
        return item

    @extend_schema(
        operation_id="kits_items_update",
        summary="Change a kit question's minutes or note",
        description="Send `minutes` (1 to 120), `note`, or both.",
        parameters=[KIT_ID, ITEM_ID],
        request=KitItemChangeSerializer,
        responses={200: KitItemSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["patch"], url_path=r"items/(?P<item_id>[0-9]+)")
    def item(self, request: Request, pk: str, item_id: str) -> Response:
        item = self.get_item(item_id)
        data = self.parsed(KitItemChangeSerializer)
        item = item_rules.kit_update_item(
            item=item, minutes=data.get("minutes"), note=data.get("note")
        )
        return item_response(item)

    @extend_schema(
        operation_id="kits_items_remove",
        summary="Remove a question from a kit",
        description="The questions after it move up, so positions stay 1, 2, 3 …",
        parameters=[KIT_ID, ITEM_ID],
        request=None,
        responses={204: None, **error_responses(400, *OWNER_ERRORS)},
    )
    @item.mapping.delete
    def remove_item(self, request: Request, pk: str, item_id: str) -> Response:
        item_rules.kit_remove_item(item=self.get_item(item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="kits_items_wording",
        summary="Accept or refuse a question's new wording",
        description="When an editor rewrites a question, kits that use it keep their wording "
        "and say `changed_in_bank` (with `bank_text` and `bank_guidance`). "
        '`{"choice": "accept"}` takes the new wording into the kit; `{"choice": "keep"}` '
        "keeps the kit's and stops flagging it until the question changes again.",
        parameters=[KIT_ID, ITEM_ID],
        request=KitWordingSerializer,
        responses={200: KitItemSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]+)/wording")
    def item_wording(self, request: Request, pk: str, item_id: str) -> Response:
        item = self.get_item(item_id)
        choice = self.parsed(KitWordingSerializer)["choice"]
        if choice == "accept":
            item = item_rules.kit_accept_change(item=item)
        else:
            item = item_rules.kit_keep_wording(item=item)
        return item_response(item)


def order_problem(wanted: list[int], current: list[int]) -> str:
    """What is wrong with an order that is not exactly the kit's items, or "" if nothing.

    Only explains: `item_rules.kit_set_order` enforces the rule itself, under the kit's lock.
    """
    listed = set(wanted)
    repeated = sorted(item_id for item_id, times in Counter(wanted).items() if times > 1)
    unknown = sorted(listed - set(current))
    missing = [item_id for item_id in current if item_id not in listed]
    if not (repeated or unknown or missing):
        return ""
    parts = [
        f"{label}: {', '.join(map(str, ids))}."
        for label, ids in [
            ("Missing", missing),
            ("Not in this kit", unknown),
            ("Listed more than once", repeated),
        ]
        if ids
    ]
    return "List every item of this kit exactly once. " + " ".join(parts)
