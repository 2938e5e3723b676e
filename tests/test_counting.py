"""Capped counts: the browse pages count at most COUNT_LIMIT + 1 questions and say "N+"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions import counting
from questions.counting import CappedPaginator, count_upto
from questions.models import Competency, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_four(monkeypatch):
    monkeypatch.setattr(counting, "COUNT_LIMIT", 4)


def strategy_questions():
    return Question.objects.active().filter(competency__slug="strategy").order_by("id")


class TestCountUpto:
    def test_it_is_exact_up_to_the_limit(self, seed_bank):
        assert count_upto(strategy_questions(), limit=10) == 10
        assert count_upto(strategy_questions(), limit=20) == 10

    def test_it_stops_one_past_the_limit(self, seed_bank):
        assert count_upto(strategy_questions(), limit=3) == 4

    def test_the_database_is_told_where_to_stop(self, seed_bank):
        with CaptureQueriesContext(connection) as queries:
            count_upto(strategy_questions(), limit=3)
        assert "LIMIT 4" in queries.captured_queries[0]["sql"]


class TestCappedPaginator:
    def test_under_the_limit_it_pages_like_django(self, seed_bank):
        paginator = CappedPaginator(strategy_questions(), 3, limit=20)
        assert (paginator.count, paginator.num_pages, paginator.count_is_capped) == (10, 4, False)

    def test_past_the_limit_the_pages_end_at_the_limit(self, seed_bank):
        paginator = CappedPaginator(strategy_questions(), 3, limit=5)
        assert (paginator.count, paginator.num_pages, paginator.count_is_capped) == (5, 2, True)
        assert len(paginator.page(2).object_list) == 2

    def test_a_count_from_elsewhere_is_used_as_it_is(self, seed_bank):
        paginator = CappedPaginator(strategy_questions(), 3, limit=5, counted=lambda: 6)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count_is_capped
        assert not queries.captured_queries


class TestPages:
    def test_home_cards_say_n_plus(self, seed_bank, limit_of_four, recruiter_client):
        body = recruiter_client.get("/").content.decode()
        assert body.count("4+ questions") == 7, "six competencies and the role"
        assert "10 questions" not in body

    def test_home_cards_are_exact_under_the_limit(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/").content.decode()
        assert body.count("10 questions") == 6 and "60 questions" in body

    def test_the_role_page_says_n_plus(self, seed_bank, limit_of_four, recruiter_client):
        body = recruiter_client.get("/roles/e-commerce-operations-manager/").content.decode()
        assert body.count("4+ questions") == 6

    def test_the_competency_page_pages_up_to_the_limit(
        self, seed_bank, limit_of_four, recruiter_client, settings
    ):
        settings.QUESTIONS_PER_PAGE = 3
        first = recruiter_client.get("/competencies/strategy/").content.decode()
        assert "4+ questions" in first and "Page 1 of 2" in first
        assert "These are the first 4 questions" not in first
        last = recruiter_client.get("/competencies/strategy/?page=2").content.decode()
        assert "These are the first 4 questions" in last
        assert "/search/?competency=strategy" in last

    def test_the_competency_page_is_exact_under_the_limit(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/competencies/strategy/").content.decode()
        assert "10 questions" in body and "These are the first" not in body

    def test_the_competency_page_never_counts_past_the_limit(self, seed_bank, recruiter_client):
        with CaptureQueriesContext(connection) as queries:
            recruiter_client.get("/competencies/strategy/")
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert counts and all(f"LIMIT {counting.COUNT_LIMIT + 1}" in sql for sql in counts)

    def test_the_builders_bank_says_n_plus(self, owner_client, kit, limit_of_four, seed_bank):
        body = owner_client.get(kit.get_absolute_url()).content.decode()
        bank = body[body.index('id="bank-results"') :]
        assert "4+ questions in the bank; search or filter to narrow them" in bank


def test_a_competency_with_no_questions_counts_zero(db):
    Competency.objects.create(slug="empty", name="Empty", display_order=99)
    assert count_upto(Question.objects.filter(competency__slug="empty")) == 0


@pytest.fixture
def role_questions(strategy, ops_manager, monkeypatch):
    """Five strategy questions for the role, the first retired, and one not for it; counts
    stop past 3."""
    monkeypatch.setattr(counting, "COUNT_LIMIT", 3)
    for number in range(6):
        question = Question.objects.create(
            text=f"Role count question {number}?",
            guidance="g",
            competency=strategy,
            is_active=number != 0,
        )
        if number < 5:
            question.roles.add(ops_manager)


class TestRoleCounts:
    def test_they_count_active_questions_and_stop_past_the_limit(self, role_questions, ops_manager):
        from questions.caching import role_counts

        assert [(role.slug, role.question_count) for role in role_counts()] == [
            (ops_manager.slug, 4)  # 4 active: shown as "3+"
        ]

    def test_the_planners_settings_are_as_they_were_afterwards(self, ops_manager):
        from questions.caching import role_counts

        role_counts()
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_mergejoin")
            assert cursor.fetchone()[0] == "on"
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"


class TestRoleCompetencyCounts:
    """The role page counts a role's questions in each competency, capped: from two indexes
    in id order, merged until the cap, whatever the size of the bank (migration 0009)."""

    def test_they_count_the_roles_active_questions_in_each_competency(
        self, role_questions, strategy, ops_manager
    ):
        from questions.caching import role_competency_counts

        counts = {c.slug: c.question_count for c in role_competency_counts(ops_manager)}
        assert counts == {strategy.slug: 4}  # 4 active with the role: shown as "3+"

    def test_the_indexes_it_merges_are_in_id_order(self, db):
        # At a million questions the planner merges these two (role pages: 35-390 ms before,
        # 6-13 ms after, on a cache miss); a bank this small is read whole whatever exists.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
                [["question_competency_active_idx", "question_roles_role_question_idx"]],
            )
            definitions = dict(cursor.fetchall())
        assert definitions["question_competency_active_idx"].endswith(
            "(competency_id, id) INCLUDE (is_active)"
        )
        assert definitions["question_roles_role_question_idx"].endswith("(role_id, question_id)")
