"""The search page: results, facets and filters, rendered once per bank version."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from questions.bank.access import browse_required
from questions.caching import cached_bank, competency_counts, reads_bank
from questions.links import page_number
from questions.search.forms import SearchForm
from questions.search.queries import filter_arguments, question_search

# A search page's content depends on these parameters and the bank alone, not on who asks.
SEARCH_PARAMETERS = ("q", *SearchForm.FILTERS, "page")


@dataclass(frozen=True)
class SearchPage:
    """What a search answers, rendered: kept per bank version, shared by everyone."""

    status: int
    query: str
    title: str
    content: str
    cacheable: bool


@require_GET
@browse_required
@reads_bank
def search(request: HttpRequest) -> HttpResponse:
    """Search results for `q` with filters and facets; a blank query shows browsing.

    htmx requests (typing in the header box, paging) get only the results partial.
    Rendering costs more than searching, so the rendered page is kept as long as a search
    result is, and a repeated search only wraps it in the visitor's header.
    """
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    page = cached_bank(
        "search-page",
        lambda: _search_page(request.GET, partial),
        partial,
        *(request.GET.get(name, "") for name in SEARCH_PARAMETERS),
        timeout=settings.SEARCH_CACHE_SECONDS,
        keep=lambda page: page.cacheable,
    )
    # The HTML was escaped when rendered; a cache may hand it back as plain text.
    content = mark_safe(page.content)
    if partial:
        response = HttpResponse(content, status=page.status)
    else:
        context = {"title": mark_safe(page.title), "content": content, "header_query": page.query}
        response = render(request, "questions/search/search.html", context, status=page.status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _search_page(asked: QueryDict, partial: bool) -> SearchPage:
    form = SearchForm(asked)
    status = 200 if form.is_valid() else 400
    # Fields that did not validate are left out, so the page still shows what it can.
    data = form.cleaned_data
    query = data.get("q") or ""
    filters = {name: data.get(name) or "" for name in SearchForm.FILTERS}
    number = page_number(asked.get("page"))
    per_page = settings.QUESTIONS_PER_PAGE
    result = question_search(
        query, **filter_arguments(filters), limit=per_page, offset=(number - 1) * per_page
    )
    params = {"q": result.query, **filters}
    context = {
        "form": form,
        "result": result,
        "partial": partial,
        "active_filters": _active_filters(form, params),
        "competency_facets": [
            (facet, _search_url(params, competency=facet.value))
            for facet in result.competency_facets
        ],
        "type_facets": [
            (facet, _search_url(params, type=facet.value)) for facet in result.type_facets
        ],
        "corrected_url": _search_url(params, q=result.corrected_query or ""),
        "clear_filters_url": _search_url({"q": result.query}),
        "first_page_url": _search_url(params),
        "here_url": _search_url(params, page=number),
        "previous_url": _search_url(params, page=number - 1) if result.has_previous else "",
        "next_url": _search_url(params, page=number + 1) if result.has_next else "",
        "browse": None if result.query else competency_counts(),
    }
    template = (
        "questions/search/_results.html" if partial else "questions/search/_search_content.html"
    )
    return SearchPage(
        status=status,
        query=query,
        title=render_to_string("questions/search/_search_title.html", context).strip(),
        content=render_to_string(template, context),
        cacheable=not result.timed_out,
    )


def _search_url(params: dict[str, str], **changes: str | int) -> str:
    """/search/ with these parameters, blanks and page 1 left out so links stay short."""
    query = QueryDict(mutable=True)
    for name, value in {**params, **changes}.items():
        if value and not (name == "page" and value == 1):
            query[name] = str(value)
    path = reverse("questions:search")
    return f"{path}?{query.urlencode()}" if query else path


def _active_filters(form: SearchForm, params: dict[str, str]) -> list[tuple[str, str, str]]:
    """(filter name, chosen label, URL without it) for each filter in use."""
    active = []
    for name in SearchForm.FILTERS:
        value = params.get(name)
        if value:
            label = dict(form.fields[name].choices).get(value, value)
            active.append((form.fields[name].label, label, _search_url(params, **{name: ""})))
    return active
