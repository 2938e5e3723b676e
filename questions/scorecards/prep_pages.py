"""The candidate prep packet's pages: the hiring manager's switch on the loop page, and the
packet itself, opened by its link without an account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from questions.api.throttles import SharedKitThrottle, throttled
from questions.kits.sheets import keep_private
from questions.scorecards import prep
from questions.scorecards.pages import own_loop


@require_POST
@login_required
def loop_prep_share(request: HttpRequest, code) -> HttpResponse:
    loop = own_loop(request, code)
    action = request.POST.get("action")
    if action == "on":
        prep.prep_share(loop=loop)
        messages.success(request, "The prep packet's link is on: send it to the candidate.")
    elif action == "regenerate":
        prep.prep_share(loop=loop, regenerate=True)
        messages.success(request, "New link made. The old link no longer works.")
    elif action == "off":
        prep.prep_revoke(loop=loop)
        messages.success(request, "The prep packet's link is off. It no longer works.")
    else:
        messages.error(request, "Choose to turn the link on or off, or make a new one.")
    return redirect(reverse("questions:loop-detail", args=[loop.code]) + "#prep")


@require_GET
@throttled(SharedKitThrottle)
def loop_prep_packet(request: HttpRequest, token: str) -> HttpResponse:
    """What the candidate may know: interviews, their length, the competencies assessed."""
    loop = prep.loop_for_prep(token)
    if loop is None:
        raise Http404("This link is not shared, or was turned off.")
    interviews = prep.prep_packet(loop)
    competencies = list({c.pk: c for i in interviews for c in i.competencies}.values())
    context = {
        "loop": loop,
        "interviews": interviews,
        "total_minutes": sum(interview.minutes for interview in interviews),
        "competencies": sorted(competencies, key=lambda competency: competency.display_order),
    }
    return keep_private(render(request, "questions/scorecards/prep_packet.html", context))
