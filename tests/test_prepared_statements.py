"""Prepared statements: what every page runs is parsed and planned once per connection, and
the queries whose plans depend on their values or planner settings are planned every time."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from interviewbank.environment import database_options
from questions.caching import lookups_by_key
from questions.search.queries import question_search

pytestmark = pytest.mark.django_db

# psycopg prepares a query on its fifth run; PostgreSQL tries five custom plans before it
# weighs a generic one.
RUNS = 15


def prepared(containing: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of this connection's prepared statements whose text
    contains `containing`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE strpos(statement, %s) > 0",
            [containing],
        )
        return cursor.fetchall()


def test_they_are_on_unless_turned_off(monkeypatch):
    assert database_options()["server_side_binding"] is True
    assert database_options()["prepare_threshold"] == 5
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "server_side_binding" not in database_options()
    assert "prepare_threshold" not in database_options()


def test_a_signed_in_page_reuses_one_plan_for_the_person_and_their_permissions(
    recruiter_client, seed_bank
):
    for _ in range(RUNS):
        assert recruiter_client.get(reverse("questions:home")).status_code == 200
    statements = prepared("group_permission_names")
    assert statements, "the sign-in query is not prepared"
    assert all(generic > 0 for generic, _ in statements)


def test_a_new_column_on_the_people_table_does_not_break_signed_in_pages(
    recruiter_client, seed_bank
):
    """A deploy may add a column while servers hold the sign-in query (`u.*`) prepared:
    PostgreSQL plans it again with the new shape rather than failing."""
    home = reverse("questions:home")
    for _ in range(RUNS):
        recruiter_client.get(home)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth_user ADD COLUMN nickname text")
    assert recruiter_client.get(home).status_code == 200


def test_searches_are_planned_for_their_own_words(seed_bank):
    for _ in range(RUNS):
        cache.clear()
        assert question_search("crisis").total > 0
    statements = prepared("plainto_tsquery")
    assert statements, "no search query was prepared"
    assert all(generic == 0 for generic, _ in statements)


def test_queries_made_to_use_indexes_are_planned_under_those_settings(seed_bank):
    sql = "SELECT count(*) FROM questions_question WHERE id > %s"
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            with lookups_by_key("default"):
                cursor.execute(sql, [0])
        [(generic, custom)] = prepared(sql.replace("%s", "$1"))
        assert (generic, custom > 0) == (0, True)
        # The same statement outside such a block is free to keep a generic plan.
        for _ in range(RUNS):
            cursor.execute(sql, [0])
        [(generic, _)] = prepared(sql.replace("%s", "$1"))
        assert generic > 0
