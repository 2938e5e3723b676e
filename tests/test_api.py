"""The REST API under /api/v1/: reading the bank, editors' writes, access, errors, tokens."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from questions.api.pagination import BankPagination
from questions.counting import COUNT_LIMIT
from questions.models import Competency, Question, Role
from tests.helpers import assert_error, make_questions, token_client

pytestmark = pytest.mark.django_db

QUESTION_FIELDS = {
    "id",
    "slug",
    "text",
    "guidance",
    "competency",
    "roles",
    "question_type",
    "level",
    "minutes",
    "active",
    "updated",
}


def shown_key(response) -> str:
    """The new API token on the account page, shown this once."""
    return re.search(
        r'id="new-token" class="token-value" value="([^"]+)"', response.content.decode()
    )[1]


def post_json(client: Client, path: str, data: dict, method: str = "post"):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


@pytest.fixture
def recruiter_api(recruiter) -> Client:
    return token_client(recruiter)


@pytest.fixture
def editor_api(editor) -> Client:
    return token_client(editor)


@pytest.fixture
def new_question(strategy, ops_manager) -> dict:
    return {
        "text": "How would you decide which markets to enter next year?",
        "guidance": "Weighs size, fit and cost of entry; names what would change the plan.",
        "competency": "strategy",
        "roles": ["ops-manager"],
        "question_type": "situational",
        "level": "senior",
        "minutes": 8,
    }


class TestQuestionList:
    def test_it_lists_questions_with_every_documented_field(self, pricing_question, recruiter_api):
        response = recruiter_api.get("/api/v1/questions/")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        assert body["count_exact"] is True
        assert body["next"] is None and body["previous"] is None
        (question,) = body["results"]
        assert set(question) == QUESTION_FIELDS
        assert question == {
            "id": pricing_question.id,
            "slug": pricing_question.slug,
            "text": pricing_question.text,
            "guidance": pricing_question.guidance,
            "competency": "strategy",
            "roles": ["ops-manager"],
            "question_type": "situational",
            "level": "senior",
            "minutes": 6,
            "active": True,
            "updated": question["updated"],
        }
        assert timezone.datetime.fromisoformat(question["updated"]) == pricing_question.updated_at

    def test_it_pages_in_id_order_with_next_and_previous_links(self, strategy, recruiter_api):
        make_questions(strategy, 45)
        ids = list(Question.objects.order_by("id").values_list("id", flat=True))
        first = recruiter_api.get("/api/v1/questions/").json()
        assert first["count"] == 45
        assert [q["id"] for q in first["results"]] == ids[:20]
        assert first["next"] == "http://testserver/api/v1/questions/?page=2"
        assert first["previous"] is None
        last = recruiter_api.get("/api/v1/questions/?page=3").json()
        assert [q["id"] for q in last["results"]] == ids[40:]
        assert last["next"] is None
        assert last["previous"] == "http://testserver/api/v1/questions/?page=2"
        second = recruiter_api.get("/api/v1/questions/?page=2").json()
        assert second["previous"] == "http://testserver/api/v1/questions/"

    def test_page_size_is_chosen_by_the_caller_up_to_one_hundred(self, strategy, recruiter_api):
        make_questions(strategy, 12)
        body = recruiter_api.get("/api/v1/questions/?page_size=5&level=mid").json()
        assert len(body["results"]) == 5
        assert body["next"] == "http://testserver/api/v1/questions/?level=mid&page=2&page_size=5"
        response = recruiter_api.get("/api/v1/questions/?page_size=101")
        body = assert_error(response, 400, "invalid")
        assert body["errors"] == {"page_size": ["Choose a page size from 1 to 100."]}

    @pytest.mark.parametrize("page", ["", "0", "-1", "abc", "1.5", "٣", "9" * 40])
    def test_a_page_that_is_not_a_whole_number_is_a_400(self, strategy, recruiter_api, page):
        make_questions(strategy, 3)
        body = assert_error(recruiter_api.get(f"/api/v1/questions/?page={page}"), 400, "invalid")
        assert list(body["errors"]) == ["page"]

    def test_a_page_past_the_last_is_a_404(self, strategy, recruiter_api):
        make_questions(strategy, 3)
        assert_error(recruiter_api.get("/api/v1/questions/?page=2"), 404, "not_found")
        assert_error(recruiter_api.get("/api/v1/questions/?page=999999999999"), 404, "not_found")

    def test_the_count_stops_at_the_limit_and_says_so(self, strategy, recruiter_api, monkeypatch):
        monkeypatch.setattr(BankPagination, "count_limit", 3)
        make_questions(strategy, 7)
        first = recruiter_api.get("/api/v1/questions/?page_size=2").json()
        assert (first["count"], first["count_exact"]) == (3, False)
        assert first["next"]
        # Deep pages still work, and the bound never claims fewer than were seen.
        third = recruiter_api.get("/api/v1/questions/?page_size=2&page=3").json()
        assert (third["count"], third["count_exact"]) == (7, False)
        # The last page knows the exact total without counting.
        last = recruiter_api.get("/api/v1/questions/?page_size=2&page=4").json()
        assert (last["count"], last["count_exact"]) == (7, True)

    def test_lists_count_as_far_as_the_pages_do(self, strategy, recruiter_api):
        """One bound for every count: past it, the pages say "1,000+" and the API a lower
        bound; below it, both are exact."""
        make_questions(strategy, COUNT_LIMIT + 5)
        body = recruiter_api.get("/api/v1/questions/?page_size=2").json()
        assert (body["count"], body["count_exact"]) == (COUNT_LIMIT, False)

    def test_an_exact_count_under_the_limit(self, strategy, recruiter_api, monkeypatch):
        monkeypatch.setattr(BankPagination, "count_limit", 10)
        make_questions(strategy, 7)
        body = recruiter_api.get("/api/v1/questions/?page_size=2").json()
        assert (body["count"], body["count_exact"]) == (7, True)

    def test_query_count_does_not_grow_with_page_size(
        self, seed_bank, recruiter_api, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(10) as small:
            response = recruiter_api.get("/api/v1/questions/?page_size=5")
        assert len(response.json()["results"]) == 5
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = recruiter_api.get("/api/v1/questions/?page_size=50")
        assert len(response.json()["results"]) == 50


class TestQuestionFilters:
    def test_by_competency(self, pricing_question, conflict_question, recruiter_api):
        body = recruiter_api.get("/api/v1/questions/?competency=leadership").json()
        assert [q["id"] for q in body["results"]] == [conflict_question.id]

    def test_by_role(self, seed_bank, recruiter_api):
        make_questions(Competency.objects.get(slug="leadership"), 2)
        role = "e-commerce-operations-manager"
        body = recruiter_api.get(f"/api/v1/questions/?role={role}&page_size=100").json()
        assert body["count"] == Question.objects.for_role(role).count() == 60
        assert all(role in q["roles"] for q in body["results"])

    def test_by_type_and_level(self, seed_bank, recruiter_api):
        body = recruiter_api.get(
            "/api/v1/questions/?type=behavioural&level=senior&page_size=100"
        ).json()
        expected = Question.objects.filter(question_type="behavioural", level="senior")
        assert body["count"] == expected.count() > 0
        assert {(q["question_type"], q["level"]) for q in body["results"]} == {
            ("behavioural", "senior")
        }

    def test_active_questions_by_default_retired_on_request(
        self, pricing_question, conflict_question, recruiter_api
    ):
        conflict_question.is_active = False
        conflict_question.save()
        ids = {
            query: [
                q["id"] for q in recruiter_api.get(f"/api/v1/questions/{query}").json()["results"]
            ]
            for query in ["", "?active=true", "?active=false", "?active=any"]
        }
        assert ids[""] == ids["?active=true"] == [pricing_question.id]
        assert ids["?active=false"] == [conflict_question.id]
        assert ids["?active=any"] == [pricing_question.id, conflict_question.id]

    def test_updated_since(self, pricing_question, conflict_question, recruiter_api):
        long_ago = timezone.now() - timedelta(days=30)
        Question.objects.filter(pk=pricing_question.pk).update(updated_at=long_ago)
        since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
        body = recruiter_api.get("/api/v1/questions/", {"updated_since": since}).json()
        assert [q["id"] for q in body["results"]] == [conflict_question.id]

    @pytest.mark.parametrize(
        "moment", ["1442-08-20T18:35:30.435-18:32", "2030-01-01T00:00:00+23:59", "0001-01-01"]
    )
    def test_updated_since_takes_any_valid_offset(self, pricing_question, recruiter_api, moment):
        response = recruiter_api.get("/api/v1/questions/", {"updated_since": moment})
        assert response.status_code == 200

    def test_updated_since_before_year_one_in_utc_is_a_400(self, pricing_question, recruiter_api):
        response = recruiter_api.get(
            "/api/v1/questions/", {"updated_since": "0001-01-01T00:00:00+01:00"}
        )
        assert_error(response, 400, "invalid")

    @pytest.mark.parametrize(
        "query,field",
        [
            ("competency=astrology", "competency"),
            ("role=no-such-role", "role"),
            ("type=riddle", "type"),
            ("level=wizard", "level"),
            ("active=maybe", "active"),
            ("updated_since=yesterday", "updated_since"),
            ("role=%00", "role"),
            ("competency=a%00b", "competency"),
            ("role=caf%C3%A9", "role"),
            ("type=", "type"),
            ("updated_since=", "updated_since"),
            ("active=", "active"),
        ],
    )
    def test_a_filter_value_it_cannot_use_is_a_400_naming_the_filter(
        self, pricing_question, recruiter_api, query, field
    ):
        body = assert_error(recruiter_api.get(f"/api/v1/questions/?{query}"), 400, "invalid")
        assert list(body["errors"]) == [field]
        assert body["detail"] == f"Check these fields: {field}."


class TestQuestionSearch:
    def test_it_ranks_with_the_search_page_engine(self, seed_bank, recruiter_api):
        from questions.search.queries import question_search

        body = recruiter_api.get("/api/v1/questions/?search=customer+lifetime+value").json()
        expected = [q.slug for q in question_search("customer lifetime value").questions]
        assert [q["slug"] for q in body["results"]] == expected[: len(body["results"])]
        assert body["results"][0]["slug"].startswith("what-methods-would-you-utilize-to-analyze")
        assert set(body["results"][0]) == QUESTION_FIELDS

    def test_it_forgives_typos(self, seed_bank, recruiter_api):
        body = recruiter_api.get("/api/v1/questions/?search=cybersecurty").json()
        assert "cybersecurity" in body["results"][0]["text"].lower()

    def test_it_combines_with_filters(self, seed_bank, recruiter_api):
        body = recruiter_api.get(
            "/api/v1/questions/?search=data+analytics&competency=customer-service"
        ).json()
        assert body["results"]
        assert {q["competency"] for q in body["results"]} == {"customer-service"}

    def test_it_pages_with_a_lower_bound_count(self, seed_bank, recruiter_api):
        first = recruiter_api.get("/api/v1/questions/?search=e-commerce&page_size=5").json()
        assert len(first["results"]) == 5 and first["next"]
        second = recruiter_api.get(first["next"]).json()
        assert not {q["id"] for q in first["results"]} & {q["id"] for q in second["results"]}

    @pytest.mark.parametrize(
        "query",
        [
            "search=",
            "search=%20",
            "search=kpi&updated_since=2025-01-01T00:00:00Z",
            "search=kpi&active=false",
        ],
    )
    def test_what_search_cannot_do_is_a_400(self, seed_bank, recruiter_api, query):
        body = assert_error(recruiter_api.get(f"/api/v1/questions/?{query}"), 400, "invalid")
        assert "search" in body["errors"]

    def test_query_count_does_not_grow_with_page_size(
        self, seed_bank, recruiter_api, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(20) as small:
            recruiter_api.get("/api/v1/questions/?search=team&page_size=2")
        with django_assert_max_num_queries(len(small.captured_queries)):
            recruiter_api.get("/api/v1/questions/?search=team&page_size=20")


class TestQuestionDetail:
    def test_it_reads_one_question_by_id(self, pricing_question, recruiter_api):
        response = recruiter_api.get(f"/api/v1/questions/{pricing_question.id}/")
        assert response.status_code == 200
        assert response.json()["slug"] == pricing_question.slug

    def test_a_retired_question_is_still_readable_by_id(self, pricing_question, recruiter_api):
        pricing_question.is_active = False
        pricing_question.save()
        response = recruiter_api.get(f"/api/v1/questions/{pricing_question.id}/")
        assert response.json()["active"] is False

    @pytest.mark.parametrize("path", ["999999/", "99999999999999999999999/", "abc/", "-1/"])
    def test_an_unknown_question_is_a_json_404(self, recruiter_api, db, path):
        assert_error(recruiter_api.get(f"/api/v1/questions/{path}"), 404, "not_found")


class TestQuestionWrites:
    def test_an_editor_adds_a_question(self, editor_api, new_question):
        response = post_json(editor_api, "/api/v1/questions/", new_question)
        assert response.status_code == 201, response.content
        body = response.json()
        question = Question.objects.get(pk=body["id"])
        assert (
            body["slug"] == question.slug == "how-would-you-decide-which-markets-to-enter-next-year"
        )
        assert question.text == new_question["text"]
        assert [r.slug for r in question.roles.all()] == ["ops-manager"]
        assert (question.minutes, question.level, question.is_active) == (8, "senior", True)

    def test_defaults_fill_what_is_left_out(self, editor_api, strategy):
        response = post_json(
            editor_api,
            "/api/v1/questions/",
            {"text": "Why this job?", "guidance": "Knows us.", "competency": "strategy"},
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["minutes"], body["question_type"], body["level"]) == (5, "behavioural", "mid")
        assert (body["roles"], body["active"]) == ([], True)

    def test_the_same_text_in_another_case_is_refused(
        self, editor_api, pricing_question, new_question
    ):
        new_question["text"] = pricing_question.text.upper()
        body = assert_error(
            post_json(editor_api, "/api/v1/questions/", new_question), 400, "invalid"
        )
        assert body["errors"] == {"text": ["A question with this text is already in the bank."]}
        assert Question.objects.count() == 1

    @pytest.mark.parametrize("minutes", [0, 121, -5])
    def test_minutes_outside_one_to_120_are_refused(self, editor_api, new_question, minutes):
        new_question["minutes"] = minutes
        body = assert_error(
            post_json(editor_api, "/api/v1/questions/", new_question), 400, "invalid"
        )
        assert body["errors"] == {"minutes": ["Minutes must be between 1 and 120."]}

    def test_an_unknown_competency_or_role_is_named(self, editor_api, new_question):
        new_question |= {"competency": "astrology", "roles": ["ops-manager", "wizard"]}
        body = assert_error(
            post_json(editor_api, "/api/v1/questions/", new_question), 400, "invalid"
        )
        assert body["errors"] == {
            "competency": ["There is no competency with the slug “astrology”."],
            "roles": ["There is no role with the slug “wizard”."],
        }
        assert body["detail"] == "Check these fields: competency, roles."

    @pytest.mark.parametrize(
        "change,field",
        [
            ({"text": ""}, "text"),
            ({"text": "x" * 501}, "text"),
            ({"text": "Nul\x00byte?"}, "text"),
            ({"guidance": None}, "guidance"),
            ({"competency": "not a slug"}, "competency"),
            ({"competency": "nul\x00"}, "competency"),
            ({"competency": ["strategy"]}, "competency"),
            ({"roles": "ops-manager"}, "roles"),
            ({"question_type": "riddle"}, "question_type"),
            ({"minutes": "ten"}, "minutes"),
            ({"active": "perhaps"}, "active"),
        ],
    )
    def test_bad_fields_are_400s_that_name_them(self, editor_api, new_question, change, field):
        new_question |= change
        body = assert_error(
            post_json(editor_api, "/api/v1/questions/", new_question), 400, "invalid"
        )
        assert list(body["errors"]) == [field]

    def test_a_write_answers_with_the_same_wording_advice_as_the_admin(
        self, editor_api, new_question
    ):
        new_question["text"] = "Are you planning to have children soon?"
        response = post_json(editor_api, "/api/v1/questions/", new_question)
        assert response.status_code == 201
        warnings = response.json()["warnings"]
        assert any("family or marital status" in warning for warning in warnings)
        assert any("yes/no" in warning for warning in warnings)
        question_id = response.json()["id"]
        reworded = {"text": "Tell me about a time you planned a market entry."}
        response = post_json(
            editor_api, f"/api/v1/questions/{question_id}/", reworded, method="patch"
        )
        assert response.status_code == 200 and response.json()["warnings"] == []
        # Reads carry no advice: it belongs to the write that asked for it.
        assert "warnings" not in editor_api.get(f"/api/v1/questions/{question_id}/").json()

    def test_a_body_that_is_not_json_is_refused(self, editor_api, new_question):
        response = editor_api.post("/api/v1/questions/", new_question)  # form-encoded
        assert_error(response, 415, "unsupported_media_type")
        response = editor_api.post(
            "/api/v1/questions/", "{not json", content_type="application/json"
        )
        assert_error(response, 400, "parse_error")
        response = editor_api.post("/api/v1/questions/", "[]", content_type="application/json")
        body = assert_error(response, 400, "invalid")
        assert list(body["errors"]) == ["non_field_errors"]

    def test_an_editor_changes_a_question(self, editor_api, pricing_question):
        response = post_json(
            editor_api,
            f"/api/v1/questions/{pricing_question.id}/",
            {"minutes": 10, "roles": []},
            method="patch",
        )
        assert response.status_code == 200
        pricing_question.refresh_from_db()
        assert pricing_question.minutes == 10
        assert list(pricing_question.roles.all()) == []
        assert response.json()["updated"] != pricing_question.created_at.isoformat()

    def test_an_editor_replaces_a_question_with_put(
        self, editor_api, pricing_question, new_question
    ):
        response = post_json(
            editor_api, f"/api/v1/questions/{pricing_question.id}/", new_question, method="put"
        )
        assert response.status_code == 200
        pricing_question.refresh_from_db()
        assert pricing_question.text == new_question["text"]
        # The slug is the question's lasting identifier: it does not follow the text.
        assert pricing_question.slug.startswith("how-would-you-set-a-pricing")

    def test_a_change_cannot_copy_another_questions_text(
        self, editor_api, pricing_question, conflict_question
    ):
        response = post_json(
            editor_api,
            f"/api/v1/questions/{pricing_question.id}/",
            {"text": conflict_question.text.lower()},
            method="patch",
        )
        assert assert_error(response, 400, "invalid")["errors"] == {
            "text": ["A question with this text is already in the bank."]
        }
        # Saving a question unchanged is not a clash with itself.
        response = post_json(
            editor_api,
            f"/api/v1/questions/{pricing_question.id}/",
            {"text": pricing_question.text},
            method="patch",
        )
        assert response.status_code == 200

    def test_retiring_and_restoring_is_a_patch_of_active(self, editor_api, pricing_question):
        path = f"/api/v1/questions/{pricing_question.id}/"
        assert (
            post_json(editor_api, path, {"active": False}, method="patch").json()["active"] is False
        )
        assert editor_api.get("/api/v1/questions/").json()["count"] == 0
        assert editor_api.get("/api/v1/questions/?active=false").json()["count"] == 1
        assert (
            post_json(editor_api, path, {"active": True}, method="patch").json()["active"] is True
        )
        assert editor_api.get("/api/v1/questions/").json()["count"] == 1

    @pytest.mark.parametrize("person", ["editor", "recruiter", "outsider"])
    def test_delete_is_refused_with_a_pointer_to_retiring(self, request, person, pricing_question):
        api = token_client(request.getfixturevalue(person))
        response = api.delete(f"/api/v1/questions/{pricing_question.id}/")
        body = assert_error(response, 405, "method_not_allowed")
        assert 'PATCH {"active": false}' in body["detail"]
        assert response["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"
        assert Question.objects.filter(pk=pricing_question.pk, is_active=True).exists()

    def test_other_methods_that_are_not_offered_are_405(self, recruiter_api, pricing_question):
        assert_error(recruiter_api.delete("/api/v1/roles/"), 405, "method_not_allowed")
        assert_error(
            post_json(recruiter_api, "/api/v1/competencies/strategy/", {}, method="put"),
            405,
            "method_not_allowed",
        )

    @pytest.mark.parametrize("person", ["recruiter", "owner", "outsider"])
    def test_people_who_are_not_editors_cannot_write(
        self, request, person, pricing_question, new_question
    ):
        api = token_client(request.getfixturevalue(person))
        body = assert_error(
            post_json(api, "/api/v1/questions/", new_question), 403, "permission_denied"
        )
        assert body["detail"] == "Only question editors can change questions."
        path = f"/api/v1/questions/{pricing_question.id}/"
        assert_error(
            post_json(api, path, {"active": False}, method="patch"), 403, "permission_denied"
        )
        pricing_question.refresh_from_db()
        assert pricing_question.is_active

    def test_anonymous_writes_are_401_even_with_public_browsing(self, client, new_question):
        with override_settings(PUBLIC_BROWSING=True):
            response = post_json(client, "/api/v1/questions/", new_question)
        assert_error(response, 401, "not_authenticated")

    def test_a_browser_session_writes_only_with_the_csrf_token(self, editor, new_question):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(editor)
        response = post_json(browser, "/api/v1/questions/", new_question)
        body = assert_error(response, 403, "permission_denied")
        assert "CSRF" in body["detail"]
        browser.get("/accounts/profile/")  # sets the CSRF cookie, as any page does
        response = browser.post(
            "/api/v1/questions/",
            json.dumps(new_question),
            content_type="application/json",
            headers={"X-CSRFToken": browser.cookies["csrftoken"].value},
        )
        assert response.status_code == 201


class TestCompetenciesAndRoles:
    def test_competencies_in_display_order_with_active_question_counts(
        self, seed_bank, recruiter_api
    ):
        Question.objects.filter(
            slug__in=Question.objects.in_competency("strategy").values("slug")[:3]
        ).update(is_active=False)
        body = recruiter_api.get("/api/v1/competencies/").json()
        assert body["count"] == 6
        assert [c["slug"] for c in body["results"]] == list(
            Competency.objects.order_by("display_order").values_list("slug", flat=True)
        )
        counts = {c["slug"]: c["question_count"] for c in body["results"]}
        assert counts["strategy"] == 7
        assert counts["leadership"] == 10
        assert set(body["results"][0]) == {
            "slug",
            "name",
            "description",
            "display_order",
            "question_count",
        }

    def test_counts_are_kept_until_the_bank_changes(self, seed_bank, recruiter_api):
        recruiter_api.get("/api/v1/roles/")
        with CaptureQueriesContext(connection) as queries:
            assert recruiter_api.get("/api/v1/roles/").json()["results"][0]["question_count"] == 60
        assert not [q for q in queries.captured_queries if '"questions_question"' in q["sql"]]
        question = Question.objects.order_by("id").first()
        question.is_active = False
        question.save()
        body = recruiter_api.get("/api/v1/roles/").json()
        assert body["results"][0]["question_count"] == 59
        strategy = recruiter_api.get(f"/api/v1/competencies/{question.competency.slug}/").json()
        assert strategy["question_count"] == 9

    def test_a_competency_by_slug(self, pricing_question, recruiter_api):
        response = recruiter_api.get("/api/v1/competencies/strategy/")
        assert response.json() == {
            "slug": "strategy",
            "name": "Strategy",
            "description": "Setting direction.",
            "display_order": 1,
            "question_count": 1,
        }

    def test_roles_with_question_counts(self, seed_bank, recruiter_api):
        body = recruiter_api.get("/api/v1/roles/").json()
        assert body["results"] == [
            {
                "slug": "e-commerce-operations-manager",
                "title": "E-Commerce Operations Manager",
                "summary": Role.objects.get().summary,
                "question_count": 60,
            }
        ]
        detail = recruiter_api.get("/api/v1/roles/e-commerce-operations-manager/").json()
        assert detail["question_count"] == 60

    @pytest.mark.parametrize(
        "path", ["/api/v1/competencies/astrology/", "/api/v1/roles/wizard/", "/api/v1/roles/a%00/"]
    )
    def test_an_unknown_slug_is_a_json_404(self, recruiter_api, db, path):
        assert_error(recruiter_api.get(path), 404, "not_found")

    @pytest.mark.parametrize("path", ["/api/v1/competencies/", "/api/v1/roles/"])
    def test_query_count_does_not_grow_with_page_size(
        self, path, strategy, leadership, recruiter_api, django_assert_max_num_queries
    ):
        for n in range(3, 12):
            Competency.objects.create(
                slug=f"extra-{n}", name=f"Extra {n}", description="More.", display_order=10 + n
            )
            Role.objects.create(slug=f"role-{n}", title=f"Role {n}")
        make_questions(strategy, 5, roles=list(Role.objects.all()))
        with django_assert_max_num_queries(10) as small:
            response = recruiter_api.get(f"{path}?page_size=2")
        assert len(response.json()["results"]) == 2
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = recruiter_api.get(f"{path}?page_size=9")
        assert len(response.json()["results"]) == 9


LIST_PATHS = ["/api/v1/questions/", "/api/v1/competencies/", "/api/v1/roles/"]


class TestAccess:
    @pytest.mark.parametrize("path", LIST_PATHS)
    def test_anonymous_requests_are_401_with_a_token_challenge(self, client, db, path):
        response = client.get(path)
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"

    @pytest.mark.parametrize("path", LIST_PATHS)
    def test_public_browsing_lets_anyone_read(self, client, pricing_question, path):
        with override_settings(PUBLIC_BROWSING=True):
            response = client.get(path)
        assert response.status_code == 200
        assert response.json()["count"] == 1

    @pytest.mark.parametrize("path", [*LIST_PATHS, "/api/v1/competencies/strategy/"])
    def test_an_account_in_no_group_is_403_with_a_message(self, outsider, strategy, path):
        body = assert_error(token_client(outsider).get(path), 403, "permission_denied")
        assert body["detail"] == (
            "Your account cannot read the bank yet. Ask an admin to add you to a group."
        )

    @pytest.mark.parametrize("person", ["recruiter", "owner", "editor"])
    @pytest.mark.parametrize("path", LIST_PATHS)
    def test_every_group_reads(self, request, person, pricing_question, path):
        response = token_client(request.getfixturevalue(person)).get(path)
        assert response.status_code == 200

    def test_a_signed_in_browser_reads_with_its_session(self, recruiter_client, pricing_question):
        assert recruiter_client.get("/api/v1/questions/").status_code == 200

    def test_a_wrong_token_is_401(self, client, pricing_question):
        response = client.get("/api/v1/questions/", headers={"Authorization": "Token nope"})
        assert_error(response, 401, "authentication_failed")

    def test_a_token_of_a_deactivated_account_is_401(self, recruiter, pricing_question):
        api = token_client(recruiter)
        recruiter.is_active = False
        recruiter.save()
        assert_error(api.get("/api/v1/questions/"), 401, "authentication_failed")


class TestErrors:
    def test_an_unknown_api_path_is_a_json_404(self, recruiter_api):
        assert_error(recruiter_api.get("/api/v1/kits-of-old/"), 404, "not_found")
        assert_error(recruiter_api.get("/api/v2/questions/"), 404, "not_found")

    def test_the_site_keeps_its_html_404(self, recruiter_client):
        response = recruiter_client.get("/no-such-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")

    def test_only_json_is_offered(self, recruiter_api, pricing_question):
        response = recruiter_api.get("/api/v1/questions/", headers={"Accept": "text/html"})
        assert_error(response, 406, "not_acceptable")

    def test_a_server_error_under_the_api_is_json(self, rf):
        from questions.api.errors import server_error

        response = server_error(rf.get("/api/v1/questions/"))
        assert response.status_code == 500
        assert json.loads(response.content)["code"] == "server_error"


class TestThrottling:
    def rates(self, **rates: str) -> dict:
        return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    def test_anonymous_callers_past_their_rate_get_a_429(self, client, pricing_question):
        with override_settings(
            PUBLIC_BROWSING=True, REST_FRAMEWORK=self.rates(anon="2/minute", user="100/minute")
        ):
            assert client.get("/api/v1/questions/").status_code == 200
            assert client.get("/api/v1/roles/").status_code == 200
            response = client.get("/api/v1/questions/")
        body = assert_error(response, 429, "throttled")
        assert "throttled" in body["detail"].lower()
        assert 0 < int(response["Retry-After"]) <= 60

    def test_each_account_has_its_own_rate(self, recruiter, owner, pricing_question):
        with override_settings(REST_FRAMEWORK=self.rates(anon="100/minute", user="2/minute")):
            rita = token_client(recruiter)
            assert rita.get("/api/v1/questions/").status_code == 200
            assert rita.get("/api/v1/questions/").status_code == 200
            assert_error(rita.get("/api/v1/questions/"), 429, "throttled")
            assert token_client(owner).get("/api/v1/questions/").status_code == 200


class TestTokenPage:
    def test_it_asks_anonymous_visitors_to_sign_in(self, client, db):
        response = client.get("/accounts/profile/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_it_offers_a_token_to_someone_without_one(self, recruiter_client):
        response = recruiter_client.get("/accounts/profile/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "You have no token." in body
        assert 'action="/accounts/profile/token/"' in body
        assert "csrfmiddlewaretoken" in body
        assert 'href="/api/docs/"' in body

    def test_creating_a_token_shows_it_once_and_it_works(self, recruiter, recruiter_client):
        response = recruiter_client.post("/accounts/profile/token/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        key = shown_key(response)
        assert key not in recruiter_client.get("/accounts/profile/").content.decode()
        # The database keeps only a digest: a copy of it holds no key that works.
        stored = Token.objects.get(user=recruiter).key
        assert stored != key and key not in stored
        refused = Client(headers={"Authorization": f"Token {stored}"})
        assert refused.get("/api/v1/questions/").status_code == 401
        script = Client(headers={"Authorization": f"Token {key}"})
        assert script.get("/api/v1/questions/").status_code == 200

    def test_creating_again_replaces_the_old_token(self, recruiter, recruiter_client):
        old = shown_key(recruiter_client.post("/accounts/profile/token/"))
        new = shown_key(recruiter_client.post("/accounts/profile/token/"))
        assert new != old
        assert (
            Client(headers={"Authorization": f"Token {new}"}).get("/api/v1/questions/").status_code
            == 200
        )
        response = Client().get("/api/v1/questions/", headers={"Authorization": f"Token {old}"})
        assert response.status_code == 401

    def test_revoking_asks_first_then_the_token_stops_working(self, recruiter, recruiter_client):
        key = shown_key(recruiter_client.post("/accounts/profile/token/"))
        question = recruiter_client.get("/accounts/profile/token/revoke/")
        assert question.status_code == 200
        assert "Revoke your API token?" in question.content.decode()
        assert Token.objects.filter(user=recruiter).exists()
        response = recruiter_client.post("/accounts/profile/token/revoke/", follow=True)
        assert response.redirect_chain == [("/accounts/profile/", 302)]
        assert "Your API token is revoked" in response.content.decode()
        assert not Token.objects.filter(user=recruiter).exists()
        script = Client(headers={"Authorization": f"Token {key}"})
        assert script.get("/api/v1/questions/").status_code == 401

    def test_token_changes_need_a_post_with_the_csrf_token(self, recruiter):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(recruiter)
        assert browser.get("/accounts/profile/token/").status_code == 405
        assert browser.post("/accounts/profile/token/").status_code == 403
        assert not Token.objects.filter(user=recruiter).exists()

    def test_someone_in_no_group_is_told_the_api_will_refuse_them(self, client, outsider):
        client.force_login(outsider)
        body = client.get("/accounts/profile/").content.decode()
        assert "cannot read the bank" in body

    def test_the_header_links_to_the_account_page(self, recruiter_client):
        body = recruiter_client.get("/accounts/profile/").content.decode()
        assert 'href="/accounts/profile/">Account</a>' in body
