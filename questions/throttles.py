"""How often the API answers one client.

Kept apart from questions.api: DRF imports throttle classes while its own views module is
still loading, so this module must not import views.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RatesFromSettings:
    """Read the rate at request time, so settings overridden in tests take effect.

    DRF otherwise copies the rates onto the class once, when it is imported.
    """

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Requests without credentials, counted per client address."""


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """Requests with credentials, counted per account."""
