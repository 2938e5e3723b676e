"""The REST API for interview kits, under /api/v1/kits/.

Everything the kit pages do, for scripts: list, create, read, change, balance, archive,
delete and duplicate kits; add, change, remove and reorder their questions; settle changed
wording; share. The item actions are api_items.py's; downloads (PDF, Markdown, CSV)
api_downloads.py's. Every change is a call to the kit rules (rules.py, item_rules.py,
balance.py), so each rule lives in one place; a broken rule (`KitError`) is a 400 with the
rule's message.

Access is the pages' access: a kit is read by its owner and by staff, changed only by its
owner while they may build kits (the Hiring manager group). Anyone else's kit is a 404 —
its id reveals nothing — and listing or creating kits without the permission is a 403.
"""

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from questions.api.errors import (
    LIST_ERRORS,
    OWNER_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    error_responses,
)
from questions.api.pagination import BankPagination
from questions.api.views import SignedIn, parsed
from questions.kits import balance, queries, rules
from questions.kits.api_common import KIT_ID, kit_queryset
from questions.kits.api_items import KitItemActions
from questions.kits.filters import KitApiFilter
from questions.kits.serializers import (
    KitBalanceSerializer,
    KitChangeSerializer,
    KitCreateSerializer,
    KitSerializer,
    KitShareSerializer,
)
from questions.models import Competency, Kit

# Actions that read a kit: open to staff as well as the owner, and to owners who may no
# longer build kits, as the kit pages are.
READ_ACTIONS = {"retrieve"}


class KitPermission(SignedIn):
    """Signed in for everything; able to build kits to list and create them.

    Which kits someone may read or change is decided by the queryset (anything else is a
    404). A method the endpoint does not offer is let through, so everyone gets the same 405.
    """

    message = queries.CANNOT_BUILD

    def has_permission(self, request: Request, view: GenericAPIView) -> bool:
        if not super().has_permission(request, view):
            return False
        # `action` is None for a method the endpoint does not offer.
        if getattr(view, "action", None) in ("list", "create"):
            return queries.can_build_kits(request.user)
        return True


