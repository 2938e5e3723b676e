"""How often the API and the signed-out kit pages answer one client.

Kept apart from the viewsets: DRF imports throttle classes while its own views module is
still loading, so this module must not import views.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.template import loader
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from interviewbank.auth import client_ip


class _RatesFromSettings:
    """Read the rate at request time, so settings overridden in tests take effect, and count
    clients by the address the outermost trusted proxy saw (TRUSTED_PROXY_COUNT).

    DRF otherwise copies the rates onto the class once, when it is imported, and trusts
    whatever X-Forwarded-For a client sends.
    """

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_ip(request) or ""


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Requests without credentials, counted per client address."""


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """Requests with credentials, counted per account."""


class _PerAddressThrottle(_RatesFromSettings, SimpleRateThrottle):
    """Counted per client address, whoever is signed in."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SharedKitThrottle(_PerAddressThrottle):
    """Kits opened by share link."""

    scope = "shared_kit"


class SharedKitPdfThrottle(_PerAddressThrottle):
    """PDFs of kits opened by share link: each may cost a server process a second or two."""

    scope = "shared_kit_pdf"


def throttled(
    throttle_class: type[SimpleRateThrottle],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer a page view with 429 (and when to come back) once a client asks too often."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            throttle = throttle_class()
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            wait = max(1, round(throttle.wait() or 1))
            response = HttpResponse(
                loader.render_to_string("429.html", {"wait": wait}, request=request), status=429
            )
            response["Retry-After"] = str(wait)
            return response

        return wrapper

    return decorator
