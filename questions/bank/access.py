"""Who may read the bank."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def can_browse(user) -> bool:
    """Anyone when PUBLIC_BROWSING is on; otherwise people allowed to view questions."""
    return settings.PUBLIC_BROWSING or user.has_perm("questions.view_question")


def browse_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to sign in, and refuse signed-in people without access."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if can_browse(request.user):
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(
            "Your account cannot browse the bank yet. Ask an admin to add you to a group."
        )

    return wrapper