@extend_schema_view(
    list=extend_schema(
        summary="List my kits",
        description="The kits you own, oldest first (by `id`): those in use by default, like "
        "“My kits”; `archived=true` for the archived ones, `any` for both. Each kit comes "
        "whole, with its items and summary. Needs the Hiring manager group.",
        responses={200: KitSerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="Read a kit",
        description="A kit you own (or, for staff, anyone's), with its items in order and its "
        "summary. Anyone else's kit is a 404.",
        parameters=[KIT_ID],
        responses={200: KitSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Create a kit",
        description="An empty kit to add questions to, or with `balance: true` one already "
        "filled with a balanced set for the role and competencies. Needs the Hiring manager "
        "group.",
        request=KitCreateSerializer,
        responses={201: KitSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change a kit's details",
        description="Send only what changes: `title`, `role` (null clears it), "
        "`target_minutes`, `notes`, `competencies`. An archived kit cannot be changed "
        "until it is unarchived.",
        parameters=[KIT_ID],
        request=KitChangeSerializer,
        responses={200: KitSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Delete a kit",
        description="Deletes the kit and its items for good; the questions stay in the bank. "
        "To keep it out of the way instead, archive it.",
        parameters=[KIT_ID],
        responses={204: None, **error_responses(*OWNER_ERRORS)},
    ),
)
class KitViewSet(KitItemActions, viewsets.GenericViewSet):
    """Interview kits and their questions: read by the owner and staff, changed by the owner."""

    permission_classes = [KitPermission]
    pagination_class = BankPagination
    serializer_class = KitSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = KitApiFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Kit]:
        user = self.request.user
        seen = (
            queries.kits_visible_to(user)
            if self.action in READ_ACTIONS
            else Kit.objects.owned_by(user)
        )
        return kit_queryset(seen).order_by("id")

    def filter_queryset(self, queryset: QuerySet[Kit]) -> QuerySet[Kit]:
        # `archived` narrows the list only: an archived kit is still read by id.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> Kit:
        """The kit if this person may read it (or, for a change, owns it); else a 404."""
        kit = super().get_object()
        if self.action not in READ_ACTIONS and not queries.can_build_kits(self.request.user):
            raise exceptions.PermissionDenied(queries.NO_LONGER_BUILDS)
        return kit

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "competencies": self.competencies}

    @cached_property
    def competencies(self) -> list[Competency]:
        """Every competency, read once per request: each kit's summary needs them."""
        return list(Competency.objects.all())

    def kit_response(self, kit: Kit, *, status_code: int = status.HTTP_200_OK) -> Response:
        """A kit as the API shows it, read afresh after a change."""
        kit = kit_queryset(Kit.objects.all()).get(pk=kit.pk)
        return Response(self.get_serializer(kit).data, status=status_code)

    def parsed(self, serializer_class: type, **kwargs: Any) -> dict[str, Any]:
        """The request body, checked by `serializer_class`; a 400 naming each bad field."""
        return parsed(self.request, serializer_class, **kwargs).validated_data

    # Kits -------------------------------------------------------------------------------

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        data = self.parsed(KitCreateSerializer)
        arguments = {
            "owner": request.user,
            "title": data.get("title", ""),
            "role": data.get("role"),
            "target_minutes": data.get("target_minutes", rules.DEFAULT_TARGET_MINUTES),
            "notes": data.get("notes", ""),
            "competencies": data.get("competencies", []),
        }
        if data["balance"]:
            kit = balance.kit_create_from_role(**arguments)
        else:
            kit = rules.kit_create(**arguments)
        return self.kit_response(kit, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        kit = self.get_object()
        data = self.parsed(KitChangeSerializer)
        kit = rules.kit_update(
            kit=kit,
            title=data.get("title"),
            role=data.get("role", rules.UNCHANGED),
            target_minutes=data.get("target_minutes"),
            notes=data.get("notes"),
            competencies=data.get("competencies"),
        )
        return self.kit_response(kit)

    def destroy(self, request: Request, pk: str) -> Response:
        rules.kit_delete(kit=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="kits_duplicate",
        summary="Duplicate a kit",
        description="A copy of the kit for you — questions, pinned wording, minutes and notes "
        "— titled “Copy of …”, not shared. Archived kits can be copied too.",
        parameters=[KIT_ID],
        request=None,
        responses={201: KitSerializer, **error_responses(*OWNER_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        copy = rules.kit_duplicate(kit=self.get_object(), owner=request.user)
        return self.kit_response(copy, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="kits_archive",
        summary="Archive a kit",
        description="Takes the kit out of the list (see `archived=true`) and makes it "
        "read-only; it can still be read, downloaded, shared and unarchived.",
        parameters=[KIT_ID],
        request=None,
        responses={200: KitSerializer, **error_responses(*OWNER_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        return self.kit_response(rules.kit_archive(kit=self.get_object(), archived=True))

    @extend_schema(
        operation_id="kits_unarchive",
        summary="Unarchive a kit",
        description="Restores an archived kit to the list, and to editing.",
        parameters=[KIT_ID],
        request=None,
        responses={200: KitSerializer, **error_responses(*OWNER_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def unarchive(self, request: Request, pk: str) -> Response:
        return self.kit_response(rules.kit_archive(kit=self.get_object(), archived=False))

    @extend_schema(
        operation_id="kits_balance",
        summary="Balance a kit",
        description="Replaces the kit's questions with a balanced set, as “Balance this kit” "
        "does: the same number from each competency, role questions first, within about "
        "four fifths of the slot. `role`, `target_minutes` and `competencies` default to the "
        "kit's and are saved on it. The same inputs always give the same questions; with "
        "`rotate`, the least asked lately come first, one of each set of alternates.",
        parameters=[KIT_ID],
        request=KitBalanceSerializer,
        responses={200: KitSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def balance(self, request: Request, pk: str) -> Response:
        kit = self.get_object()
        data = self.parsed(KitBalanceSerializer)
        role = data.get("role", kit.role)
        target_minutes = data.get("target_minutes", kit.target_minutes)
        competencies = data.get("competencies", list(kit.competencies.all()))
        kit, _ = balance.kit_rebalance(
            kit=kit,
            role=role,
            target_minutes=target_minutes,
            competencies=competencies,
            rotate=data.get("rotate", False),
        )
        return self.kit_response(kit)

    @extend_schema(
        operation_id="kits_share",
        summary="Share a kit",
        description="Turns on the kit's read-only link (`share_url`), which anyone can open "
        "without an account. If it is on already the link stays the same, unless "
        '`{"regenerate": true}` asks for a new one: the old link then stops working.',
        parameters=[KIT_ID],
        request=KitShareSerializer,
        responses={200: KitSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str) -> Response:
        kit = self.get_object()
        data = self.parsed(KitShareSerializer)
        return self.kit_response(rules.kit_share(kit=kit, regenerate=data["regenerate"]))

    @extend_schema(
        operation_id="kits_unshare",
        summary="Stop sharing a kit",
        description="Turns the read-only link off: anyone opening it gets a 404.",
        parameters=[KIT_ID],
        request=None,
        responses={204: None, **error_responses(*OWNER_ERRORS)},
    )
    @share.mapping.delete
    def unshare(self, request: Request, pk: str) -> Response:
        rules.kit_revoke_share(kit=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
