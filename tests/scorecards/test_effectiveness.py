"""What the ratings teach about a question: figures checked against hand-computed values."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from questions.scorecards import rules
from questions.scorecards.effectiveness import (
    question_effectiveness,
    rated_answers,
    ratings_visible_to,
)
from questions.scorecards.models import Rating
from tests.scorecards.scorecard_helpers import fill, interview

pytestmark = pytest.mark.django_db

# The pricing question (first on the first interview), rated by Ana and Ben:
# candidate 1: 3 and 4 (agree), candidate 2: 5 and 2 (disagree), 3: Ana 5, 4: Ben 5.
PRICING = {1: {"ana": 3, "ben": 4}, 2: {"ana": 5, "ben": 2}, 3: {"ana": 5}, 4: {"ben": 5}}


@pytest.fixture
def rated(loop, ana, ben):
    """Six submitted ratings of the pricing question across four candidates."""
    first = interview(loop, 1)
    rules.loop_set_interviewers(interview=first, interviewers=[ana, ben])
    people = {"ana": ana, "ben": ben}
    for number, levels in PRICING.items():
        candidate = rules.candidate_add(loop=loop, reference=f"ATS-{number}")
        for name, level in levels.items():
            scorecard = rules.scorecard_open(
                candidate=candidate, interview=first, interviewer=people[name]
            )
            fill(scorecard, [level, 3])
    return loop


def pricing_figures(pricing_question, ratings=None):
    [version] = question_effectiveness(pricing_question, ratings or rated_answers())
    return version


def test_the_figures_match_the_hand_computed_ones(rated, pricing_question):
    version = pricing_figures(pricing_question)
    assert version.current and version.enough
    assert version.rated == 6
    assert version.counts == {2: 1, 3: 1, 4: 1, 5: 3}
    assert version.mean == 4.0  # 24 / 6
    # Deviations -1, 0, 1, -2, 1, 1: squares add to 8, over 5 degrees of freedom.
    assert version.spread == pytest.approx((8 / 5) ** 0.5)
    assert version.ceiling_percent == 50  # three of six at level 5
    # Candidate 1: 3 and 4 agree (one level apart); candidate 2: 5 and 2 do not.
    assert version.pairs == 2
    assert version.agreement_percent == 50
    heights = {bar.level: bar.height for bar in version.bars}
    assert heights == {1: 0, 2: 30.0, 3: 30.0, 4: 30.0, 5: 90}


def test_nothing_is_said_under_the_minimum_sample(loop, ana, pricing_question):
    first = interview(loop, 1)
    for number in range(4):
        candidate = rules.candidate_add(loop=loop, reference=f"ATS-{number}")
        fill(rules.scorecard_open(candidate=candidate, interview=first, interviewer=ana), [4, 4])
    version = pricing_figures(pricing_question)
    assert version.rated == 4 and not version.enough


def test_drafts_and_questions_not_asked_do_not_count(rated, loop, ana, pricing_question):
    first = interview(loop, 1)
    draft = rules.candidate_add(loop=loop, reference="ATS-draft")
    scorecard = rules.scorecard_open(candidate=draft, interview=first, interviewer=ana)
    fill(scorecard, [1, 1], submit=False)
    skipped = rules.candidate_add(loop=loop, reference="ATS-skipped")
    scorecard = rules.scorecard_open(candidate=skipped, interview=first, interviewer=ana)
    fill(scorecard, [None, 2])
    assert pricing_figures(pricing_question).rated == 6


def test_an_interviewer_who_rated_a_candidate_twice_is_one_voice(
    rated, loop, ben, pricing_question
):
    # Ben also asks the pricing question in the second interview: 4 for candidate 2.
    candidate = loop.candidates.get(reference="ATS-2")
    second = interview(loop, 2)
    fill(rules.scorecard_open(candidate=candidate, interview=second, interviewer=ben), [3, 4])
    version = pricing_figures(pricing_question)
    assert version.rated == 7
    assert version.pairs == 2


def test_a_reworded_question_starts_a_new_sample(rated, pricing_question):
    Rating.objects.filter(
        question=pricing_question, scorecard__candidate__reference__in=["ATS-1", "ATS-2"]
    ).update(pinned_text="How would you price a new product line?")
    current, earlier = question_effectiveness(pricing_question, rated_answers())
    assert current.current and current.rated == 2 and not current.enough
    assert earlier.text == "How would you price a new product line?"
    assert earlier.rated == 4 and not earlier.current


class TestWhoSeesWhat:
    def test_the_loop_owner_sees_their_loops_figures(self, rated, owner_client, pricing_question):
        page = owner_client.get(pricing_question.get_absolute_url()).content.decode()
        assert "How it rates" in page
        assert "Rated</dt><dd>6 times" in page
        assert "4.0 of 5" in page
        assert "50% of 2 pairs within one level" in page
        assert 'aria-label="Ratings by level: 1: 0, 2: 1, 3: 1, 4: 1, 5: 3"' in page

    def test_another_hiring_manager_learns_nothing_of_other_loops(
        self, rated, colleague, pricing_question
    ):
        client = Client()
        client.force_login(colleague)
        page = client.get(pricing_question.get_absolute_url()).content.decode()
        assert "How it rates" in page and "Not rated yet." in page
        assert "6 times" not in page
        assert not ratings_visible_to(colleague).exists()

    @pytest.mark.parametrize("who", ["recruiter", "ana", "outsider"])
    def test_people_who_run_no_loops_see_nothing_of_ratings(
        self, request, rated, pricing_question, who
    ):
        client = Client()
        client.force_login(request.getfixturevalue(who))
        page = client.get(pricing_question.get_absolute_url()).content.decode()
        assert "How it rates" not in page

    def test_staff_see_every_loop_in_the_page_and_the_admin(
        self, rated, editor_client, pricing_question
    ):
        page = editor_client.get(pricing_question.get_absolute_url()).content.decode()
        assert "From every loop" in page and "Rated</dt><dd>6 times" in page
        admin = editor_client.get(f"/admin/questions/question/{pricing_question.pk}/change/")
        body = admin.content.decode()
        assert (
            "How it rates" in body
            and "4.0 of 5" in body
            and "<br>" not in body.split("How it rates")[-1].split("</fieldset>")[0]
        )

    def test_one_query_whatever_the_number_of_ratings(self, rated, owner, pricing_question):
        with CaptureQueriesContext(connection) as captured:
            question_effectiveness(pricing_question, ratings_visible_to(owner))
        assert len(captured) <= 3  # the owner's permissions, then the ratings
