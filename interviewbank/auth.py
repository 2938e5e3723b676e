"""Sign-in throttling (django-axes) wiring: the backend and how the visitor's address is found."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuse sign-ins that django-axes has locked out; let the next backend do the rest.

    django-axes needs the request to know who is trying. Sign-ins from the web always pass
    it (Django's login views, the admin, DRF's authentication classes); a call without one
    comes from code on the server itself (the test client's `login()`, a shell), which no
    one on the internet can reach, so it is not throttled instead of failing.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address: the socket's, or X-Forwarded-For as set by trusted proxies.

    With N proxies in front, each appends the address it received from, so the N-th entry
    from the right is the one the outermost proxy saw; entries further left are whatever
    the client sent and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
