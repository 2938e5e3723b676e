"""Who may open a kit's pages: the kit-builder check, and the look-ups that answer 404 for a
kit a person may not see, so that its existence is not given away.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from questions.kits import queries
from questions.models import Kit, KitItem


def kit_builder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to sign in; refuse accounts that cannot build kits, politely."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not queries.can_build_kits(request.user):
            raise PermissionDenied(queries.CANNOT_BUILD)
        return view(request, *args, **kwargs)

    return wrapper


def readable_kit(request: HttpRequest, code) -> Kit:
    """The kit if this person may read it (owner or staff); a 404 for anyone else."""
    return get_object_or_404(
        queries.kits_visible_to(request.user).select_related("role", "owner"), code=code
    )


def own_kit(request: HttpRequest, code) -> Kit:
    """The kit if this person owns it and may build kits.

    Anyone else gets a 404, staff included (they only read), so a kit's address reveals
    nothing. An owner who has since lost the kit permissions is refused politely.
    """
    kit = get_object_or_404(Kit.objects.owned_by(request.user).select_related("role"), code=code)
    if not queries.can_build_kits(request.user):
        raise PermissionDenied(queries.NO_LONGER_BUILDS)
    return kit


def own_item(request: HttpRequest, code, item_id: int) -> KitItem:
    kit = own_kit(request, code)
    item = get_object_or_404(KitItem.objects.select_related("question"), pk=item_id, kit=kit)
    item.kit = kit
    return item
