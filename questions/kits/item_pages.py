"""The builder's question cards: add, remove and undo, move, reorder, minutes and notes, and
a pinned wording kept or renewed. htmx gets the parts of the builder that changed; a plain
form post gets a redirect back to the builder.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from questions.kits import item_rules, rules
from questions.kits.access import own_item, own_kit
from questions.kits.forms import KitItemForm, MoveForm
from questions.kits.pages import UNDO_SESSION_KEY, builder_context
from questions.models import Kit, KitItem, Question


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
    context = builder_context(kit)
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
    response = render(
        request, "questions/kits/_kit_update.html", context, status=400 if error else 200
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    kit = own_kit(request, code)
    question = get_object_or_404(Question, slug=request.POST.get("question", ""))
    try:
        item = item_rules.kit_add_question(kit=kit, question=question)
    except rules.KitError as error:
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
    item = own_item(request, code, item_id)
    try:
        removed = item_rules.kit_remove_item(item=item)
    except rules.KitError as error:
        return _answer_change(request, item.kit, message=error.message, error=True)
    return _answer_change(
        request,
        item.kit,
        message=f"Removed “{_short(removed.pinned_text)}”.",
        questions=(item.question,),
        anchor="kit-status",
        undo_token=item_rules.removal_token(removed),
    )


@require_POST
@login_required
def kit_restore(request: HttpRequest, code) -> HttpResponse:
    """Undo a removal: the item back in its place, as it was."""
    kit = own_kit(request, code)
    try:
        item = item_rules.kit_restore_item(kit=kit, token=request.POST.get("token", ""))
    except rules.KitError as error:
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
    item = own_item(request, code, item_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _answer_change(request, item.kit, message="Move a question up or down.", error=True)
    try:
        moved = item_rules.kit_move_item(item=item, direction=form.cleaned_data["direction"])
    except rules.KitError as error:
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
    kit = own_kit(request, code)
    try:
        item_rules.kit_set_order(kit=kit, item_ids=request.POST.getlist("item"))
    except rules.KitError as error:
        return _answer_change(request, kit, message=error.message, error=True)
    return _answer_change(request, kit, message="New order saved.")


@require_http_methods(["GET", "POST"])
@login_required
def kit_item_edit(request: HttpRequest, code, item_id: int) -> HttpResponse:
    """Minutes and note of one item: inline on the builder, or this page without JavaScript."""
    item = own_item(request, code, item_id)
    if request.method == "GET":
        form = KitItemForm(initial={"minutes": item.minutes, "note": item.note})
        return render(request, "questions/kits/kit_item_edit.html", {"item": item, "form": form})
    form = KitItemForm(request.POST)
    if form.is_valid():
        try:
            item_rules.kit_update_item(
                item=item, minutes=form.cleaned_data["minutes"], note=form.cleaned_data["note"]
            )
        except rules.KitError as error:
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
    return render(
        request, "questions/kits/kit_item_edit.html", {"item": item, "form": form}, status=400
    )


@require_POST
@login_required
def kit_item_wording(request: HttpRequest, code, item_id: int) -> HttpResponse:
    """Take the bank's new wording into the kit, or keep the kit's."""
    item = own_item(request, code, item_id)
    choice = request.POST.get("choice")
    try:
        if choice == "accept":
            item_rules.kit_accept_change(item=item)
            message = f"Question {item.position} now uses the wording in the bank."
        elif choice == "keep":
            item_rules.kit_keep_wording(item=item)
            message = f"Question {item.position} keeps the wording it was built with."
        else:
            return _answer_change(
                request, item.kit, message="Choose the new wording or the old.", error=True
            )
    except rules.KitError as error:
        return _answer_change(request, item.kit, message=error.message, error=True)
    return _answer_change(request, item.kit, message=message, anchor=f"item-{item.pk}")


@require_POST
@login_required
def kit_item_swap(request: HttpRequest, code, item_id: int) -> HttpResponse:
    """Ask an alternate (a question testing the same thing) in this item's place."""
    item = own_item(request, code, item_id)
    alternate = Question.objects.filter(slug=request.POST.get("question", "")).first()
    if alternate is None:
        return _answer_change(request, item.kit, message="Choose an alternate.", error=True)
    try:
        item_rules.kit_swap_for_alternate(item=item, question=alternate)
    except rules.KitError as error:
        return _answer_change(request, item.kit, message=error.message, error=True)
    return _answer_change(
        request,
        item.kit,
        message=f"Question {item.position} is now “{_short(alternate.text)}”.",
        anchor=f"item-{item.pk}",
    )


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _first_error(form: KitItemForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "please check the values."
