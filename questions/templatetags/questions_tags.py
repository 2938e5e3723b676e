"""Template filters and tags for the question pages."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questions import counting, links
from questions.search.results import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()

_MARKED = re.compile(f"{HIGHLIGHT_START}([^{HIGHLIGHT_START}{HIGHLIGHT_STOP}]*){HIGHLIGHT_STOP}")


@register.filter
def highlight(value: object) -> SafeString:
    """Escape text from the database, then wrap the words search matched in `<mark>`.

    Question text is typed by editors and is not trusted HTML, so everything is escaped
    first; only the sentinel characters the search put around matches become markup.
    """
    escaped = escape("" if value is None else str(value))
    marked = _MARKED.sub(_as_mark, escaped)
    # Stray sentinels (unbalanced, or typed into a question) carry no meaning.
    return mark_safe(marked.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))


def _as_mark(match: re.Match) -> str:
    # A function rather than a replacement template: `re` expands a template anew for each
    # match, which cost twice the escaping and the rest of highlighting together.
    return f"<mark>{match[1]}</mark>"


@register.filter
def count_label(count: int, at_least: bool = False) -> str:
    """A count as shown beside results: "1,204", or "1,000+" when counting stopped early."""
    text = f"{count:,}"
    return f"{text}+" if at_least else text


@register.filter
def capped(count: int) -> str:
    """A count made with `counting.capped_count`: "1,000+" past COUNT_LIMIT."""
    limit = counting.COUNT_LIMIT
    return count_label(min(count, limit), at_least=count > limit)


@register.simple_tag
def kit_item_url(viewname: str, code: object, item_id: object) -> str:
    """`{% url viewname code item_id %}` for a kit item's routes, without resolving it anew."""
    return links.kit_item_url(viewname, code, item_id)
