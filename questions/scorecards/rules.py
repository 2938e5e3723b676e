"""What pages and the API share about loops, candidates and scorecards.

Who may see what is decided here, in querysets, never in templates:

- a loop and its candidates exist only for its owner (the hiring manager) and the people
  assigned to one of its interviews; anyone else gets a 404;
- an interviewer sees their own scorecards, and other people's only once every scorecard of
  theirs for that candidate is submitted (blind until submitted);
- the owner sees every submitted scorecard, never another person's draft.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from questions.models import Competency, Kit, KitItem
from questions.scorecards.models import (
    LEVELS,
    Candidate,
    Loop,
    LoopInterview,
    Rating,
    Recommendation,
    Scorecard,
)


class ScorecardError(Exception):
    """A change that cannot be made, with a message for the person who asked."""


DEBRIEF_LOCKED = "The debrief opens once your own scorecards are submitted."
UNCHANGED = object()


# Who sees what --------------------------------------------------------------------------


def loops_for(user) -> QuerySet[Loop]:
    return Loop.objects.visible_to(user)


def candidates_for(user) -> QuerySet[Candidate]:
    """Candidates of the loops the person owns or interviews in."""
    return Candidate.objects.filter(loop__in=loops_for(user)).select_related("loop")


def unlocked_candidates(user) -> QuerySet[Candidate]:
    """Candidates for whom the person has submitted every scorecard they were assigned."""
    submitted_by_them = Scorecard.objects.filter(interviewer=user.pk, submitted_at__isnull=False)
    return (
        # Counted only for candidates they have submitted something for, not for everyone.
        Candidate.objects.filter(pk__in=submitted_by_them.values("candidate"))
        .annotate(
            assigned=Count(
                "loop__interviews", filter=Q(loop__interviews__interviewers=user.pk), distinct=True
            ),
            submitted=Count(
                "scorecards",
                filter=Q(scorecards__interviewer=user.pk, scorecards__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .filter(assigned__gt=0, submitted__gte=F("assigned"))
        .values("pk")
    )


def scorecards_for(user) -> QuerySet[Scorecard]:
    """The scorecards the person may read: blind until their own are submitted."""
    if not user.is_authenticated:
        return Scorecard.objects.none()
    submitted = Q(submitted_at__isnull=False)
    return Scorecard.objects.filter(
        Q(interviewer=user.pk)
        | (submitted & Q(candidate__loop__owner=user.pk))
        | (submitted & Q(candidate__in=unlocked_candidates(user)))
    ).select_related("interview__kit", "interviewer", "candidate__loop")


def can_read_debrief(user, candidate: Candidate) -> bool:
    return candidate.loop.owner_id == user.pk or (
        unlocked_candidates(user).filter(pk=candidate.pk).exists()
    )


# Loops ----------------------------------------------------------------------------------


def loop_create(*, owner, title: str, role=None, competencies=()) -> Loop:
    with transaction.atomic():
        loop = Loop.objects.create(owner=owner, title=title.strip(), role=role)
        loop.competencies.set(competencies)
    return loop


def loop_update(*, loop: Loop, title=None, role=UNCHANGED, competencies=None) -> Loop:
    """Change what is given of a loop's title, role and competencies."""
    with transaction.atomic():
        if title is not None:
            loop.title = title.strip()
        if role is not UNCHANGED:
            loop.role = role
        loop.save()
        if competencies is not None:
            loop.competencies.set(competencies)
    return loop


def loop_add_interview(*, loop: Loop, kit: Kit, interviewers=()) -> LoopInterview:
    """Add a kit as the loop's next interview, asked by the given people."""
    with transaction.atomic():
        loop = Loop.objects.select_for_update().get(pk=loop.pk)
        if loop.interviews.filter(kit=kit).exists():
            raise ScorecardError("This kit is already an interview of the loop.")
        interview = LoopInterview.objects.create(
            loop=loop, kit=kit, position=loop.interviews.count() + 1
        )
        interview.interviewers.set(interviewers)
        loop.save(update_fields=["updated_at"])
    return interview


def loop_set_interviewers(*, interview: LoopInterview, interviewers) -> LoopInterview:
    with transaction.atomic():
        interview.interviewers.set(interviewers)
        Loop.objects.filter(pk=interview.loop_id).update(updated_at=timezone.now())
    return interview


def loop_remove_interview(*, interview: LoopInterview) -> None:
    """Take an interview out of the loop, unless scorecards were written for it."""
    with transaction.atomic():
        loop = Loop.objects.select_for_update().get(pk=interview.loop_id)
        if interview.scorecards.exists():
            raise ScorecardError(
                "Scorecards were written for this interview, so it stays in the loop."
            )
        interview.delete()
        for position, remaining in enumerate(loop.interviews.order_by("position"), start=1):
            if remaining.position != position:
                remaining.position = position
                remaining.save(update_fields=["position"])
        loop.save(update_fields=["updated_at"])


