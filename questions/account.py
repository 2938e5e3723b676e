"""The signed-in person's account page: what they may do, and their personal API token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from interviewbank.auth import issue_token
from questions.bank.access import can_browse


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's account: what they can do, and their API token."""
    return render(request, "questions/account.html", _account_context(request))


@never_cache
@require_POST
@login_required
def account_token_create(request: HttpRequest) -> HttpResponse:
    """Make a new personal API token, replacing any old one, and show it this once."""
    key = issue_token(request.user)
    # Rendered, not redirected: the key is on this one response and stored nowhere.
    context = _account_context(request) | {"new_key": key}
    return render(request, "questions/account.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def account_token_revoke(request: HttpRequest) -> HttpResponse:
    """Ask, then delete the person's API token so scripts using it stop working."""
    if request.method == "POST":
        deleted, _ = Token.objects.filter(user=request.user).delete()
        if deleted:
            messages.success(request, "Your API token is revoked. Scripts using it stop working.")
        return redirect("questions:account")
    token = Token.objects.filter(user=request.user).first()
    if token is None:
        return redirect("questions:account")
    return render(request, "questions/token_revoke.html", {"token": token})


def _account_context(request: HttpRequest) -> dict:
    return {
        "token": Token.objects.filter(user=request.user).first(),
        "groups": request.user.groups.order_by("name"),
        "can_browse": can_browse(request.user),
        "can_edit": request.user.has_perm("questions.change_question"),
    }
