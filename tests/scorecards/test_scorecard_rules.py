"""Loops, candidates and scorecards: the rules pages and API share."""

import pytest

from questions.kits import item_rules
from questions.kits import rules as kit_rules
from questions.scorecards import rules
from questions.scorecards.debrief import debrief
from questions.scorecards.models import RatingScale, Recommendation, Scorecard
from tests.scorecards.scorecard_helpers import fill, interview

ANCHORS = [
    "No example.",
    "An example, vague on their part.",
    "One example, outcome unclear.",
    "A clear example with a measured outcome.",
    "Several examples; explains the trade-offs and what they would change.",
]


@pytest.fixture
def pricing_scale(pricing_question) -> RatingScale:
    return RatingScale.objects.create(
        question=pricing_question, **{f"level_{n}": text for n, text in enumerate(ANCHORS, 1)}
    )


class TestAnchors:
    def test_a_kit_pins_the_anchors_and_the_scorecard_shows_what_the_interviewer_was_given(
        self, pricing_scale, owner, pricing_question, loop, candidate, ana
    ):
        first = kit_rules.kit_create(owner=owner, title="Pinned")
        item = item_rules.kit_add_question(kit=first, question=pricing_question)
        assert item.pinned_anchors == ANCHORS

        scorecard = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        pricing_scale.level_5 = "Rewritten later."
        pricing_scale.save()
        assert scorecard.ratings.get(position=1).pinned_anchors == ANCHORS
        assert pricing_scale.history.count() == 2

    def test_a_question_without_a_scale_has_no_anchors(self, kit):
        assert [item.pinned_anchors for item in kit.items.all()] == [[], []]


class TestScorecards:
    def test_opening_starts_from_the_kit_in_its_order(self, loop, candidate, ana, kit):
        scorecard = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        assert [r.pinned_text for r in scorecard.ratings.all()] == [
            item.pinned_text for item in kit.items.all()
        ]
        again = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        assert again.pk == scorecard.pk

    def test_only_an_assigned_interviewer_opens_one(self, loop, candidate, ben):
        with pytest.raises(rules.ScorecardError, match="not an interviewer"):
            rules.scorecard_open(candidate=candidate, interview=interview(loop, 1), interviewer=ben)

    def test_submitting_needs_every_question_rated_or_not_asked_and_a_recommendation(
        self, loop, candidate, ana
    ):
        scorecard = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        first = scorecard.ratings.get(position=1)
        with pytest.raises(rules.ScorecardError, match=r"question 2"):
            rules.scorecard_save(
                scorecard=scorecard,
                ratings={first.pk: {"level": 4}},
                recommendation=Recommendation.YES,
                submit=True,
            )
        scorecard.refresh_from_db()
        assert scorecard.submitted_at is None
        assert scorecard.ratings.get(position=1).level is None  # nothing half-written

        with pytest.raises(rules.ScorecardError, match="recommendation"):
            fill(scorecard, [4, None], recommendation="")
        fill(scorecard, [4, None])
        scorecard.refresh_from_db()
        assert scorecard.is_submitted
        assert scorecard.ratings.get(position=2).not_asked

    def test_a_level_outside_the_scale_is_refused(self, loop, candidate, ana):
        scorecard = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        with pytest.raises(rules.ScorecardError, match="1 to 5"):
            fill(scorecard, [6, 3], submit=False)

    def test_a_change_after_submitting_is_an_amendment_with_history(self, loop, candidate, ana):
        scorecard = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        fill(scorecard, [4, 3])
        submitted_at = Scorecard.objects.get(pk=scorecard.pk).submitted_at
        amended = fill(scorecard, [5, 3], submit=False)
        assert amended.submitted_at == submitted_at
        assert amended.amended_at is not None
        first = amended.ratings.get(position=1)
        assert [h.level for h in first.history.order_by("history_date")] == [None, 4, 5]
        with pytest.raises(rules.ScorecardError, match="Rate every question"):
            rules.scorecard_save(
                scorecard=amended, ratings={first.pk: {"level": None, "not_asked": False}}
            )


