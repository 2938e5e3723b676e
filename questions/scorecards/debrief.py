"""A candidate's debrief: ratings combined by one fixed rule, decided before anyone reads them.

The rule (also in the README, "Scorecards and debriefs"):

1. Only submitted scorecards count; a question marked "not asked" counts for nothing.
2. Within one scorecard, a competency's score is the mean of that interviewer's ratings of
   the competency's questions.
3. Across the loop, a competency's score is the mean of those per-scorecard scores: every
   interviewer who assessed the competency weighs the same, however many questions they
   asked about it.
4. A competency is flagged for discussion when two scorecards' scores for it are 2 points or
   more apart.

Scores are shown to one decimal; nothing is rounded before the mean is taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

from questions.models import Competency
from questions.scorecards.models import Candidate, Scorecard

DISAGREEMENT = 2


@dataclass
class CompetencyScore:
    competency: Competency
    # (scorecard, that scorecard's mean for the competency), in interview order.
    by_scorecard: list[tuple[Scorecard, float]] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return fmean(score for _, score in self.by_scorecard) if self.by_scorecard else None

    @property
    def spread(self) -> float:
        scores = [score for _, score in self.by_scorecard]
        return max(scores) - min(scores) if scores else 0.0

    @property
    def flagged(self) -> bool:
        return self.spread >= DISAGREEMENT


@dataclass
class Missing:
    interview: object
    interviewer: object
    started: bool


@dataclass
class Debrief:
    candidate: Candidate
    scorecards: list[Scorecard]
    competencies: list[CompetencyScore]
    missing: list[Missing]

    @property
    def flagged(self) -> list[CompetencyScore]:
        return [score for score in self.competencies if score.flagged]


def debrief(candidate: Candidate) -> Debrief:
    """Combine the candidate's submitted scorecards. Callers check who may read it."""
    scorecards = list(
        candidate.scorecards.filter(submitted_at__isnull=False)
        .select_related("interview__kit", "interviewer")
        .prefetch_related("ratings")
        .order_by("interview__position", "interviewer__username")
    )
    competencies = {c.pk: CompetencyScore(c) for c in Competency.objects.all()}
    for scorecard in scorecards:
        levels: dict[int, list[int]] = {}
        for rating in scorecard.ratings.all():
            if rating.level is not None:
                levels.setdefault(rating.competency_id, []).append(rating.level)
        for competency_id, values in levels.items():
            competencies[competency_id].by_scorecard.append((scorecard, fmean(values)))
    submitted = {(s.interview_id, s.interviewer_id) for s in scorecards}
    started = set(
        candidate.scorecards.filter(submitted_at__isnull=True).values_list(
            "interview_id", "interviewer_id"
        )
    )
    missing = [
        Missing(interview, person, (interview.pk, person.pk) in started)
        for interview in candidate.loop.interviews.select_related("kit").prefetch_related(
            "interviewers"
        )
        for person in interview.interviewers.all()
        if (interview.pk, person.pk) not in submitted
    ]
    return Debrief(
        candidate=candidate,
        scorecards=scorecards,
        competencies=[score for score in competencies.values() if score.by_scorecard],
        missing=missing,
    )
