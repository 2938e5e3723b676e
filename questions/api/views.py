"""What every viewset shares: who may call it at all, and how a request body is checked."""

from typing import Any

from rest_framework import permissions
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request


class SignedIn(permissions.BasePermission):
    """Signed in; a method the endpoint does not offer is let through to its 405."""

    def has_permission(self, request: Request, view: GenericAPIView) -> bool:
        if not hasattr(view, request.method.lower()):
            return True
        return bool(request.user and request.user.is_authenticated)


def parsed(request: Request, serializer_class: type, **kwargs: Any) -> Any:
    """The request body checked by `serializer_class` (a 400 naming each bad field)."""
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer
