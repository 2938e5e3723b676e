"""HTML pages for interview kits: my kits, a new kit, the builder and its settings, balance,
duplicate, archive, delete and sharing. The builder's question cards are item_pages.py's;
the interviewer's sheet, print, PDF and share link are sheets.py's.

Every change goes through the rules (rules.py, item_rules.py, balance.py). A change posted by htmx
is answered with the parts of the builder it affects (out-of-band swaps); the same form
posted without JavaScript is answered with a redirect back to the builder and a message.

Access: a kit is visible to its owner and to staff; to everyone else its URLs are a 404.
Building needs the kit permissions (the Hiring manager group); a share link needs nothing.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from questions.counting import CappedPaginator
from questions.kits import balance, queries, rules
from questions.kits.access import kit_builder_required, own_kit, readable_kit
from questions.kits.forms import (
    BalanceForm,
    BankFilter,
    KitCreateForm,
    KitForm,
)
from questions.links import page_number, without_page
from questions.models import Competency, Kit, Question
from questions.search.queries import filter_arguments, question_search
from questions.search.results import SearchResult

KITS_PER_PAGE = 30
BANK_PER_PAGE = 20


@require_GET
@kit_builder_required
def kit_list(request: HttpRequest) -> HttpResponse:
    mine = Kit.objects.owned_by(request.user)
    showing_archived = request.GET.get("archived") == "1"
    counts = mine.aggregate(
        active=Count("pk", filter=Q(is_archived=False)),
        archived=Count("pk", filter=Q(is_archived=True)),
    )
    shown = (
        (mine.archived() if showing_archived else mine.active())
        .with_totals()
        .order_by("-updated_at", "-id")
    )
    page = Paginator(shown, KITS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "showing_archived": showing_archived,
        "counts": counts,
        "query_string": "archived=1" if showing_archived else "",
    }
    return render(request, "questions/kits/kit_list.html", context)


@require_http_methods(["GET", "POST"])
@kit_builder_required
def kit_create(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = KitCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            arguments = {
                "owner": request.user,
                "title": data["title"],
                "role": data["role"],
                "target_minutes": data["target_minutes"],
                "notes": data["notes"],
                "competencies": data["competencies"],
            }
            try:
                if data["balance"]:
                    kit = balance.kit_create_from_role(**arguments)
                else:
                    kit = rules.kit_create(**arguments)
            except rules.KitError as error:
                form.add_error(error.field, error.message)
            else:
                count = kit.items.count()
                messages.success(
                    request,
                    f"Created “{kit.title}” with {count} question{'s' if count != 1 else ''}."
                    if data["balance"]
                    else f"Created “{kit.title}”. Add questions from the bank.",
                )
                return redirect(kit)
        status = 400
    else:
        # Links such as /kits/new/?role=…&competencies=strategy preselect the form.
        form = KitCreateForm(initial=_initial_from_query(request))
    return render(
        request, "questions/kits/kit_form.html", {"form": form, "kit": None}, status=status
    )


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    if request.GET.get("role"):
        initial["role"] = request.GET["role"]
    if request.GET.getlist("competencies"):
        initial["competencies"] = request.GET.getlist("competencies")
    if request.GET.get("balance"):
        initial["balance"] = True
    return initial


@require_GET
@login_required
def kit_detail(request: HttpRequest, code) -> HttpResponse:
    """The kit builder: the bank beside the kit. Staff reading someone's kit see the kit."""
    kit = readable_kit(request, code)
    if kit.owner_id != request.user.pk or not queries.can_build_kits(request.user):
        return redirect("questions:kit-view", code=kit.code)
    context = builder_context(kit)
    bank_filter, bank_page, bank_valid = _bank(request)
    context.update(
        bank_filter=bank_filter,
        bank_page=bank_page,
        bank_rows=[(question, context["in_kit"].get(question.pk)) for question in bank_page],
        bank_query=without_page(request),
        here=request.get_full_path(),
        share_url=(
            request.build_absolute_uri(reverse("questions:kit-shared", args=[kit.share_token]))
            if kit.share_token
            else ""
        ),
    )
    status = 200 if bank_valid else 400
    if request.htmx and request.htmx.target == "bank-results":
        template = "questions/kits/_kit_bank_results.html"
    else:
        template = "questions/kits/kit_builder.html"
        context.update(_pending_undo(request, kit))
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _bank(request: HttpRequest) -> tuple[BankFilter, Any, bool]:
    """The bank panel's page of questions: searched when words are given, else browsed."""
    questions = Question.objects.active().for_listing()
    bank_filter = BankFilter(request.GET, queryset=questions)
    valid = bank_filter.is_valid()
    words = bank_filter.form.cleaned_data.get("q", "").strip() if valid else ""
    if words:
        return bank_filter, _search_page(words, bank_filter.form.cleaned_data, request), valid
    results = bank_filter.qs if valid else questions
    page = CappedPaginator(results, BANK_PER_PAGE).get_page(request.GET.get("page"))
    return bank_filter, page, valid


