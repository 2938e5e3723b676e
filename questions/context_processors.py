from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every page's header and footer need."""
    return {"public_browsing": settings.PUBLIC_BROWSING}