def coverage(loop: Loop) -> dict:
    """Competency by interview: how many questions each interview asks of each competency.

    Warns on a competency the loop must assess that no interview asks about, and on a
    question asked in two interviews of the loop.
    """
    interviews = list(loop.interviews.select_related("kit").prefetch_related("interviewers"))
    wanted = list(loop.competencies.all()) or list(Competency.objects.all())
    counts: dict[tuple[int, int], int] = {}
    asked_in: dict[int, list[LoopInterview]] = {}
    questions = {}
    items = KitItem.objects.filter(kit__loop_interviews__loop=loop).values_list(
        "kit_id", "question_id", "question__competency_id", "pinned_text"
    )
    by_kit = {interview.kit_id: interview for interview in interviews}
    for kit_id, question_id, competency_id, text in items:
        interview = by_kit[kit_id]
        counts[competency_id, interview.pk] = counts.get((competency_id, interview.pk), 0) + 1
        asked_in.setdefault(question_id, []).append(interview)
        questions[question_id] = text
    # Competencies the loop need not assess still show when an interview asks about them.
    competencies = wanted + list(
        Competency.objects.filter(pk__in={competency_id for competency_id, _ in counts}).exclude(
            pk__in=[c.pk for c in wanted]
        )
    )
    rows = [
        {
            "competency": competency,
            "counts": [counts.get((competency.pk, i.pk), 0) for i in interviews],
            "wanted": competency in wanted,
        }
        for competency in competencies
    ]
    return {
        "interviews": interviews,
        "rows": rows,
        "uncovered": [
            row["competency"] for row in rows if row["wanted"] and not any(row["counts"])
        ],
        "repeated": [
            {
                "text": questions[question_id],
                "interviews": sorted(asked, key=lambda interview: interview.position),
            }
            for question_id, asked in asked_in.items()
            if len(asked) > 1
        ],
    }


# Candidates -----------------------------------------------------------------------------


def candidate_add(*, loop: Loop, reference: str, display_name: str = "") -> Candidate:
    reference = reference.strip()
    if not reference:
        raise ScorecardError("Give the candidate a reference, such as an ATS id or initials.")
    try:
        with transaction.atomic():
            return Candidate.objects.create(
                loop=loop, reference=reference, display_name=display_name.strip()
            )
    except IntegrityError as error:
        raise ScorecardError("This loop already has a candidate with that reference.") from error


def candidate_delete(*, candidate: Candidate) -> None:
    """Delete the candidate and, with them, every scorecard about them."""
    with transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).delete()


# Scorecards -----------------------------------------------------------------------------


def scorecard_open(*, candidate: Candidate, interview: LoopInterview, interviewer) -> Scorecard:
    """The interviewer's scorecard for this interview, started from the kit if new."""
    if interview.loop_id != candidate.loop_id:
        raise ScorecardError("That interview is not part of this candidate's loop.")
    if not interview.interviewers.filter(pk=interviewer.pk).exists():
        raise ScorecardError("You are not an interviewer for this interview.")
    with transaction.atomic():
        scorecard, created = Scorecard.objects.get_or_create(
            candidate=candidate, interview=interview, interviewer=interviewer
        )
        if created:
            items = interview.kit.items.select_related("question").order_by("position")
            bulk_create_with_history(
                [
                    Rating(
                        scorecard=scorecard,
                        question=item.question,
                        competency_id=item.question.competency_id,
                        position=item.position,
                        pinned_text=item.pinned_text,
                        pinned_guidance=item.pinned_guidance,
                        pinned_anchors=item.pinned_anchors,
                    )
                    for item in items
                ],
                Rating,
            )
    return scorecard


def scorecard_save(
    *,
    scorecard: Scorecard,
    ratings: dict[int, dict],
    recommendation: str | None = None,
    summary: str | None = None,
    submit: bool = False,
) -> Scorecard:
    """Save ratings (by rating id: level, not_asked, evidence) and, with `submit`, submit.

    A draft saves whatever it is given. Submitting needs a level or "not asked" on every
    question and a recommendation. A change to a submitted scorecard is an amendment:
    it must still be complete, and its history keeps what it replaced.
    """
    with transaction.atomic():
        scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        known = {rating.pk: rating for rating in scorecard.ratings.all()}
        unknown = set(ratings) - set(known)
        if unknown:
            raise ScorecardError("Some ratings are not on this scorecard.")
        for rating_id, values in ratings.items():
            rating = known[rating_id]
            level = values.get("level", rating.level)
            not_asked = bool(values.get("not_asked", rating.not_asked))
            if level is not None and level not in LEVELS:
                raise ScorecardError("A rating is from 1 to 5.")
            if not_asked:
                level = None
            rating.level, rating.not_asked = level, not_asked
            rating.evidence = values.get("evidence", rating.evidence)
        if recommendation is not None:
            if recommendation and recommendation not in Recommendation.values:
                raise ScorecardError("Choose a recommendation from the list.")
            scorecard.recommendation = recommendation
        if summary is not None:
            scorecard.summary = summary
        if submit or scorecard.is_submitted:
            _check_complete(scorecard, known.values())
        changed = [r for r in known.values() if r.pk in ratings]
        for rating in changed:
            rating.save(update_fields=["level", "not_asked", "evidence"])
        now = timezone.now()
        if scorecard.is_submitted:
            scorecard.amended_at = now
        elif submit:
            scorecard.submitted_at = now
        scorecard.save()
    return scorecard


def _check_complete(scorecard: Scorecard, ratings) -> None:
    unrated = [r.position for r in ratings if r.level is None and not r.not_asked]
    if unrated:
        listed = ", ".join(str(position) for position in sorted(unrated))
        raise ScorecardError(
            f"Rate every question, or mark it not asked, before submitting (question {listed})."
        )
    if not scorecard.recommendation:
        raise ScorecardError("Choose an overall recommendation before submitting.")