def _search_page(words: str, filters: dict[str, Any], request: HttpRequest) -> "SearchPage":
    """The same ranked, typo-tolerant search as the search page, for the bank panel."""
    number = page_number(request.GET.get("page"))
    result = question_search(
        words,
        **filter_arguments(filters),
        limit=BANK_PER_PAGE,
        offset=(number - 1) * BANK_PER_PAGE,
    )
    return SearchPage(result)


class SearchPage:
    """A search result in the shape of a Paginator page, so the panel renders either."""

    def __init__(self, result: SearchResult) -> None:
        self.result = result
        self.object_list = result.questions
        self.number = result.page_number
        self.paginator = self  # count and num_pages live here, as on a Page's paginator
        self.count = result.total
        self.count_is_lower_bound = result.total_is_lower_bound
        self.num_pages = result.page_count

    def __iter__(self):
        return iter(self.object_list)

    def has_previous(self) -> bool:
        return self.result.has_previous

    def has_next(self) -> bool:
        return self.result.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def builder_context(kit: Kit) -> dict[str, Any]:
    """Everything the kit side of the builder shows, in a fixed number of queries."""
    items = list(queries.kit_items(kit))
    competencies = list(Competency.objects.all())
    alternates = queries.alternates_for(items)
    for item in items:
        # Set on every item, as the template asks: a missing attribute is a slow lookup
        # for Django's templates, several per item of a 60-question kit.
        item.diff = queries.kit_item_diff(item) if item.changed_in_bank else None
        item.edit_form = None  # the form with its errors, after a failed edit
        item.alternates = alternates.get(item.question_id, [])
    return {
        "kit": kit,
        "items": items,
        "summary": queries.kit_summary(kit, items, competencies=competencies),
        "in_kit": {item.question_id: item for item in items},
        "last_position": len(items),
    }


# Without JavaScript, a removal redirects to the builder, which offers its "Undo" once.
UNDO_SESSION_KEY = "kit_undo_removal"


def _pending_undo(request: HttpRequest, kit: Kit) -> dict[str, str]:
    pending = request.session.pop(UNDO_SESSION_KEY, None)
    if not pending or pending.get("kit") != str(kit.code):
        return {}
    return {"undo_token": pending["token"], "undo_message": pending["message"]}


