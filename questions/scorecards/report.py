"""The editors' report: questions to look at again, from what the ratings and kits say.

- too easy: most candidates reach the top level (the ceiling), past the minimum sample;
- too noisy: interviewers who rated the same candidate on it often disagree;
- over-exposed: asked of many candidates lately, so its answers may be going around;
- never used: active, in no kit and never rated.

Figures are for each question's current wording, as its page shows them
(questions/scorecards/effectiveness.py). Staff only: the report is an admin page.
"""

from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from questions.models import KitItem, Question
from questions.scorecards.effectiveness import (
    AGREEMENT_TOLERANCE,
    MIN_SAMPLE,
    candidates_asked,
    rated_answers,
)
from questions.scorecards.models import LEVELS, Rating

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
    """One question's figures for the report, its current wording only."""

    question_id: int
    rated: int = 0
    at_top: int = 0
    exposure: int = 0
    pairs: int = 0
    agreeing: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def ceiling_percent(self) -> int | None:
        return round(100 * self.at_top / self.rated) if self.rated else None

    @property
    def agreement_percent(self) -> int | None:
        return round(100 * self.agreeing / self.pairs) if self.pairs else None


def rating_figures() -> dict[int, QuestionFigures]:
    """Every rated question's figures: three queries over the ratings, none per question.

    Exposure counts every wording (a candidate was asked the question either way); the
    rest counts the current wording only."""
    figures: dict[int, QuestionFigures] = {}
    base = rated_answers().filter(pinned_text=F("question__text"))
    for row in base.values("question_id").annotate(
        rated=Count("pk"), at_top=Count("pk", filter=Q(level=LEVELS[-1]))
    ):
        figures[row["question_id"]] = QuestionFigures(
            row["question_id"], rated=row["rated"], at_top=row["at_top"]
        )
    for row in candidates_asked(rated_answers()):
        figures.setdefault(row["question_id"], QuestionFigures(row["question_id"]))
        figures[row["question_id"]].exposure = row["candidates"]
    given: dict[tuple[int, int], dict[int, int]] = {}
    rows = base.order_by("-scorecard__submitted_at", "-pk").values_list(
        "question_id", "scorecard__candidate_id", "scorecard__interviewer_id", "level"
    )
    for question_id, candidate_id, interviewer_id, level in rows:
        given.setdefault((question_id, candidate_id), {}).setdefault(interviewer_id, level)
    for (question_id, _), levels in given.items():
        pairs = list(combinations(levels.values(), 2))
        figures.setdefault(question_id, QuestionFigures(question_id))
        figures[question_id].pairs += len(pairs)
        figures[question_id].agreeing += sum(abs(a - b) <= AGREEMENT_TOLERANCE for a, b in pairs)
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
