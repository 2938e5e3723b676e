"""HTML pages for interview kits: my kits, the builder, interviewer and print views, sharing.

Every change goes through questions/kits.py. A change posted by htmx is answered with the
parts of the builder it affects (out-of-band swaps); the same form posted without JavaScript
is answered with a redirect back to the builder and a message.

Access: a kit is visible to its owner and to staff; to everyone else its URLs are a 404.
Building needs the kit permissions (the Hiring manager group); a share link needs nothing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from questions import caching, kits
from questions.counting import CappedPaginator
from questions.kit_forms import (
    BalanceForm,
    BankFilter,
    KitCreateForm,
    KitForm,
    KitItemForm,
    MoveForm,
)
from questions.models import Competency, Kit, KitItem, Question
from questions.pdf import PdfUnavailable, pdf_document, pdf_download, pdf_unavailable
from questions.search import SearchResult, question_search
from questions.throttles import SharedKitPdfThrottle, SharedKitThrottle, throttled

KITS_PER_PAGE = 30
BANK_PER_PAGE = 20


def kit_builder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to sign in; refuse accounts that cannot build kits, politely."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not kits.can_build_kits(request.user):
            raise PermissionDenied(
                "Your account can open kits shared with you but cannot build kits. "
                "Ask an admin to add you to the Hiring manager group."
            )
        return view(request, *args, **kwargs)

    return wrapper


def _readable_kit(request: HttpRequest, code) -> Kit:
    """The kit if this person may read it (owner or staff); a 404 for anyone else."""
    return get_object_or_404(
        kits.kits_visible_to(request.user).select_related("role", "owner"), code=code
    )


def _own_kit(request: HttpRequest, code) -> Kit:
    """The kit if this person owns it and may build kits.

    Anyone else gets a 404, staff included (they only read), so a kit's address reveals
    nothing. An owner who has since lost the kit permissions is refused politely.
    """
    kit = get_object_or_404(Kit.objects.owned_by(request.user).select_related("role"), code=code)
    if not kits.can_build_kits(request.user):
        raise PermissionDenied(
            "Your account can no longer change kits. Ask an admin to add you to the "
            "Hiring manager group."
        )
    return kit


def _own_item(request: HttpRequest, code, item_id: int) -> KitItem:
    kit = _own_kit(request, code)
    item = get_object_or_404(KitItem.objects.select_related("question"), pk=item_id, kit=kit)
    item.kit = kit
    return item


# My kits --------------------------------------------------------------------------------


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
    return render(request, "questions/kit_list.html", context)


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
                    kit = kits.kit_create_from_role(**arguments)
                else:
                    kit = kits.kit_create(**arguments)
            except kits.KitError as error:
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
    return render(request, "questions/kit_form.html", {"form": form, "kit": None}, status=status)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    if request.GET.get("role"):
        initial["role"] = request.GET["role"]
    if request.GET.getlist("competencies"):
        initial["competencies"] = request.GET.getlist("competencies")
    if request.GET.get("balance"):
        initial["balance"] = True
    return initial


# The builder ----------------------------------------------------------------------------


@require_GET
@login_required
def kit_detail(request: HttpRequest, code) -> HttpResponse:
    """The kit builder: the bank beside the kit. Staff reading someone's kit see the kit."""
    kit = _readable_kit(request, code)
    if kit.owner_id != request.user.pk or not kits.can_build_kits(request.user):
        return redirect("questions:kit-view", code=kit.code)
    context = _builder_context(kit)
    bank_filter, bank_page, bank_valid = _bank(request)
    context.update(
        bank_filter=bank_filter,
        bank_page=bank_page,
        bank_rows=[(question, context["in_kit"].get(question.pk)) for question in bank_page],
        bank_query=_without_page(request),
        here=request.get_full_path(),
        share_url=(
            request.build_absolute_uri(reverse("questions:kit-shared", args=[kit.share_token]))
            if kit.share_token
            else ""
        ),
    )
    status = 200 if bank_valid else 400
    if request.htmx and request.htmx.target == "bank-results":
        template = "questions/_kit_bank_results.html"
    else:
        template = "questions/kit_builder.html"
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
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    result = question_search(
        words,
        competency=filters["competency"].slug if filters.get("competency") else None,
        role=filters["role"].slug if filters.get("role") else None,
        question_type=filters.get("type") or None,
        level=filters.get("level") or None,
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


def _builder_context(kit: Kit) -> dict[str, Any]:
    """Everything the kit side of the builder shows, in a fixed number of queries."""
    items = list(kits.kit_items(kit))
    competencies = list(Competency.objects.all())
    for item in items:
        # Set on every item, as the template asks: a missing attribute is a slow lookup
        # for Django's templates, several per item of a 60-question kit.
        item.diff = kits.kit_item_diff(item) if item.changed_in_bank else None
        item.edit_form = None  # the form with its errors, after a failed edit
    return {
        "kit": kit,
        "items": items,
        "summary": kits.kit_summary(kit, items, competencies=competencies),
        "in_kit": {item.question_id: item for item in items},
        "last_position": len(items),
    }


def _answer_change(
    request: HttpRequest,
    kit: Kit,
    *,
    message: str,
    error: bool = False,
    questions: tuple[Question, ...] = (),
    anchor: str = "",
    items_region: bool = True,
    item_with_errors: KitItem | None = None,
    form: KitItemForm | None = None,
    undo_token: str = "",
) -> HttpResponse:
    """htmx: the parts of the builder this change affects. Plain post: back to the builder.

    `undo_token` (a removal's) adds an "Undo" button beside the message.
    """
    if not request.htmx:
        if undo_token:
            request.session[UNDO_SESSION_KEY] = {
                "kit": str(kit.code),
                "token": undo_token,
                "message": message,
            }
        else:
            (messages.error if error else messages.success)(request, message)
        return redirect(_back(request, kit) + (f"#{anchor}" if anchor else ""))
    if not Kit.objects.filter(pk=kit.pk).exists():
        raise Http404("This kit no longer exists.")
    context = _builder_context(kit)
    context.update(
        message=message,
        error=error,
        items_region=items_region and item_with_errors is None,
        item_with_errors=None,
        bank_rows=[(question, context["in_kit"].get(question.pk)) for question in questions],
        here=_back(request, kit),
        undo_token=undo_token,
    )
    if item_with_errors is not None:
        # The fresh copy of the item, so the re-rendered form sits among current data.
        fresh = next((i for i in context["items"] if i.pk == item_with_errors.pk), None)
        if fresh is not None:
            fresh.edit_form = form
        context["item_with_errors"] = fresh
    response = render(request, "questions/_kit_update.html", context, status=400 if error else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Without JavaScript, a removal redirects to the builder, which offers its "Undo" once.
UNDO_SESSION_KEY = "kit_undo_removal"


def _pending_undo(request: HttpRequest, kit: Kit) -> dict[str, str]:
    pending = request.session.pop(UNDO_SESSION_KEY, None)
    if not pending or pending.get("kit") != str(kit.code):
        return {}
    return {"undo_token": pending["token"], "undo_message": pending["message"]}


def _back(request: HttpRequest, kit: Kit) -> str:
    """Where a plain form post returns: the builder page it came from, filters and all."""
    target = request.POST.get("next", "")
    if (
        target.startswith(kit.get_absolute_url())
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and "#" not in target
    ):
        return target
    return kit.get_absolute_url()


@require_POST
@login_required
def kit_add(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    question = get_object_or_404(Question, slug=request.POST.get("question", ""))
    try:
        item = kits.kit_add_question(kit=kit, question=question)
    except kits.KitError as error:
        return _answer_change(
            request, kit, message=error.message, error=True, questions=(question,)
        )
    return _answer_change(
        request,
        kit,
        message=f"Added “{_short(question.text)}” as question {item.position}.",
        questions=(question,),
        anchor=f"item-{item.pk}",
    )


@require_POST
@login_required
def kit_remove(request: HttpRequest, code, item_id: int) -> HttpResponse:
    item = _own_item(request, code, item_id)
    try:
        removed = kits.kit_remove_item(item=item)
    except kits.KitError as error:
        return _answer_change(request, item.kit, message=error.message, error=True)
    return _answer_change(
        request,
        item.kit,
        message=f"Removed “{_short(removed.pinned_text)}”.",
        questions=(item.question,),
        anchor="kit-status",
        undo_token=kits.removal_token(removed),
    )


@require_POST
@login_required
def kit_restore(request: HttpRequest, code) -> HttpResponse:
    """Undo a removal: the item back in its place, as it was."""
    kit = _own_kit(request, code)
    try:
        item = kits.kit_restore_item(kit=kit, token=request.POST.get("token", ""))
    except kits.KitError as error:
        return _answer_change(request, kit, message=error.message, error=True)
    return _answer_change(
        request,
        kit,
        message=f"Put “{_short(item.pinned_text)}” back as question {item.position}.",
        questions=(item.question,),
        anchor=f"item-{item.pk}",
    )


@require_POST
@login_required
def kit_move(request: HttpRequest, code, item_id: int) -> HttpResponse:
    item = _own_item(request, code, item_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _answer_change(request, item.kit, message="Move a question up or down.", error=True)
    try:
        moved = kits.kit_move_item(item=item, direction=form.cleaned_data["direction"])
    except kits.KitError as error:
        return _answer_change(request, item.kit, message=error.message, error=True)
    total = item.kit.items.count()
    return _answer_change(
        request,
        item.kit,
        message=f"“{_short(item.pinned_text)}” is now question {moved.position} of {total}.",
        anchor=f"item-{item.pk}",
    )


@require_POST
@login_required
def kit_reorder(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    try:
        kits.kit_set_order(kit=kit, item_ids=request.POST.getlist("item"))
    except kits.KitError as error:
        return _answer_change(request, kit, message=error.message, error=True)
    return _answer_change(request, kit, message="New order saved.")


@require_http_methods(["GET", "POST"])
@login_required
def kit_item_edit(request: HttpRequest, code, item_id: int) -> HttpResponse:
    """Minutes and note of one item: inline on the builder, or this page without JavaScript."""
    item = _own_item(request, code, item_id)
    if request.method == "GET":
        form = KitItemForm(initial={"minutes": item.minutes, "note": item.note})
        return render(request, "questions/kit_item_edit.html", {"item": item, "form": form})
    form = KitItemForm(request.POST)
    if form.is_valid():
        try:
            kits.kit_update_item(
                item=item, minutes=form.cleaned_data["minutes"], note=form.cleaned_data["note"]
            )
        except kits.KitError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    if form.is_valid():
        return _answer_change(
            request,
            item.kit,
            message=f"Saved question {item.position}: {form.cleaned_data['minutes']} min.",
            anchor=f"item-{item.pk}",
            items_region=False,
        )
    if request.htmx:
        return _answer_change(
            request,
            item.kit,
            message=f"Question {item.position} was not saved: {_first_error(form)}",
            error=True,
            item_with_errors=item,
            form=form,
        )
    return render(request, "questions/kit_item_edit.html", {"item": item, "form": form}, status=400)


@require_POST
@login_required
def kit_item_wording(request: HttpRequest, code, item_id: int) -> HttpResponse:
    """Take the bank's new wording into the kit, or keep the kit's."""
    item = _own_item(request, code, item_id)
    choice = request.POST.get("choice")
    try:
        if choice == "accept":
            kits.kit_accept_change(item=item)
            message = f"Question {item.position} now uses the wording in the bank."
        elif choice == "keep":
            kits.kit_keep_wording(item=item)
            message = f"Question {item.position} keeps the wording it was built with."
        else:
            return _answer_change(
                request, item.kit, message="Choose the new wording or the old.", error=True
            )
    except kits.KitError as error:
        return _answer_change(request, item.kit, message=error.message, error=True)
    return _answer_change(request, item.kit, message=message, anchor=f"item-{item.pk}")


# Kit details, balance, duplicate, archive, delete, share --------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def kit_edit(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    status = 200
    if request.method == "POST":
        form = KitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                kits.kit_update(
                    kit=kit,
                    title=data["title"],
                    role=data["role"],
                    target_minutes=data["target_minutes"],
                    notes=data["notes"],
                    competencies=data["competencies"],
                )
            except kits.KitError as error:
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
    return render(request, "questions/kit_form.html", {"form": form, "kit": kit}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def kit_balance(request: HttpRequest, code) -> HttpResponse:
    """Propose a balanced set of questions (GET), and put it in the kit when confirmed (POST)."""
    kit = _own_kit(request, code)
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
        proposal = kits.kit_balance(
            role=inputs["role"],
            target_minutes=inputs["target_minutes"],
            competencies=inputs["competencies"],
        )
        if request.method == "POST":
            try:
                kits.kit_update(
                    kit=kit,
                    role=inputs["role"],
                    target_minutes=inputs["target_minutes"],
                    competencies=inputs["competencies"],
                )
                kits.kit_replace_questions(kit=kit, questions=proposal)
            except kits.KitError as error:
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
    return render(request, "questions/kit_balance.html", context, status=status)


@require_POST
@login_required
def kit_duplicate(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    copy = kits.kit_duplicate(kit=kit, owner=request.user)
    messages.success(request, f"Made “{copy.title}”: a copy you can change freely.")
    return redirect(copy)


@require_POST
@login_required
def kit_archive(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    archive = request.POST.get("archived", "1") != "0"
    kit = kits.kit_archive(kit=kit, archived=archive)
    if archive:
        messages.success(request, f"Archived “{kit.title}”. Find it under Archived to restore it.")
        return redirect("questions:kit-list")
    messages.success(request, f"Restored “{kit.title}”.")
    return redirect(kit)


@require_http_methods(["GET", "POST"])
@login_required
def kit_delete(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    if request.method == "POST":
        title = kit.title
        kits.kit_delete(kit=kit)
        messages.success(request, f"Deleted “{title}”.")
        return redirect("questions:kit-list")
    return render(
        request, "questions/kit_confirm_delete.html", {"kit": kit, "count": kit.items.count()}
    )


@require_POST
@login_required
def kit_share(request: HttpRequest, code) -> HttpResponse:
    kit = _own_kit(request, code)
    action = request.POST.get("action")
    if action == "on":
        kits.kit_share(kit=kit)
        messages.success(request, "Sharing is on: anyone with the link can read this kit.")
    elif action == "regenerate":
        kits.kit_share(kit=kit, regenerate=True)
        messages.success(request, "New link made. The old link no longer works.")
    elif action == "off":
        kits.kit_revoke_share(kit=kit)
        messages.success(request, "Sharing is off. The link no longer works.")
    else:
        messages.error(request, "Choose to turn sharing on or off, or make a new link.")
    return redirect(kit.get_absolute_url() + "#share")


# Reading, printing and exporting --------------------------------------------------------


def _is_owner(request: HttpRequest, kit: Kit) -> bool:
    return request.user.is_authenticated and kit.owner_id == request.user.pk


def _sheet_context(request: HttpRequest, kit: Kit, *, shared: bool) -> dict[str, Any]:
    items = list(kits.kit_items(kit))
    return {
        "kit": kit,
        "sections": kits.kit_sections(kit, items),
        "summary": kits.kit_summary(kit, items),
        "rating_scale": kits.RATING_SCALE,
        "recommendations": kits.RECOMMENDATIONS,
        "shared": shared,
        "is_owner": _is_owner(request, kit),
    }


@require_GET
@login_required
def kit_view(request: HttpRequest, code) -> HttpResponse:
    """The interviewer's view: the kit in order with guidance, ratings and notes."""
    kit = _readable_kit(request, code)
    return render(
        request, "questions/kit_interview.html", _sheet_context(request, kit, shared=False)
    )


@require_GET
@login_required
def kit_print(request: HttpRequest, code) -> HttpResponse:
    kit = _readable_kit(request, code)
    return render(request, "questions/kit_print.html", _sheet_context(request, kit, shared=False))


@require_GET
@login_required
def kit_pdf(request: HttpRequest, code) -> HttpResponse:
    kit = _readable_kit(request, code)
    return _pdf_response(request, kit, shared=False)


@require_GET
@login_required
def kit_export(request: HttpRequest, code, fmt: str) -> HttpResponse:
    """The kit as Markdown or CSV, with the pinned wording."""
    kit = _readable_kit(request, code)
    if fmt not in EXPORT_TYPES:
        raise Http404("No such export format.")
    return kit_export_file(kit, fmt)


def kit_filename(kit: Kit) -> str:
    """The download name of a kit's files, without the extension."""
    return slugify(kit.title)[:60] or "kit"


# What each text export is served as.
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def kit_export_file(kit: Kit, fmt: str) -> HttpResponse:
    """The kit as a CSV or Markdown download (`fmt` is "csv" or "md"); shared with the API."""
    items = list(kits.kit_items(kit))
    # The byte-order mark lets spreadsheet programs read a CSV file as UTF-8.
    body = "\ufeff" + kits.kit_csv(kit, items) if fmt == "csv" else kits.kit_markdown(kit, items)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kit_filename(kit)}.{fmt}"'
    return response


@require_GET
@throttled(SharedKitThrottle)
def kit_shared(request: HttpRequest, token: str) -> HttpResponse:
    """A kit opened from its share link: read-only, no account needed."""
    kit = _shared_kit(token)
    response = render(
        request, "questions/kit_interview.html", _sheet_context(request, kit, shared=True)
    )
    return _private(response)


@require_GET
@throttled(SharedKitPdfThrottle)
def kit_shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    kit = _shared_kit(token)
    return _private(_pdf_response(request, kit, shared=True))


def _shared_kit(token: str) -> Kit:
    kit = kits.kit_shared(token)
    if kit is None:
        raise Http404("This link is not shared, or was turned off.")
    return kit


def _private(response: HttpResponse) -> HttpResponse:
    """Keep a shared kit out of caches, search engines and other sites' referrer logs."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _pdf_response(request: HttpRequest, kit: Kit, *, shared: bool) -> HttpResponse:
    """The print view as a PDF download, or a polite page if this server cannot make PDFs."""
    try:
        pdf = kit_pdf_bytes(request, kit, shared=shared)
    except PdfUnavailable:
        print_url = (
            reverse("questions:kit-shared", args=[kit.share_token])
            if shared
            else reverse("questions:kit-print", args=[kit.code])
        )
        return pdf_unavailable(request, print_url)
    return kit_pdf_file(kit, pdf)


def kit_pdf_file(kit: Kit, pdf: bytes) -> HttpResponse:
    """A kit's PDF (from `kit_pdf_bytes`) as a download; shared with the API."""
    return pdf_download(pdf, kit_filename(kit))


def kit_pdf_bytes(request: HttpRequest, kit: Kit, *, shared: bool = False) -> bytes:
    """The kit's PDF, laid out once per version of the kit and then served from the cache.

    Laying out costs about 20 ms a question, so a link opened by many (or by a script) would
    otherwise keep server processes busy. Any change to the kit or its items moves
    `updated_at`, and any change to the bank its version, so a cached file is never stale.
    """
    key = ":".join(
        str(part)
        for part in (
            "kit-pdf",
            kit.pk,
            kit.updated_at.isoformat(),
            caching.bank_version(),
            shared,
            _is_owner(request, kit),
        )
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = kit_pdf_document(request, kit, shared=shared).write_pdf()
        cache.set(key, pdf, timeout=settings.KIT_PDF_CACHE_SECONDS)
    return pdf


def kit_pdf_document(request: HttpRequest, kit: Kit, *, shared: bool = False):
    """The print view laid out by WeasyPrint with the site's print stylesheet (a Document)."""
    context = _sheet_context(request, kit, shared=shared) | {"for_pdf": True}
    return pdf_document(render_to_string("questions/kit_print.html", context, request=request))


# Internals ------------------------------------------------------------------------------


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _first_error(form: KitItemForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "please check the values."


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
