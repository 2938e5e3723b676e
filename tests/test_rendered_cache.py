"""Rendered results are kept per bank version: a repeated search or browse page is not
rendered again, and a change to the bank shows at once."""

import pytest
from django.core.cache import cache

from questions.models import Question

pytestmark = pytest.mark.django_db


def rendered(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.fixture
def forecasting(seed_bank) -> Question:
    return Question.objects.filter(text__icontains="forecast").order_by("id").first()


class TestSearchResults:
    def test_a_repeated_search_is_not_rendered_again(self, forecasting, recruiter_client):
        first = recruiter_client.get("/search/?q=forecasting")
        again = recruiter_client.get("/search/?q=forecasting")
        assert "questions/search/_results.html" in rendered(first)
        assert "questions/search/_results.html" not in rendered(again)
        assert forecasting.slug in again.content.decode()

    def test_a_repeated_search_reads_only_who_asks_and_the_bank_version(
        self, forecasting, recruiter_client, django_assert_max_num_queries
    ):
        recruiter_client.get("/search/?q=forecasting&level=mid")
        # Session, the person with their permissions, and the bank version.
        with django_assert_max_num_queries(3) as queries:
            again = recruiter_client.get("/search/?q=forecasting&level=mid")
        assert not [q for q in queries.captured_queries if "questions_question" in q["sql"]]
        assert again.templates[0].name == "questions/search/search.html"
        assert "questions/_filter_fields.html" not in rendered(again)
        assert '<option value="mid" selected>' in again.content.decode()

    def test_everyone_shares_the_results_but_gets_their_own_header(
        self, forecasting, client, recruiter, owner
    ):
        client.force_login(recruiter)
        client.get("/search/?q=forecasting")
        client.force_login(owner)
        body = client.get("/search/?q=forecasting").content.decode()
        assert forecasting.slug in body
        assert f"({owner.username})" in body and f"({recruiter.username})" not in body
        assert 'href="/kits/"' in body  # the hiring manager's menu, not the recruiter's

    def test_a_page_that_did_not_validate_keeps_its_status(self, forecasting, recruiter_client):
        for _ in range(2):
            response = recruiter_client.get("/search/?q=forecasting&level=nonsense")
            assert response.status_code == 400
            assert forecasting.slug in response.content.decode()

    def test_the_full_page_and_the_htmx_partial_are_kept_apart(self, forecasting, recruiter_client):
        recruiter_client.get("/search/?q=forecasting")
        partial = recruiter_client.get("/search/?q=forecasting", headers={"HX-Request": "true"})
        body = partial.content.decode()
        assert "<title>" in body and "<html" not in body
        full = recruiter_client.get("/search/?q=forecasting").content.decode()
        assert "<html" in full and full.count("<title>") == 1

    def test_a_change_to_the_bank_shows_at_once(self, forecasting, recruiter_client):
        recruiter_client.get("/search/?q=forecasting")
        forecasting.text = "How would you improve demand forecasting for a new warehouse?"
        forecasting.save()
        body = recruiter_client.get("/search/?q=forecasting").content.decode()
        assert "new warehouse" in body

    def test_other_filters_and_pages_are_rendered_for_themselves(
        self, forecasting, recruiter_client
    ):
        recruiter_client.get("/search/?q=forecasting")
        other = recruiter_client.get("/search/?q=forecasting&competency=leadership")
        assert "questions/search/_results.html" in rendered(other)


class TestCachingTurnedOff:
    def test_a_timeout_of_zero_builds_every_time_and_stores_nothing(
        self, forecasting, recruiter_client, settings, monkeypatch
    ):
        settings.BANK_CACHE_SECONDS = settings.SEARCH_CACHE_SECONDS = 0
        stored = []
        monkeypatch.setattr(cache, "set", lambda *args, **kwargs: stored.append(args))
        for _ in range(2):
            response = recruiter_client.get("/search/?q=forecasting")
            assert "questions/search/_results.html" in rendered(response)
            assert forecasting.slug in response.content.decode()
        assert recruiter_client.get("/").status_code == 200
        assert stored == []


class TestCompetencyCards:
    def test_a_repeated_page_reads_and_renders_no_cards(
        self, seed_bank, recruiter_client, django_assert_max_num_queries
    ):
        first = recruiter_client.get("/competencies/strategy/")
        assert "questions/bank/_question_list.html" in rendered(first)
        # Session, the person with their permissions, and the bank version.
        with django_assert_max_num_queries(3) as queries:
            again = recruiter_client.get("/competencies/strategy/")
        assert "questions/bank/_question_list.html" not in rendered(again)
        assert not [q for q in queries.captured_queries if "questions_question" in q["sql"]]
        assert again.content.count(b'class="card question-card"') == 10

    def test_a_change_to_the_bank_shows_at_once(self, seed_bank, recruiter_client):
        recruiter_client.get("/competencies/strategy/")
        question = Question.objects.filter(competency__slug="strategy").order_by("id").first()
        question.text = "A question rewritten a moment ago?"
        question.save()
        assert (
            "rewritten a moment ago"
            in recruiter_client.get("/competencies/strategy/").content.decode()
        )
