"""Addresses of the bank's pages, for lists that link many of them."""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "slug-goes-here"


def slug_url(viewname: str, slug: str) -> str:
    """`reverse(viewname, args=[slug])` for a route with one `<slug:slug>`.

    A page of search results links twenty questions and their competencies, and resolving
    each address from scratch cost more than the rest of a card. The address around the
    slug is resolved once per route (and script prefix) and the slug put in its place.
    """
    before, after = _around_slug(viewname, get_script_prefix(), get_urlconf())
    return f"{before}{quote(slug, safe='')}{after}"


@functools.cache
def _around_slug(viewname: str, script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    before, after = reverse(viewname, args=[_MARKER], urlconf=urlconf).split(_MARKER)
    return before, after
