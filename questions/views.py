"""HTML pages for browsing the bank."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from questions import kits
from questions.access import browse_required, can_browse
from questions.filters import QuestionFilter
from questions.models import Competency, Question, Role

ACTIVE = Q(questions__is_active=True)


@require_GET
@browse_required
def home(request: HttpRequest) -> HttpResponse:
    # Aggregating queries ignore Meta.ordering, so order explicitly.
    competencies = Competency.objects.annotate(
        question_count=Count("questions", filter=ACTIVE)
    ).order_by("display_order")
    roles = Role.objects.annotate(question_count=Count("questions", filter=ACTIVE)).order_by(
        "title"
    )
    return render(request, "questions/home.html", {"competencies": competencies, "roles": roles})


@require_GET
@browse_required
def competency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    competency = get_object_or_404(Competency, slug=slug)
    questions = Question.objects.active().filter(competency=competency).for_listing()
    question_filter = QuestionFilter(request.GET, queryset=questions)
    status = 200
    if question_filter.is_valid():
        questions = question_filter.qs
    else:
        # Keep the page useful: show every question and say which filter was not understood.
        status = 400
    page = Paginator(questions, settings.QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "competency": competency,
        "competencies": Competency.objects.all(),
        "filter": question_filter,
        "page": page,
        "query_string": _without_page(request),
    }
    return render(request, "questions/competency.html", context, status=status)


@require_GET
@browse_required
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
        "my_kits": kits.kits_using(question, user=request.user) if question.kit_count else [],
    }
    return render(request, "questions/question.html", context)


@require_GET
@browse_required
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(Role, slug=slug)
    competencies = Competency.objects.annotate(
        question_count=Count("questions", filter=ACTIVE & Q(questions__roles=role))
    ).order_by("display_order")
    return render(request, "questions/role.html", {"role": role, "competencies": competencies})


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
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    # Rendered, not redirected: the key is on this one response and stored nowhere else.
    context = _account_context(request) | {"new_key": token.key}
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


def _without_page(request: HttpRequest) -> str:
    """The current query string minus `page`, for pagination links that keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
