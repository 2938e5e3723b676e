"""Pages for loops, candidates, scorecards and debriefs.

Every object is looked up through the querysets in rules.py, so a loop, candidate or
scorecard a person may not see is a 404 here, exactly as in the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from questions.pdf import PdfUnavailable, pdf_document, pdf_download, pdf_unavailable
from questions.scorecards import rules
from questions.scorecards.debrief import debrief
from questions.scorecards.forms import (
    CandidateForm,
    InterviewersForm,
    InterviewForm,
    LoopForm,
    ScorecardForm,
)
from questions.scorecards.models import Candidate, Loop, LoopInterview, Scorecard


def _loop(request: HttpRequest, code) -> Loop:
    return get_object_or_404(rules.loops_for(request.user).select_related("role"), code=code)


def own_loop(request: HttpRequest, code) -> Loop:
    """The loop if this person owns it: interviewers in it may read it, not change it."""
    loop = _loop(request, code)
    if loop.owner_id != request.user.pk:
        raise PermissionDenied("Only the loop's hiring manager changes it.")
    return loop


def _candidate(request: HttpRequest, code) -> Candidate:
    return get_object_or_404(rules.candidates_for(request.user), code=code)


def _can_run_loops(user) -> bool:
    return user.has_perm("questions.add_loop")


# Loops ----------------------------------------------------------------------------------


@require_GET
@login_required
def loop_list(request: HttpRequest) -> HttpResponse:
    loops = rules.loops_for(request.user).select_related("role", "owner")
    drafts = (
        Scorecard.objects.filter(interviewer=request.user, submitted_at__isnull=True)
        .select_related("candidate", "interview__kit")
        .order_by("-updated_at")
    )
    context = {
        "loops": loops,
        "drafts": drafts,
        "can_create": _can_run_loops(request.user),
    }
    return render(request, "questions/scorecards/loop_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def loop_create(request: HttpRequest) -> HttpResponse:
    if not _can_run_loops(request.user):
        raise PermissionDenied("Hiring managers run loops. Ask an admin to add you to that group.")
    form = LoopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        loop = rules.loop_create(owner=request.user, **form.cleaned_data)
        messages.success(request, "Loop created. Add its interviews next.")
        return redirect("questions:loop-detail", code=loop.code)
    status = 400 if form.errors else 200
    return render(request, "questions/scorecards/loop_form.html", {"form": form}, status=status)


@require_GET
@login_required
def loop_detail(request: HttpRequest, code) -> HttpResponse:
    loop = _loop(request, code)
    return render(request, "questions/scorecards/loop_detail.html", _loop_context(request, loop))


def _loop_context(request: HttpRequest, loop: Loop, **forms) -> dict:
    owner = loop.owner_id == request.user.pk
    candidates = loop.candidates.all()
    mine = {
        (s.candidate_id, s.interview_id): s
        for s in Scorecard.objects.filter(candidate__loop=loop, interviewer=request.user)
    }
    my_interviews = list(LoopInterview.objects.filter(loop=loop).assigned_to(request.user))
    coverage = rules.coverage(loop)
    return {
        "loop": loop,
        "is_owner": owner,
        "coverage": coverage,
        "interviews": [
            (interview, _interviewers_form(interview) if owner else None)
            for interview in coverage["interviews"]
        ],
        "candidates": [
            (candidate, [(i, mine.get((candidate.pk, i.pk))) for i in my_interviews])
            for candidate in candidates
        ],
        "interview_form": forms.get("interview_form")
        or (InterviewForm(owner=request.user) if owner else None),
        "candidate_form": forms.get("candidate_form") or (CandidateForm() if owner else None),
        "prep_url": request.build_absolute_uri(
            reverse("questions:loop-prep", args=[loop.prep_token])
        )
        if owner and loop.prep_token
        else "",
    }


def _interviewers_form(interview: LoopInterview, data=None) -> InterviewersForm:
    """One form per interview on the page, each with its own field ids."""
    return InterviewersForm(
        data,
        prefix=f"interview-{interview.pk}",
        initial={"interviewers": list(interview.interviewers.all())},
    )


@require_POST
@login_required
def loop_add_interview(request: HttpRequest, code) -> HttpResponse:
    loop = own_loop(request, code)
    form = InterviewForm(request.POST, owner=request.user)
    if form.is_valid():
        try:
            rules.loop_add_interview(loop=loop, **form.cleaned_data)
        except rules.ScorecardError as error:
            form.add_error("kit", str(error))
    if form.errors:
        context = _loop_context(request, loop, interview_form=form)
        return render(request, "questions/scorecards/loop_detail.html", context, status=400)
    messages.success(request, "Interview added.")
    return redirect(reverse("questions:loop-detail", args=[loop.code]) + "#interviews")


@require_POST
@login_required
def loop_interview(request: HttpRequest, code, interview_id: int) -> HttpResponse:
    """Change an interview's interviewers, or take it out of the loop."""
    loop = own_loop(request, code)
    interview = get_object_or_404(LoopInterview, pk=interview_id, loop=loop)
    if request.POST.get("action") == "remove":
        try:
            rules.loop_remove_interview(interview=interview)
            messages.success(request, "Interview taken out of the loop.")
        except rules.ScorecardError as error:
            messages.error(request, str(error))
    else:
        form = _interviewers_form(interview, request.POST)
        if form.is_valid():
            rules.loop_set_interviewers(interview=interview, **form.cleaned_data)
            messages.success(request, "Interviewers saved.")
        else:
            messages.error(request, "Choose interviewers from the list.")
    return redirect(reverse("questions:loop-detail", args=[loop.code]) + "#interviews")


