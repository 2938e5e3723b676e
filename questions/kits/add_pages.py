"""Adding a question to one of my kits from where it was found: a search result or the
question's page. htmx swaps the chooser in place; without JavaScript it is a page of its own
that returns to where the person was.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from questions.kits import item_rules, queries, rules
from questions.kits.access import kit_builder_required
from questions.kits.forms import AddToKitForm
from questions.models import Question

# The kit a person last added to is offered first next time.
LAST_KIT_SESSION_KEY = "add_to_kit_last"


@require_http_methods(["GET", "POST"])
@kit_builder_required
def question_add_to_kit(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(Question, slug=slug)
    back = _back(request, question)
    kits = queries.kits_to_add_to(request.user)
    form = AddToKitForm(
        request.POST if request.method == "POST" else None,
        kits=kits,
        initial={"kit": request.session.get(LAST_KIT_SESSION_KEY)},
    )
    if form.is_valid():
        kit = form.cleaned_data["kit"]
        try:
            item = item_rules.kit_add_question(kit=kit, question=question)
        except rules.KitError as error:
            form.add_error("kit", error.message)
        else:
            request.session[LAST_KIT_SESSION_KEY] = str(kit.code)
            message = format_html(
                'Added to <a href="{}#item-{}">{}</a> as question {}.',
                kit.get_absolute_url(),
                item.pk,
                kit.title,
                item.position,
            )
            if request.htmx:
                return render(
                    request,
                    "questions/kits/_add_to_kit_done.html",
                    {"question": question, "message": message},
                )
            messages.success(request, message)
            return redirect(back)
    context = {"question": question, "next": back, **_chooser(form, kits)}
    template = (
        "questions/kits/_add_to_kit.html" if request.htmx else "questions/kits/add_to_kit.html"
    )
    return render(request, template, context, status=400 if form.errors else 200)


def add_to_kit_context(request: HttpRequest, question: Question) -> dict | None:
    """The chooser for a question's page, or None for someone who does not build kits."""
    if not request.user.is_authenticated or not queries.can_build_kits(request.user):
        return None
    kits = queries.kits_to_add_to(request.user)
    form = AddToKitForm(kits=kits, initial={"kit": request.session.get(LAST_KIT_SESSION_KEY)})
    return {"next": request.get_full_path(), **_chooser(form, kits)}


def _chooser(form: AddToKitForm, kits) -> dict:
    """What the chooser shows: the kits (read once), which is selected, and any error."""
    choices = [(str(kit.code), kit.title) for kit in kits]
    return {"form": form, "kit_choices": choices, "selected": str(form["kit"].value() or "")}


def _back(request: HttpRequest, question: Question) -> str:
    """Where the person returns: the page they came from on this site, else the question's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return question.get_absolute_url()
