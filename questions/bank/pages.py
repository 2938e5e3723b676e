"""HTML pages for browsing the bank: home, competencies, questions and roles."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from questions.bank.access import browse_required
from questions.bank.filters import QuestionFilter
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
from questions.kits import queries
from questions.kits.add_pages import add_to_kit_context
from questions.links import without_page
from questions.models import Question, Role
from questions.scorecards.effectiveness import effectiveness_context


@require_GET
@browse_required
@reads_bank
def home(request: HttpRequest) -> HttpResponse:
    """Competency and role cards with their question counts, cached until the bank changes."""
    context = {"competencies": competency_counts(), "roles": role_counts()}
    return render(request, "questions/bank/home.html", context)


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
            "questions/bank/_question_list.html",
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
        "query_string": without_page(request),
    }
    return render(request, "questions/bank/competency.html", context, status=status)


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
        "add_to_kit": add_to_kit_context(request, question),
        "effectiveness": effectiveness_context(question, user=request.user),
    }
    return render(request, "questions/bank/question.html", context)


@require_GET
@browse_required
@reads_bank
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(Role, slug=slug)
    return render(
        request,
        "questions/bank/role.html",
        {"role": role, "competencies": role_competency_counts(role)},
    )
