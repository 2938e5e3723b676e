"""Helpers the loop, scorecard and debrief tests share."""

from questions.scorecards import rules
from questions.scorecards.models import Recommendation


def interview(loop, position):
    return loop.interviews.get(position=position)


def fill(scorecard, levels, recommendation=Recommendation.YES, *, submit=True):
    """Rate the scorecard's questions in order; None marks a question not asked."""
    ratings = {
        rating.pk: {"level": level, "not_asked": level is None, "evidence": f"Said {level}."}
        for rating, level in zip(scorecard.ratings.order_by("position"), levels, strict=True)
    }
    return rules.scorecard_save(
        scorecard=scorecard, ratings=ratings, recommendation=recommendation, submit=submit
    )
