"""What the ratings teach about a question: per version of its wording, how often it was
rated, the mean and spread, how many candidates reached the top level, and whether
interviewers who rated the same candidate on it agreed.

Only submitted scorecards count, and only questions rated (not "not asked"). A version is
the wording the interviewers had (the rating's pinned text), so a question reworded by an
editor starts a new sample. Figures appear only past MIN_SAMPLE ratings: below that, one
rating more or less would swing them.

Who sees what follows the kits: staff see the whole bank's ratings, in aggregate; a hiring
manager sees those of their own loops only; anyone else sees none, so nobody learns how
another team's candidates did.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from statistics import fmean, stdev

from django.db.models import Count, QuerySet
from django.utils import timezone

from questions.models import Question
from questions.scorecards.models import LEVELS, Rating

MIN_SAMPLE = 5
# How far back "asked lately" (exposure) counts.
EXPOSURE_DAYS = 90
# Two interviewers "agree" on a candidate when their levels are at most this far apart.
AGREEMENT_TOLERANCE = 1


@dataclass
class VersionEffectiveness:
    """The figures for one wording of a question."""

    text: str
    current: bool
    # How many ratings were given at each level, 1 to 5.
    counts: dict[int, int] = field(default_factory=dict)
    # Per candidate, each interviewer's level (their latest), for agreement.
    by_candidate: dict[int, dict[int, int]] = field(default_factory=dict)

    def add(self, candidate_id: int, interviewer_id: int, level: int) -> None:
        """Count one rating; give them latest first, so that an interviewer who rated the
        candidate twice is one voice, their latest."""
        self.counts[level] = self.counts.get(level, 0) + 1
        self.by_candidate.setdefault(candidate_id, {}).setdefault(interviewer_id, level)

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def at_top(self) -> int:
        return self.counts.get(LEVELS[-1], 0)

    @property
    def enough(self) -> bool:
        return self.rated >= MIN_SAMPLE

    @property
    def levels(self) -> list[int]:
        return [level for level in LEVELS for _ in range(self.counts.get(level, 0))]

    @property
    def mean(self) -> float:
        return fmean(self.levels)

    @property
    def spread(self) -> float:
        """The sample standard deviation of the levels."""
        return stdev(self.levels)

    @property
    def ceiling(self) -> float:
        """The share of ratings at the top level: near 1, the question tells candidates apart
        no more."""
        return self.at_top / self.rated

    @property
    def pairs(self) -> int:
        """Pairs of interviewers who rated the same candidate on this wording."""
        return sum(len(given) * (len(given) - 1) // 2 for given in self.by_candidate.values())

    @property
    def agreeing(self) -> int:
        """Those pairs whose levels are within AGREEMENT_TOLERANCE."""
        return sum(
            abs(a - b) <= AGREEMENT_TOLERANCE
            for given in self.by_candidate.values()
            for a, b in combinations(given.values(), 2)
        )

    @property
    def agreement(self) -> float | None:
        """The share of pairs that agree; None without any pair."""
        return self.agreeing / self.pairs if self.pairs else None

    @property
    def ceiling_percent(self) -> int:
        return round(self.ceiling * 100)

    @property
    def agreement_percent(self) -> int | None:
        return None if self.agreement is None else round(self.agreement * 100)

    @property
    def bars(self) -> list["Bar"]:
        """The distribution as an SVG bar chart's bars, one per level."""
        tallest = max(self.counts.values(), default=0) or 1
        bars = []
        for index, level in enumerate(LEVELS):
            count = self.counts.get(level, 0)
            height = round(CHART_HEIGHT * count / tallest, 1)
            bars.append(Bar(level, count, x=index * BAR_STEP, y=CHART_BASE - height, height=height))
        return bars


# The chart's geometry, in SVG units: bars stand on CHART_BASE, the tallest CHART_HEIGHT high.
CHART_HEIGHT = 90
CHART_BASE = 105
BAR_STEP = 50


@dataclass(frozen=True)
class Bar:
    level: int
    count: int
    x: float
    y: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + BAR_STEP * 0.4


def rated_answers() -> QuerySet[Rating]:
    """Every rating given on a submitted scorecard (not "not asked")."""
    return Rating.objects.filter(scorecard__submitted_at__isnull=False, level__isnull=False)


def may_learn_from_ratings(user) -> bool:
    """Staff and people who run loops; nobody else sees anything of the ratings."""
    return user.is_authenticated and (user.is_staff or user.has_perm("questions.add_loop"))


def ratings_visible_to(user) -> QuerySet[Rating]:
    """The rated answers the person may learn from, as the module docstring says."""
    if not may_learn_from_ratings(user):
        return Rating.objects.none()
    if user.is_staff:
        return rated_answers()
    return rated_answers().filter(scorecard__candidate__loop__owner=user.pk)


def exposure_since() -> datetime:
    return timezone.now() - timedelta(days=EXPOSURE_DAYS)


def asked_lately(ratings: QuerySet[Rating]) -> dict[int, int]:
    """Per question among `ratings`, how many candidates were asked it in the last
    EXPOSURE_DAYS (any wording). One query."""
    rows = (
        ratings.filter(scorecard__submitted_at__gte=exposure_since())
        .values("question_id")
        .annotate(candidates=Count("scorecard__candidate", distinct=True))
    )
    return {row["question_id"]: row["candidates"] for row in rows}


EVERY_LOOP = "From every loop's submitted scorecards."


def effectiveness_summary(question: Question, ratings: QuerySet[Rating], scope: str) -> dict:
    """What the ratings say of a question, for its page and its admin page."""
    return {
        "versions": question_effectiveness(question, ratings),
        "scope": scope,
        "min_sample": MIN_SAMPLE,
    }


def effectiveness_context(question: Question, *, user) -> dict | None:
    """What the question's page shows of its ratings, or None for people who see none."""
    if not may_learn_from_ratings(user):
        return None
    scope = EVERY_LOOP if user.is_staff else "From the submitted scorecards of your loops."
    ratings = ratings_visible_to(user)
    return {
        **effectiveness_summary(question, ratings, scope),
        "asked_lately": asked_lately(ratings.filter(question=question)).get(question.pk, 0),
        "exposure_days": EXPOSURE_DAYS,
    }


def question_effectiveness(
    question: Question, ratings: QuerySet[Rating]
) -> list[VersionEffectiveness]:
    """The question's versions among `ratings`, the current wording first, then the latest.

    One query, whatever the number of ratings: they are counted here, not one by one."""
    versions: dict[str, VersionEffectiveness] = {}
    rows = (
        ratings.filter(question=question)
        .order_by("-scorecard__submitted_at", "-pk")
        .values_list("pinned_text", "scorecard__candidate_id", "scorecard__interviewer_id", "level")
    )
    for text, candidate_id, interviewer_id, level in rows:
        version = versions.setdefault(
            text, VersionEffectiveness(text=text, current=text == question.text)
        )
        version.add(candidate_id, interviewer_id, level)
    return sorted(versions.values(), key=lambda version: not version.current)
