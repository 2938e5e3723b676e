"""Browse pages: home, competency, question and role, with access rules and bad input."""

import pytest
from django.test import override_settings

from questions.models import Competency, Question
from tests.helpers import make_questions

pytestmark = pytest.mark.django_db


class TestHome:
    def test_it_lists_the_role_and_six_competencies_with_counts(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "E-Commerce Operations Manager" in body
        for name in [
            "Strategy",
            "Project management",
            "Data analysis",
            "Technical",
            "Customer service",
            "Leadership",
        ]:
            assert name in body
        assert body.count("10 questions") == 6
        positions = [
            body.index(f">{name}</a>")
            for name in [
                "Strategy",
                "Project management",
                "Data analysis",
                "Technical",
                "Customer service",
                "Leadership",
            ]
        ]
        assert positions == sorted(positions), "competencies appear in their display order"
        assert "60 questions" in body

    def test_it_shows_each_competency_description(self, seed_bank, recruiter_client):
        competency = Competency.objects.get(slug="leadership")
        assert competency.description in recruiter_client.get("/").content.decode()

    def test_query_count_does_not_grow_with_the_bank(
        self, strategy, recruiter_client, django_assert_max_num_queries
    ):
        make_questions(strategy, 5)
        # Session, the person with permissions, bank version, competencies, and the roles
        # counted with the planner's settings changed (set, count, restore: the test runs in
        # a transaction, so within a savepoint) with the cache empty.
        with django_assert_max_num_queries(9) as small:
            recruiter_client.get("/")
        make_questions(strategy, 0)
        Question.objects.all().delete()
        make_questions(strategy, 80)
        with django_assert_max_num_queries(len(small.captured_queries)):
            recruiter_client.get("/")


class TestCompetencyPage:
    def test_it_lists_the_competency_questions_with_guidance(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/competencies/data-analysis/")
        assert response.status_code == 200
        body = response.content.decode()
        question = Question.objects.in_competency("data-analysis").first()
        assert question.text in body
        assert question.guidance in body
        assert "<details" in body  # guidance expands without JavaScript
        assert Question.objects.in_competency("strategy").first().text not in body

    def test_it_paginates_at_twenty(self, strategy, recruiter_client):
        make_questions(strategy, 45)
        first = recruiter_client.get("/competencies/strategy/")
        assert first.context["page"].paginator.num_pages == 3
        assert len(first.context["page"].object_list) == 20
        last = recruiter_client.get("/competencies/strategy/?page=3")
        assert len(last.context["page"].object_list) == 5

    @pytest.mark.parametrize("page_number", ["abc", "99999", "-1", "0", "1.5", ""])
    def test_a_bad_page_number_gives_a_sensible_page(self, strategy, recruiter_client, page_number):
        make_questions(strategy, 25)
        response = recruiter_client.get(f"/competencies/strategy/?page={page_number}")
        assert response.status_code == 200
        assert len(response.context["page"].object_list) > 0

    def test_it_filters_by_type_level_and_role(self, seed_bank, recruiter_client):
        response = recruiter_client.get(
            "/competencies/data-analysis/?type=behavioural&role=e-commerce-operations-manager"
        )
        questions = list(response.context["page"].object_list)
        assert questions
        assert {q.question_type for q in questions} == {"behavioural"}
        assert (
            len(questions)
            == Question.objects.in_competency("data-analysis")
            .filter(question_type="behavioural")
            .count()
        )
        response = recruiter_client.get("/competencies/leadership/?level=lead")
        assert {q.level for q in response.context["page"].object_list} == {"lead"}

    @pytest.mark.parametrize("query", ["type=nonsense", "level=wizard", "role=no-such-role"])
    def test_an_unknown_filter_value_is_a_400_with_a_message(
        self, seed_bank, recruiter_client, query
    ):
        response = recruiter_client.get(f"/competencies/strategy/?{query}")
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()

    def test_filter_fields_point_at_no_help_text_the_page_does_not_show(
        self, strategy, recruiter_client
    ):
        body = recruiter_client.get("/competencies/strategy/").content.decode()
        assert 'id="id_level"' in body
        assert "aria-describedby" not in body

    def test_filters_are_kept_in_pagination_links(self, strategy, recruiter_client):
        make_questions(strategy, 25)
        body = recruiter_client.get("/competencies/strategy/?level=mid").content.decode()
        assert "?level=mid&amp;page=2" in body

    def test_retired_questions_are_not_offered(self, pricing_question, recruiter_client):
        pricing_question.is_active = False
        pricing_question.save()
        body = recruiter_client.get("/competencies/strategy/").content.decode()
        assert pricing_question.text not in body

    def test_an_unknown_competency_is_the_site_404(self, recruiter_client, db):
        response = recruiter_client.get("/competencies/astrology/")
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()

    @pytest.mark.parametrize("size", [5, 60])
    def test_query_count_is_constant_in_list_size(
        self, strategy, recruiter_client, django_assert_max_num_queries, size
    ):
        make_questions(strategy, size)
        # session, user, 2 x permissions; competency, count, page, role choices, competency nav
        with django_assert_max_num_queries(9):
            response = recruiter_client.get("/competencies/strategy/")
        assert response.status_code == 200


class TestQuestionPage:
    def test_it_shows_everything_about_the_question(self, pricing_question, recruiter_client):
        response = recruiter_client.get(f"/questions/{pricing_question.slug}/")
        body = response.content.decode()
        assert response.status_code == 200
        for text in [
            pricing_question.text,
            pricing_question.guidance,
            "Strategy",
            "Situational",
            "Senior",
            "6 minutes",
            "Operations Manager",
        ]:
            assert text in body

    def test_it_links_to_its_neighbours_in_the_competency(self, seed_bank, recruiter_client):
        first, second, third = Question.objects.in_competency("technical").order_by("id")[:3]
        response = recruiter_client.get(f"/questions/{second.slug}/")
        assert response.context["previous"] == first
        assert response.context["next"] == third
        response = recruiter_client.get(f"/questions/{first.slug}/")
        assert response.context["previous"] is None

    def test_a_retired_question_says_so(self, pricing_question, recruiter_client):
        pricing_question.is_active = False
        pricing_question.save()
        body = recruiter_client.get(f"/questions/{pricing_question.slug}/").content.decode()
        assert "This question is retired" in body

    def test_question_text_is_escaped(self, strategy, recruiter_client):
        question = Question.objects.create(
            text="<script>alert('x')</script> Why?", guidance="<b>bold</b>", competency=strategy
        )
        body = recruiter_client.get(f"/questions/{question.slug}/").content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;" in body
        assert "&lt;b&gt;bold&lt;/b&gt;" in body

    def test_an_unknown_question_is_404(self, recruiter_client, db):
        assert recruiter_client.get("/questions/nope/").status_code == 404

    def test_an_edit_shows_on_the_site_immediately(self, pricing_question, recruiter_client):
        recruiter_client.get(f"/questions/{pricing_question.slug}/")
        pricing_question.guidance = "Freshly rewritten guidance."
        pricing_question.save()
        body = recruiter_client.get(f"/questions/{pricing_question.slug}/").content.decode()
        assert "Freshly rewritten guidance." in body


class TestRolePage:
    def test_it_counts_questions_per_competency_for_the_role(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/roles/e-commerce-operations-manager/")
        assert response.status_code == 200
        assert [c.question_count for c in response.context["competencies"]] == [10] * 6
        assert [c.display_order for c in response.context["competencies"]] == [1, 2, 3, 4, 5, 6]
        assert (
            "/competencies/strategy/?role=e-commerce-operations-manager"
            in response.content.decode()
        )

    def test_an_unknown_role_is_404(self, recruiter_client, db):
        assert recruiter_client.get("/roles/astronaut/").status_code == 404


class TestAccess:
    @pytest.mark.parametrize("path", ["/", "/competencies/strategy/", "/roles/ops-manager/"])
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, strategy, ops_manager, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    @override_settings(PUBLIC_BROWSING=True)
    def test_public_browsing_lets_anyone_read(self, client, pricing_question):
        assert client.get("/").status_code == 200
        assert client.get(f"/questions/{pricing_question.slug}/").status_code == 200

    def test_an_account_without_a_group_is_refused_politely(self, client, outsider, strategy):
        client.force_login(outsider)
        response = client.get("/")
        assert response.status_code == 403
        assert "Ask an admin" in response.content.decode()

    @pytest.mark.parametrize("person", ["recruiter", "owner", "editor"])
    def test_every_group_can_browse(self, client, strategy, person, request):
        client.force_login(request.getfixturevalue(person))
        assert client.get("/competencies/strategy/").status_code == 200

    def test_post_is_not_allowed_on_browse_pages(self, recruiter_client, strategy):
        assert recruiter_client.post("/competencies/strategy/").status_code == 405


class TestSignIn:
    def test_the_sign_in_page_is_styled_and_labelled(self, client, db):
        body = client.get("/accounts/login/").content.decode()
        assert 'for="id_username"' in body
        assert "Interview Bank" in body

    def test_signing_in_and_out(self, client, recruiter, strategy):
        response = client.post(
            "/accounts/login/", {"username": "rita", "password": "a-long-test-password"}
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        client.post("/accounts/logout/")
        assert client.get("/").status_code == 302

    def test_a_wrong_password_is_a_form_error(self, client, recruiter):
        response = client.post("/accounts/login/", {"username": "rita", "password": "nope"})
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