class TestBlindUntilSubmitted:
    def test_nobody_sees_another_interviewers_ratings_before_submitting_their_own(
        self, loop, candidate, owner, ana, ben, outsider
    ):
        ana_card = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 1), interviewer=ana
        )
        ben_card = rules.scorecard_open(
            candidate=candidate, interview=interview(loop, 2), interviewer=ben
        )
        fill(ben_card, [2, 1])
        fill(ana_card, [4, 2], submit=False)

        assert list(rules.scorecards_for(ana)) == [ana_card]
        assert list(rules.scorecards_for(owner)) == [ben_card]  # never a draft
        assert not rules.can_read_debrief(ana, candidate)

        fill(ana_card, [4, 2])
        assert set(rules.scorecards_for(ana)) == {ana_card, ben_card}
        assert set(rules.scorecards_for(owner)) == {ana_card, ben_card}
        assert rules.can_read_debrief(ana, candidate)

        assert not rules.scorecards_for(outsider).exists()
        assert not rules.candidates_for(outsider).exists()
        assert not rules.loops_for(outsider).exists()

    def test_interviewers_see_their_loops_and_candidates_only(
        self, loop, candidate, ana, colleague
    ):
        assert list(rules.loops_for(ana)) == [loop]
        assert list(rules.candidates_for(ana)) == [candidate]
        assert not rules.candidates_for(colleague).exists()


class TestDebrief:
    def test_ratings_are_combined_by_the_documented_rule(self, loop, candidate, ana, ben):
        # Interview 1 (Ana): pricing (strategy) 4, conflict (leadership) 2.
        fill(
            rules.scorecard_open(
                candidate=candidate, interview=interview(loop, 1), interviewer=ana
            ),
            [4, 2],
        )
        # Interview 2 (Ben): spare (strategy) 2, pricing (strategy) 1; strong no.
        fill(
            rules.scorecard_open(
                candidate=candidate, interview=interview(loop, 2), interviewer=ben
            ),
            [2, 1],
            recommendation=Recommendation.STRONG_NO,
        )
        result = debrief(candidate)
        scores = {score.competency.slug: score for score in result.competencies}
        # Strategy: Ana's mean 4, Ben's mean (2 + 1) / 2 = 1.5; each scorecard weighs the same.
        assert scores["strategy"].mean == pytest.approx((4 + 1.5) / 2)
        assert scores["strategy"].spread == pytest.approx(2.5)
        assert scores["strategy"].flagged
        assert scores["leadership"].mean == 2
        assert not scores["leadership"].flagged
        assert [s.recommendation for s in result.scorecards] == ["yes", "strong_no"]
        assert result.missing == []

    def test_not_asked_counts_for_nothing_and_missing_scorecards_are_listed(
        self, loop, candidate, ana, ben
    ):
        fill(
            rules.scorecard_open(
                candidate=candidate, interview=interview(loop, 1), interviewer=ana
            ),
            [None, 3],
        )
        result = debrief(candidate)
        assert [s.competency.slug for s in result.competencies] == ["leadership"]
        assert [(m.interviewer, m.started) for m in result.missing] == [(ben, False)]


class TestLoops:
    def test_coverage_warns_on_uncovered_competencies_and_repeated_questions(
        self, loop, strategy, leadership, pricing_question
    ):
        matrix = rules.coverage(loop)
        rows = {row["competency"].slug: row["counts"] for row in matrix["rows"]}
        assert rows == {"strategy": [1, 2], "leadership": [1, 0]}
        assert matrix["uncovered"] == []
        (repeated,) = matrix["repeated"]
        assert repeated["text"] == pricing_question.text
        assert [i.position for i in repeated["interviews"]] == [1, 2]

    def test_a_competency_the_loop_must_assess_and_nobody_asks_is_named(self, loop, db):
        from questions.models import Competency

        data = Competency.objects.create(
            slug="data", name="Data analysis", description="Numbers.", display_order=3
        )
        loop.competencies.add(data)
        assert rules.coverage(loop)["uncovered"] == [data]

    def test_the_same_kit_is_not_added_twice(self, loop, kit):
        with pytest.raises(rules.ScorecardError, match="already"):
            rules.loop_add_interview(loop=loop, kit=kit)

    def test_an_interview_with_scorecards_stays(self, loop, candidate, ana):
        rules.scorecard_open(candidate=candidate, interview=interview(loop, 1), interviewer=ana)
        with pytest.raises(rules.ScorecardError, match="stays"):
            rules.loop_remove_interview(interview=interview(loop, 1))
        rules.loop_remove_interview(interview=interview(loop, 2))
        assert [i.position for i in loop.interviews.all()] == [1]


class TestCandidates:
    def test_a_reference_is_needed_and_unique_in_the_loop(self, loop, candidate):
        with pytest.raises(rules.ScorecardError, match="reference"):
            rules.candidate_add(loop=loop, reference="  ")
        with pytest.raises(rules.ScorecardError, match="already"):
            rules.candidate_add(loop=loop, reference="ATS-1042")

    def test_deleting_a_candidate_deletes_their_scorecards(self, loop, candidate, ana):
        rules.scorecard_open(candidate=candidate, interview=interview(loop, 1), interviewer=ana)
        rules.candidate_delete(candidate=candidate)
        assert not Scorecard.objects.exists()
