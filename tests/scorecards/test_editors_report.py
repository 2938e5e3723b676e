"""The editors' report: flags from fixed data, filters, CSV, and staff only."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Question
from questions.scorecards import report, rules
from questions.scorecards.effectiveness import EXPOSURE_DAYS
from questions.scorecards.models import Scorecard
from tests.scorecards.scorecard_helpers import fill, interview

pytestmark = pytest.mark.django_db


def rate(loop, people, levels_by_candidate, start=0):
    """Candidates rated on the first interview: {number: {name: (pricing, conflict)}}."""
    first = interview(loop, 1)
    rules.loop_set_interviewers(interview=first, interviewers=list(people.values()))
    for number, given in levels_by_candidate.items():
        candidate = rules.candidate_add(loop=loop, reference=f"ATS-{start + number}")
        for name, levels in given.items():
            scorecard = rules.scorecard_open(
                candidate=candidate, interview=first, interviewer=people[name]
            )
            fill(scorecard, list(levels))


@pytest.fixture
def rated(loop, ana, ben):
    """Pricing: aced (5 of 6 at level 5) and interviewers always within one level.
    Conflict: interviewers three levels apart on every candidate: noisy."""
    rate(
        loop,
        {"ana": ana, "ben": ben},
        {
            1: {"ana": (5, 1), "ben": (5, 4)},
            2: {"ana": (5, 2), "ben": (4, 5)},
            3: {"ana": (5, 1), "ben": (5, 4)},
        },
    )
    return loop


def test_flags_from_fixed_data(rated, pricing_question, conflict_question, spare_question):
    figures = report.rating_figures()
    pricing, conflict = figures[pricing_question.pk], figures[conflict_question.pk]
    assert (pricing.rated, pricing.at_top, pricing.ceiling_percent) == (6, 5, 83)
    assert (pricing.pairs, pricing.agreeing) == (3, 3)
    assert pricing.flags == ["easy"]
    assert (conflict.pairs, conflict.agreeing, conflict.agreement_percent) == (3, 0, 0)
    assert conflict.flags == ["noisy"]
    assert (pricing.exposure, conflict.exposure) == (3, 3)
    assert spare_question.pk not in figures
    # The spare question is in a kit (the loop's second interview), so it is used.
    assert spare_question not in report.never_used()


def test_exposure_counts_candidates_of_the_last_90_days(rated, pricing_question, monkeypatch):
    monkeypatch.setattr(report, "OVER_EXPOSED", 3)
    assert "exposed" in report.rating_figures()[pricing_question.pk].flags
    Scorecard.objects.filter(candidate__reference="ATS-1").update(
        submitted_at=timezone.now() - timedelta(days=EXPOSURE_DAYS + 1)
    )
    figure = report.rating_figures()[pricing_question.pk]
    assert figure.exposure == 2 and "exposed" not in figure.flags


def test_a_question_in_no_kit_and_never_rated_is_never_used(rated, strategy):
    lonely = Question.objects.create(
        text="Which fact would you check first?", guidance="g", competency=strategy
    )
    retired = Question.objects.create(
        text="Which old fact?", guidance="g", competency=strategy, is_active=False
    )
    unused = set(report.never_used())
    assert lonely in unused and retired not in unused


class TestAdminPage:
    def test_it_lists_each_flag_with_its_figures(self, rated, editor_client, pricing_question):
        page = editor_client.get("/admin/questions/question/report/").content.decode()
        assert "Editors&#x27; report" in page or "Editors' report" in page
        assert pricing_question.text[:60] in page and "Too easy" in page
        assert "83%" in page and "Too noisy" in page
        easy = editor_client.get("/admin/questions/question/report/?flag=easy").content.decode()
        assert "Too noisy</td>" not in easy

    def test_the_question_list_links_to_it(self, editor_client):
        page = editor_client.get("/admin/questions/question/").content.decode()
        assert 'href="/admin/questions/question/report/"' in page

    def test_csv(self, rated, editor_client, pricing_question, conflict_question):
        response = editor_client.get("/admin/questions/question/report/?format=csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
        assert rows[0][0] == "id" and len(rows) == 3
        by_id = {int(row[0]): row for row in rows[1:]}
        assert by_id[pricing_question.pk][3:8] == ["Too easy", "6", "83", "100", "3"]
        assert by_id[conflict_question.pk][3] == "Too noisy"

    def test_a_bad_flag_or_page_shows_everything_flagged(self, rated, editor_client):
        response = editor_client.get("/admin/questions/question/report/?flag=x&page=zz")
        assert response.status_code == 200 and "Too easy" in response.content.decode()

    @pytest.mark.parametrize("who", ["owner", "recruiter", "ana"])
    def test_only_staff_reach_it(self, request, client, who):
        client.force_login(request.getfixturevalue(who))
        response = client.get("/admin/questions/question/report/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


class TestRotation:
    """Balancing with rotation: the least asked first, one of each set of alternates."""

    def test_the_least_asked_questions_come_first(
        self, rated, pricing_question, spare_question, strategy
    ):
        from questions.kits import balance

        # Pricing was asked of 3 candidates lately; the spare question of none.
        plain = balance.kit_balance(role=None, target_minutes=9, competencies=[strategy])
        rotated = balance.kit_balance(
            role=None, target_minutes=9, competencies=[strategy], rotate=True
        )
        assert plain == [pricing_question]  # bank order
        assert rotated == [spare_question]

    def test_only_the_least_asked_of_alternates_is_offered(
        self, rated, pricing_question, spare_question, strategy
    ):
        from questions.kits import balance

        pricing_question.alternates.add(spare_question)
        assert list(spare_question.alternates.all()) == [pricing_question]  # both ways
        rotated = balance.kit_balance(
            role=None, target_minutes=120, competencies=[strategy], rotate=True
        )
        assert spare_question in rotated and pricing_question not in rotated
        plain = balance.kit_balance(role=None, target_minutes=120, competencies=[strategy])
        assert {pricing_question, spare_question} <= set(plain)

    def test_the_balance_page_offers_rotation(self, rated, owner_client, kit, spare_question):
        pricing = kit.items.get(position=1).question
        pricing.alternates.add(spare_question)
        page = owner_client.get(
            f"/kits/{kit.code}/balance/?target_minutes=60&competencies=strategy&rotate=on"
        ).content.decode()
        assert "Rotate: prefer the questions fewest candidates were asked lately" in page
        proposal = page[page.index("proposal-heading") :]
        assert spare_question.text in proposal and pricing.text not in proposal
        owner_client.post(
            f"/kits/{kit.code}/balance/",
            {"target_minutes": "60", "competencies": "strategy", "rotate": "on"},
        )
        assert list(kit.items.values_list("question", flat=True)) == [spare_question.pk]


def test_the_question_page_says_how_many_candidates_were_asked_lately(
    rated, owner_client, pricing_question
):
    page = owner_client.get(pricing_question.get_absolute_url()).content.decode()
    assert "Asked of <strong>3</strong> candidates in the last 90 days." in page


def test_editors_mark_alternates_and_why_a_question_was_retired(editor_client, pricing_question):
    page = editor_client.get(
        f"/admin/questions/question/{pricing_question.pk}/change/"
    ).content.decode()
    assert 'name="alternates"' in page and 'name="retired_reason"' in page
