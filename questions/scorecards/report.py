"""The editors' report: questions to look at again, from what the ratings and kits say.

- too easy: most candidates reach the top level (the ceiling), past the minimum sample;
- too noisy: interviewers who rated the same candidate on it often disagree;
- over-exposed: asked of many candidates lately, so its answers may be going around;
- never used: active, in no kit and never rated.

Figures are for each question's current wording, as its page shows them
(questions/scorecards/effectiveness.py). Staff only: the report is an admin page.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, QuerySet

from questions.models import KitItem, Question
from questions.scorecards.effectiveness import (
    MIN_SAMPLE,
    VersionEffectiveness,
    asked_lately,
    rated_answers,
)
from questions.scorecards.models import Rating

# From how many candidates asked lately (EXPOSURE_DAYS) a question is over-exposed.
OVER_EXPOSED = 20
# Too easy: at least this share of ratings at the top level.
CEILING_FLAG = 0.5
# Too noisy: fewer than this share of pairs agree, over at least NOISY_MIN_PAIRS pairs.
AGREEMENT_FLAG = 0.5
NOISY_MIN_PAIRS = 3

FLAGS = {
    "easy": "Too easy",
    "noisy": "Too noisy",
    "exposed": "Over-exposed",
    "unused": "Never used",
}


@dataclass
class QuestionFigures:
    """One question's figures for the report: its current wording's, as its page counts
    them, and how many candidates were asked it lately."""

    question_id: int
    current: VersionEffectiveness = field(
        default_factory=lambda: VersionEffectiveness(text="", current=True)
    )
    exposure: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return self.current.rated

    @property
    def at_top(self) -> int:
        return self.current.at_top

    @property
    def pairs(self) -> int:
        return self.current.pairs

    @property
    def agreeing(self) -> int:
        return self.current.agreeing

    @property
    def ceiling_percent(self) -> int | None:
        return self.current.ceiling_percent if self.rated else None

    @property
    def agreement_percent(self) -> int | None:
        return self.current.agreement_percent


def rating_figures() -> dict[int, QuestionFigures]:
    """Every rated question's figures: two queries over the ratings, none per question.

    Exposure counts every wording (a candidate was asked the question either way); the
    rest counts the current wording only."""
    figures: dict[int, QuestionFigures] = {}
    rows = (
        rated_answers()
        .filter(pinned_text=F("question__text"))
        .order_by("-scorecard__submitted_at", "-pk")
        .values_list("question_id", "scorecard__candidate_id", "scorecard__interviewer_id", "level")
    )
    for question_id, candidate_id, interviewer_id, level in rows:
        figure = figures.setdefault(question_id, QuestionFigures(question_id))
        figure.current.add(candidate_id, interviewer_id, level)
    for question_id, candidates in asked_lately(rated_answers()).items():
        figures.setdefault(question_id, QuestionFigures(question_id)).exposure = candidates
    for figure in figures.values():
        figure.flags = _flags(figure)
    return figures


def _flags(figure: QuestionFigures) -> list[str]:
    flags = []
    if figure.rated >= MIN_SAMPLE and figure.at_top / figure.rated >= CEILING_FLAG:
        flags.append("easy")
    if figure.pairs >= NOISY_MIN_PAIRS and figure.agreeing / figure.pairs < AGREEMENT_FLAG:
        flags.append("noisy")
    if figure.exposure >= OVER_EXPOSED:
        flags.append("exposed")
    return flags


def never_used() -> QuerySet[Question]:
    """Active questions in no kit and never rated."""
    return Question.objects.active().filter(
        ~Exists(KitItem.objects.filter(question=OuterRef("pk"))),
        ~Exists(Rating.objects.filter(question=OuterRef("pk"))),
    )