# Candidates -----------------------------------------------------------------------------


@require_POST
@login_required
def candidate_add(request: HttpRequest, code) -> HttpResponse:
    loop = own_loop(request, code)
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            candidate = rules.candidate_add(loop=loop, **form.cleaned_data)
        except rules.ScorecardError as error:
            form.add_error("reference", str(error))
    if form.errors:
        context = _loop_context(request, loop, candidate_form=form)
        return render(request, "questions/scorecards/loop_detail.html", context, status=400)
    messages.success(request, f"Candidate {candidate} added.")
    return redirect("questions:candidate-detail", code=candidate.code)


@require_GET
@login_required
def candidate_detail(request: HttpRequest, code) -> HttpResponse:
    candidate = _candidate(request, code)
    loop = candidate.loop
    visible = {s.pk for s in rules.scorecards_for(request.user).filter(candidate=candidate)}
    cards = {
        (s.interview_id, s.interviewer_id): s
        for s in candidate.scorecards.select_related("interviewer")
    }
    interviews = [
        (
            interview,
            [
                (person, cards.get((interview.pk, person.pk)))
                for person in interview.interviewers.all()
            ],
        )
        for interview in loop.interviews.select_related("kit").prefetch_related("interviewers")
    ]
    context = {
        "candidate": candidate,
        "loop": loop,
        "interviews": interviews,
        "visible": visible,
        "is_owner": loop.owner_id == request.user.pk,
        "can_read_debrief": rules.can_read_debrief(request.user, candidate),
    }
    return render(request, "questions/scorecards/candidate_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def candidate_delete(request: HttpRequest, code) -> HttpResponse:
    candidate = _candidate(request, code)
    if candidate.loop.owner_id != request.user.pk:
        raise PermissionDenied("Only the loop's hiring manager deletes a candidate.")
    if request.method == "POST":
        loop = candidate.loop
        rules.candidate_delete(candidate=candidate)
        messages.success(request, f"Deleted {candidate} and their scorecards.")
        return redirect("questions:loop-detail", code=loop.code)
    count = candidate.scorecards.count()
    return render(
        request,
        "questions/scorecards/candidate_confirm_delete.html",
        {"candidate": candidate, "count": count},
    )


# Scorecards -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def scorecard_fill(request: HttpRequest, code, interview_id: int) -> HttpResponse:
    """The interviewer's own scorecard: drafts save as they go; submit is final."""
    candidate = _candidate(request, code)
    interview = get_object_or_404(LoopInterview, pk=interview_id, loop=candidate.loop_id)
    try:
        scorecard = rules.scorecard_open(
            candidate=candidate, interview=interview, interviewer=request.user
        )
    except rules.ScorecardError as error:
        raise PermissionDenied(str(error)) from error
    form = ScorecardForm(request.POST or None, scorecard=scorecard)
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                rules.scorecard_save(
                    scorecard=scorecard,
                    ratings=form.changes(),
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                    submit=submit,
                )
            except rules.ScorecardError as error:
                form.add_error(None, str(error))
        if not form.errors:
            if request.htmx:
                saved = timezone.localtime().strftime("%H:%M")
                return HttpResponse(f"Draft saved at {saved}.")
            if submit or scorecard.is_submitted:
                messages.success(request, "Scorecard submitted." if submit else "Amended.")
                return redirect("questions:candidate-detail", code=candidate.code)
            messages.success(request, "Draft saved.")
            return redirect(request.path)
        status = 400
        if request.htmx:
            return HttpResponse(" ".join(_messages(form)), status=400)
    context = {"candidate": candidate, "interview": interview, "scorecard": scorecard}
    context["form"] = form
    return render(request, "questions/scorecards/scorecard_form.html", context, status=status)


def _messages(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@require_GET
@login_required
def scorecard_detail(request: HttpRequest, code, scorecard_id: int) -> HttpResponse:
    candidate = _candidate(request, code)
    scorecard = get_object_or_404(
        rules.scorecards_for(request.user).filter(candidate=candidate), pk=scorecard_id
    )
    ratings = scorecard.ratings.select_related("competency")
    context = {"candidate": candidate, "scorecard": scorecard, "ratings": ratings}
    return render(request, "questions/scorecards/scorecard_detail.html", context)


# Debrief --------------------------------------------------------------------------------


def _debrief(request: HttpRequest, code):
    candidate = _candidate(request, code)
    if not rules.can_read_debrief(request.user, candidate):
        raise PermissionDenied(rules.DEBRIEF_LOCKED)
    return debrief(candidate)


@require_GET
@login_required
def debrief_page(request: HttpRequest, code) -> HttpResponse:
    result = _debrief(request, code)
    return render(request, "questions/scorecards/debrief.html", {"debrief": result})


@require_GET
@login_required
def debrief_print(request: HttpRequest, code) -> HttpResponse:
    result = _debrief(request, code)
    return render(request, "questions/scorecards/debrief_print.html", {"debrief": result})


@require_GET
@login_required
def debrief_pdf(request: HttpRequest, code) -> HttpResponse:
    """The printed debrief as a PDF download, or a polite page if this server cannot make PDFs."""
    result = _debrief(request, code)
    context = {"debrief": result, "for_pdf": True}
    html = render_to_string("questions/scorecards/debrief_print.html", context, request=request)
    try:
        pdf = pdf_document(html).write_pdf()
    except PdfUnavailable:
        print_url = reverse("questions:candidate-debrief-print", args=[result.candidate.code])
        return pdf_unavailable(request, print_url)
    name = slugify(f"debrief {result.candidate.reference}")[:60] or "debrief"
    return pdf_download(pdf, name)
