"""HTML pages for browsing and searching the bank."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from interviewbank.auth import issue_token
from questions.access import browse_required, can_browse
from questions.caching import (
    cached_bank,
    competencies,
    competency_counts,
    reads_bank,
    role_choices,
    role_competency_counts,
    role_counts,
)
from questions.counting import CappedPaginator, count_upto
from questions.filters import QuestionFilter
from questions.forms import SearchForm
from questions.kits import queries
from questions.models import Question, Role
from questions.search.queries import question_search


@require_GET
@browse_required
@reads_bank
def home(request: HttpRequest) -> HttpResponse:
    """Competency and role cards with their question counts, cached until the bank changes."""
    context = {"competencies": competency_counts(), "roles": role_counts()}
    return render(request, "questions/home.html", context)


@require_GET
@browse_required
@reads_bank
def competency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One competency's questions, filtered and paged; counts and pages cached per version."""
    everything = competencies()
    competency = next((each for each in everything if each.slug == slug), None)
    if competency is None:
        raise Http404("No competency has this address.")
    questions = Question.objects.active().filter(competency=competency).for_listing()
    question_filter = QuestionFilter(request.GET, queryset=questions)
    question_filter.form.fields["role"].choices = [("", "Any role"), *role_choices()]
    status = 200
    filters = ("", "", "")
    if question_filter.is_valid():
        questions = question_filter.qs
        data = question_filter.form.cleaned_data
        filters = (data["role"].slug if data["role"] else "", data["type"], data["level"])
    else:
        # Keep the page useful: show every question and say which filter was not understood.
        status = 400
    # Counting is the costly part of paging: it stops at COUNT_LIMIT, and holds until the
    # bank changes.
    paginator = CappedPaginator(
        questions,
        settings.QUESTIONS_PER_PAGE,
        counted=lambda: cached_bank(
            "competency-count", lambda: count_upto(questions), competency.pk, *filters
        ),
    )
    page = paginator.get_page(request.GET.get("page"))
    # The cards are the same for everyone who may browse, and rendering them costs more
    # than reading them: kept as HTML until the bank changes.
    cards = cached_bank(
        "competency-cards",
        lambda: render_to_string(
            "questions/_question_list.html",
            {"page": page, "competency": competency, "path": request.path},
        ),
        competency.pk,
        *filters,
        page.number,
    )
    context = {
        "competency": competency,
        "competencies": everything,
        "filter": question_filter,
        "page": page,
        "cards": mark_safe(cards),
        "query_string": _without_page(request),
    }
    return render(request, "questions/competency.html", context, status=status)


@require_GET
@browse_required
@reads_bank
def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.with_usage().select_related("competency").prefetch_related("roles"),
        slug=slug,
    )
    siblings = Question.objects.active().filter(competency_id=question.competency_id)
    context = {
        "question": question,
        "previous": siblings.filter(id__lt=question.id).order_by("-id").first(),
        "next": siblings.filter(id__gt=question.id).order_by("id").first(),
        "my_kits": queries.kits_using(question, user=request.user) if question.kit_count else [],
    }
    return render(request, "questions/question.html", context)


@require_GET
@browse_required
@reads_bank
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(Role, slug=slug)
    return render(
        request, "questions/role.html", {"role": role, "competencies": role_competency_counts(role)}
    )


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
        response = render(request, "questions/search.html", context, status=page.status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _search_page(asked: QueryDict, partial: bool) -> SearchPage:
    form = SearchForm(asked)
    status = 200 if form.is_valid() else 400
    # Fields that did not validate are left out, so the page still shows what it can.
    data = form.cleaned_data
    query = data.get("q") or ""
    filters = {name: data.get(name) or "" for name in SearchForm.FILTERS}
    page_number = _page_number(asked.get("page"))
    per_page = settings.QUESTIONS_PER_PAGE
    result = question_search(
        query,
        competency=filters["competency"] or None,
        role=filters["role"] or None,
        question_type=filters["type"] or None,
        level=filters["level"] or None,
        limit=per_page,
        offset=(page_number - 1) * per_page,
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
        "previous_url": _search_url(params, page=page_number - 1) if result.has_previous else "",
        "next_url": _search_url(params, page=page_number + 1) if result.has_next else "",
        "browse": None if result.query else competency_counts(),
    }
    template = "questions/_results.html" if partial else "questions/_search_content.html"
    return SearchPage(
        status=status,
        query=query,
        title=render_to_string("questions/_search_title.html", context).strip(),
        content=render_to_string(template, context),
        cacheable=not result.timed_out,
    )


def _page_number(value: str | None) -> int:
    """A page number from the query string; anything odd means the first page."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), 10_000)


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


def _without_page(request: HttpRequest) -> str:
    """The current query string minus `page`, for pagination links that keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