@require_http_methods(["GET", "POST"])
@login_required
def kit_edit(request: HttpRequest, code) -> HttpResponse:
    kit = own_kit(request, code)
    status = 200
    if request.method == "POST":
        form = KitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rules.kit_update(
                    kit=kit,
                    title=data["title"],
                    role=data["role"],
                    target_minutes=data["target_minutes"],
                    notes=data["notes"],
                    competencies=data["competencies"],
                )
            except rules.KitError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, "Kit details saved.")
                return redirect(kit)
        status = 400
    else:
        form = KitForm(
            initial={
                "title": kit.title,
                "role": kit.role.slug if kit.role else None,
                "target_minutes": kit.target_minutes,
                "competencies": [c.slug for c in kit.competencies.all()],
                "notes": kit.notes,
            }
        )
    return render(
        request, "questions/kits/kit_form.html", {"form": form, "kit": kit}, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def kit_balance(request: HttpRequest, code) -> HttpResponse:
    """Propose a balanced set of questions (GET), and put it in the kit when confirmed (POST)."""
    kit = own_kit(request, code)
    data = request.POST if request.method == "POST" else request.GET
    submitted = "target_minutes" in data
    if submitted:
        form = BalanceForm(data)
    else:
        form = BalanceForm(
            initial={
                "role": kit.role.slug if kit.role else None,
                "target_minutes": kit.target_minutes,
                "competencies": [c.slug for c in kit.competencies.all()],
            }
        )
    proposal: list[Question] = []
    if submitted and form.is_valid():
        inputs = form.cleaned_data
        proposal = balance.kit_balance(
            role=inputs["role"],
            target_minutes=inputs["target_minutes"],
            competencies=inputs["competencies"],
            rotate=inputs["rotate"],
        )
        if request.method == "POST":
            try:
                kit, proposal = balance.kit_rebalance(
                    kit=kit,
                    role=inputs["role"],
                    target_minutes=inputs["target_minutes"],
                    competencies=inputs["competencies"],
                    rotate=inputs["rotate"],
                )
            except rules.KitError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    f"The kit now has {len(proposal)} balanced questions. Edit away.",
                )
                return redirect(kit)
    context = {
        "kit": kit,
        "form": form,
        "submitted": submitted,
        "proposal": proposal,
        "proposal_minutes": sum(q.minutes for q in proposal),
        "current_count": kit.items.count(),
    }
    status = 400 if submitted and not form.is_valid() else 200
    return render(request, "questions/kits/kit_balance.html", context, status=status)


@require_POST
@login_required
def kit_duplicate(request: HttpRequest, code) -> HttpResponse:
    kit = own_kit(request, code)
    copy = rules.kit_duplicate(kit=kit, owner=request.user)
    messages.success(request, f"Made “{copy.title}”: a copy you can change freely.")
    return redirect(copy)


@require_POST
@login_required
def kit_archive(request: HttpRequest, code) -> HttpResponse:
    kit = own_kit(request, code)
    archive = request.POST.get("archived", "1") != "0"
    kit = rules.kit_archive(kit=kit, archived=archive)
    if archive:
        messages.success(request, f"Archived “{kit.title}”. Find it under Archived to restore it.")
        return redirect("questions:kit-list")
    messages.success(request, f"Restored “{kit.title}”.")
    return redirect(kit)


@require_http_methods(["GET", "POST"])
@login_required
def kit_delete(request: HttpRequest, code) -> HttpResponse:
    kit = own_kit(request, code)
    if request.method == "POST":
        title = kit.title
        rules.kit_delete(kit=kit)
        messages.success(request, f"Deleted “{title}”.")
        return redirect("questions:kit-list")
    return render(
        request, "questions/kits/kit_confirm_delete.html", {"kit": kit, "count": kit.items.count()}
    )


@require_POST
@login_required
def kit_share(request: HttpRequest, code) -> HttpResponse:
    kit = own_kit(request, code)
    action = request.POST.get("action")
    if action == "on":
        rules.kit_share(kit=kit)
        messages.success(request, "Sharing is on: anyone with the link can read this kit.")
    elif action == "regenerate":
        rules.kit_share(kit=kit, regenerate=True)
        messages.success(request, "New link made. The old link no longer works.")
    elif action == "off":
        rules.kit_revoke_share(kit=kit)
        messages.success(request, "Sharing is off. The link no longer works.")
    else:
        messages.error(request, "Choose to turn sharing on or off, or make a new link.")
    return redirect(kit.get_absolute_url() + "#share")
