"""Addresses of the bank's pages, for lists that link many of them, and the page numbers
and query strings that paged lists share."""

import functools
import uuid
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

_SLUG_MARKER = "slug-goes-here"
_CODE_MARKER = uuid.UUID(int=0)
_ITEM_MARKER = 9_876_543_210
# Past any real list; keeps a hand-typed page number from asking for a huge OFFSET.
MAX_PAGE = 10_000


def page_number(value: str | None) -> int:
    """A page number from a page's query string; anything odd means the first page."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def without_page(request: HttpRequest) -> str:
    """The current query string minus `page`, for pagination links that keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def slug_url(viewname: str, slug: str) -> str:
    """`reverse(viewname, args=[slug])` for a route with one `<slug:slug>`.

    A page of search results links twenty questions and their competencies, and resolving
    each address from scratch cost more than the rest of a card. The address around the
    slug is resolved once per route (and script prefix) and the slug put in its place.
    """
    before, after = _around(viewname, (_SLUG_MARKER,), get_script_prefix(), get_urlconf())
    return f"{before}{quote(slug, safe='')}{after}"


def kit_item_url(viewname: str, code: uuid.UUID | str, item_id: int) -> str:
    """`reverse(viewname, args=[code, item_id])` for a route of one item of a kit
    (`kits/<uuid:code>/items/<int:item_id>/...`).

    The kit builder links each of up to 60 items to its edit, move and remove actions, and
    resolving those addresses from scratch was a tenth of the page. As for slugs, the
    address around the two values is resolved once per route.
    """
    code = code if isinstance(code, uuid.UUID) else uuid.UUID(str(code))
    item_id = int(item_id)
    if item_id < 0:
        raise ValueError(f"An item id is a positive number, not {item_id}.")
    markers = (_CODE_MARKER, _ITEM_MARKER)
    before, middle, after = _around(viewname, markers, get_script_prefix(), get_urlconf())
    return f"{before}{code}{middle}{item_id}{after}"


@functools.cache
def _around(
    viewname: str, markers: tuple[object, ...], script_prefix: str, urlconf: str | None
) -> tuple[str, ...]:
    """The pieces of `viewname`'s address around each of its arguments, in order."""
    rest = reverse(viewname, args=markers, urlconf=urlconf)
    pieces = []
    for marker in markers:
        piece, rest = rest.split(str(marker))
        pieces.append(piece)
    return (*pieces, rest)
