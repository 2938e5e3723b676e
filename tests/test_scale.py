"""Scale-out: no local state, a cache that knows when the bank changed, read replicas, Redis."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interviewbank.auth import issue_token
from interviewbank.routers import PIN_COOKIE, replica_reads
from questions.caching import bank_version
from questions.curation.admin import QuestionAdmin
from questions.curation.importing import DatabaseImportStorage
from questions.kits import item_rules, rules
from questions.models import Competency, Kit, Question, Role
from questions.search.queries import question_search
from tests.helpers import make_questions, question_form

ROOT = Path(__file__).resolve().parent.parent
ALL_DATABASES = ["default", "replica"]


def settings_in_subprocess(**env: str) -> dict:
    """Settings as a fresh process reads them from this environment."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'CACHES': settings.CACHES, 'DATABASES': settings.DATABASES, "
        "'DATABASE_REPLICAS': settings.DATABASE_REPLICAS}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_REPLICA_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "interviewbank.settings", "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# No local state -------------------------------------------------------------------------


class TestNoLocalState:
    def test_sessions_are_kept_in_the_database(self, settings, recruiter_client):
        assert settings.SESSION_ENGINE in {
            "django.contrib.sessions.backends.db",
            "django.contrib.sessions.backends.cached_db",
        }
        assert Session.objects.filter(session_key=recruiter_client.session.session_key).exists()

    def test_no_model_keeps_files_on_the_server(self):
        file_fields = [
            f"{model._meta.label}.{field.name}"
            for model in apps.get_models()
            for field in model._meta.get_fields()
            if isinstance(field, models.FileField)
        ]
        assert file_fields == []

    def test_files_uploaded_for_an_import_wait_in_the_database(self):
        admin = QuestionAdmin(Question, None)
        assert admin.get_tmp_storage_class() is DatabaseImportStorage

    def test_without_redis_url_each_process_has_a_local_memory_cache(self, settings):
        if os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is set for this run")
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")

    def test_with_redis_url_the_cache_is_redis(self):
        found = settings_in_subprocess(REDIS_URL="redis://cache.example:6379/2")
        cache_settings = found["CACHES"]["default"]
        assert cache_settings["BACKEND"] == "interviewbank.cache.FailSoftRedisCache"
        assert cache_settings["LOCATION"] == "redis://cache.example:6379/2"


# The bank version -----------------------------------------------------------------------


def _create_question(strategy: Competency, **_) -> None:
    Question.objects.create(text="A new question?", guidance="G.", competency=strategy)


def _edit_question(strategy: Competency, question: Question) -> None:
    question.guidance = "New guidance."
    question.save()


def _bulk_update(strategy: Competency, **_) -> None:
    Question.objects.update(minutes=9)


def _delete_question(strategy: Competency, question: Question) -> None:
    question.delete()


def _add_role(strategy: Competency, question: Question) -> None:
    question.roles.add(Role.objects.create(slug="buyer", title="Buyer"))


def _rename_competency(strategy: Competency, **_) -> None:
    Competency.objects.filter(pk=strategy.pk).update(name="Strategic thinking")


def _rename_role(strategy: Competency, **_) -> None:
    Role.objects.update(title="Renamed role")


def _raw_sql(strategy: Competency, **_) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("UPDATE questions_question SET is_active = false")


class TestBankVersion:
    @pytest.mark.parametrize(
        "change",
        [
            _create_question,
            _edit_question,
            _bulk_update,
            _delete_question,
            _add_role,
            _rename_competency,
            _rename_role,
            _raw_sql,
        ],
    )
    def test_every_kind_of_change_to_the_bank_moves_it(self, strategy, pricing_question, change):
        before = bank_version()
        change(strategy, question=pricing_question)
        assert bank_version() > before

    def test_loaddata_moves_it(self, strategy, tmp_path):
        fixture = tmp_path / "more.json"
        fixture.write_text(
            json.dumps(
                [
                    {
                        "model": "questions.question",
                        "fields": {
                            "slug": "loaded-question",
                            "text": "A loaded question?",
                            "guidance": "Loaded guidance.",
                            "competency": ["strategy"],
                            "created_at": "2025-01-01T00:00:00Z",
                            "updated_at": "2025-01-01T00:00:00Z",
                        },
                    }
                ]
            )
        )
        before = bank_version()
        call_command("loaddata", str(fixture), verbosity=0)
        assert bank_version() > before

    def test_kits_and_accounts_leave_it_alone(self, owner, pricing_question):
        before = bank_version()
        kit = rules.kit_create(owner=owner, title="Kit")
        item_rules.kit_add_question(kit=kit, question=pricing_question)
        owner.first_name = "Olivia"
        owner.save()
        assert bank_version() == before

    def test_a_rolled_back_change_leaves_it_as_it_was(self, pricing_question):
        before = bank_version()
        with pytest.raises(RuntimeError), transaction.atomic():
            Question.objects.update(minutes=9)
            raise RuntimeError
        assert bank_version() == before


# Cached pages show every change at once --------------------------------------------------


class TestCachedPagesShowChangesAtOnce:
    def test_an_admin_edit_shows_on_the_competency_page_and_in_search(
        self, pricing_question, recruiter, editor_client
    ):
        reader = Client()
        reader.force_login(recruiter)
        assert "margins" in reader.get("/competencies/strategy/").content.decode()
        assert "margins" in reader.get("/search/?q=pricing").content.decode()

        data = question_form(pricing_question, guidance="Weighs elasticity and positioning.")
        response = editor_client.post(
            f"/admin/questions/question/{pricing_question.pk}/change/", data
        )
        assert response.status_code == 302

        for path in ["/competencies/strategy/", "/search/?q=pricing"]:
            body = reader.get(path).content.decode()
            assert "elasticity" in body, path
            assert "margins" not in body, path

    def test_a_question_retired_in_the_admin_leaves_the_home_counts(
        self, pricing_question, recruiter, editor_client
    ):
        reader = Client()
        reader.force_login(recruiter)
        assert reader.get("/").context["competencies"][0].question_count == 1
        assert reader.get("/search/?q=pricing").context["result"].total == 1
        editor_client.post(
            "/admin/questions/question/",
            {"action": "retire", "_selected_action": [pricing_question.pk]},
        )
        assert reader.get("/").context["competencies"][0].question_count == 0
        assert reader.get("/search/?q=pricing").context["result"].total == 0

    def test_a_loaddata_change_shows_on_the_cached_pages(
        self, pricing_question, recruiter_client, tmp_path
    ):
        assert "margins" in recruiter_client.get("/competencies/strategy/").content.decode()
        fixture = tmp_path / "change.json"
        fixture.write_text(
            json.dumps(
                [
                    {
                        "model": "questions.question",
                        "fields": {
                            "slug": pricing_question.slug,
                            "text": pricing_question.text,
                            "guidance": "Loaded: weighs elasticity.",
                            "competency": ["strategy"],
                            "question_type": pricing_question.question_type,
                            "level": pricing_question.level,
                            "minutes": pricing_question.minutes,
                            "is_active": True,
                            "created_at": "2025-01-01T00:00:00Z",
                            "updated_at": "2025-01-01T00:00:00Z",
                        },
                    }
                ]
            )
        )
        call_command("loaddata", str(fixture), verbosity=0)
        body = recruiter_client.get("/competencies/strategy/").content.decode()
        assert "Loaded: weighs elasticity." in body

    def test_an_api_edit_shows_in_cached_search_results(self, pricing_question, editor):
        assert question_search("pricing").questions[0].guidance == pricing_question.guidance
        api = Client(headers={"Authorization": f"Token {issue_token(editor)}"})
        response = api.patch(
            f"/api/v1/questions/{pricing_question.pk}/",
            {"guidance": "Changed through the API."},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert question_search("pricing").questions[0].guidance == "Changed through the API."

    def test_the_same_search_again_is_answered_from_the_cache(
        self, pricing_question, django_assert_num_queries
    ):
        first = question_search("pricing  strategy", competency="strategy")
        with django_assert_num_queries(1):  # the bank version
            again = question_search("pricing strategy", competency="strategy")
        assert [q.slug for q in again.questions] == [q.slug for q in first.questions]
        assert again.questions[0].highlighted_text == first.questions[0].highlighted_text

    def test_different_filters_are_different_searches(self, pricing_question):
        assert question_search("pricing", competency="strategy").total == 1
        assert question_search("pricing", competency="leadership").total == 0
        assert question_search("pricing", offset=20).questions == []


# Queries per request --------------------------------------------------------------------

# Signing in costs the same on every page: the session, and the person with their
# permissions (their own and their groups', in one query).
SIGNED_IN = 2


class TestQueriesPerRequest:
    @pytest.mark.parametrize("size", [5, 60])
    def test_the_home_page_reads_only_the_bank_version_once_cached(
        self, strategy, recruiter_client, django_assert_num_queries, size
    ):
        make_questions(strategy, size)
        recruiter_client.get("/")
        with django_assert_num_queries(SIGNED_IN + 1):
            response = recruiter_client.get("/")
        assert response.context["competencies"][0].question_count == size

    @pytest.mark.parametrize("size", [5, 60])
    def test_the_competency_page_reads_the_version_and_nothing_else_once_cached(
        self, strategy, ops_manager, recruiter_client, django_assert_num_queries, size
    ):
        make_questions(strategy, size)
        path = "/competencies/strategy/?type=behavioural&page=2"
        recruiter_client.get(path)
        with django_assert_num_queries(SIGNED_IN + 1):
            response = recruiter_client.get(path)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == size
        assert "Operations Manager" in response.content.decode()  # the role menu

    @pytest.mark.parametrize("size", [5, 60])
    def test_after_a_change_the_competency_page_costs_five_queries_of_its_own(
        self, strategy, recruiter_client, django_assert_num_queries, size
    ):
        make_questions(strategy, size)
        recruiter_client.get("/competencies/strategy/")
        Question.objects.filter(slug=f"strategy-scale-{size - 1}").update(minutes=7)
        # Once per change to the bank: the version, the competencies, the role menu, the
        # count and the page.
        with django_assert_num_queries(SIGNED_IN + 5):
            recruiter_client.get("/competencies/strategy/")

    @pytest.mark.parametrize("size", [5, 60])
    def test_a_repeated_search_reads_only_the_bank_version(
        self, strategy, recruiter_client, django_assert_num_queries, size
    ):
        make_questions(strategy, size)
        path = "/search/?q=forecasting&competency=strategy&page=2"
        first = recruiter_client.get(path)
        assert first.context["result"].total == size
        with django_assert_num_queries(SIGNED_IN + 1):
            again = recruiter_client.get(path)
        assert again.content == first.content.replace(
            first.context["csrf_token"].encode(), again.context["csrf_token"].encode()
        )

    def test_public_browsing_of_a_cached_page_is_one_query(
        self, settings, strategy, client, django_assert_num_queries
    ):
        settings.PUBLIC_BROWSING = True
        make_questions(strategy, 30)
        client.get("/competencies/strategy/")
        with django_assert_num_queries(1):
            client.get("/competencies/strategy/")


# Read replicas --------------------------------------------------------------------------


def bank_queries(alias: str, captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "questions_" in q["sql"]]


@pytest.fixture
def with_replica(settings) -> str:
    settings.DATABASE_REPLICAS = ["replica"]
    return "replica"


@pytest.mark.django_db(transaction=True, databases=ALL_DATABASES)
@pytest.mark.usefixtures("restore_migrated_groups")
class TestReadReplicas:
    """The `replica` alias mirrors the test database: a second connection to it, which sees
    committed rows only, as a replica does; so these tests commit."""

    def test_browse_and_search_read_the_bank_from_the_replica(
        self, with_replica, pricing_question, recruiter_client
    ):
        for path in ["/", "/competencies/strategy/", "/search/?q=pricing", "/roles/ops-manager/"]:
            cache.clear()
            with (
                CaptureQueriesContext(connections["default"]) as primary,
                CaptureQueriesContext(connections["replica"]) as replica,
            ):
                response = recruiter_client.get(path)
            assert response.status_code == 200, path
            assert bank_queries("replica", replica), path
            assert bank_queries("default", primary) == [], path
        body = recruiter_client.get("/search/?q=pricing").content.decode()
        assert "margins" in body

    def test_accounts_and_sessions_stay_on_the_primary(
        self, with_replica, strategy, recruiter_client
    ):
        with CaptureQueriesContext(connections["replica"]) as replica:
            recruiter_client.get("/competencies/strategy/")
        assert not [q for q in replica.captured_queries if "django_session" in q["sql"]]
        assert not [q for q in replica.captured_queries if "auth_" in q["sql"]]

    def test_kit_pages_read_only_the_primary(self, with_replica, kit, owner_client):
        with CaptureQueriesContext(connections["replica"]) as replica:
            assert owner_client.get("/kits/").status_code == 200
            assert owner_client.get(f"/kits/{kit.code}/").status_code == 200
        assert replica.captured_queries == []

    def test_writes_go_to_the_primary(self, with_replica, strategy):
        with replica_reads() as alias:
            assert alias == "replica"
            assert router.db_for_read(Question) == "replica"
            assert router.db_for_write(Question) == "default"
            question = Question.objects.create(text="Q?", guidance="G.", competency=strategy)
        assert question._state.db == "default"

    def test_reads_in_a_transaction_on_the_primary_stay_there(self, with_replica, strategy):
        with replica_reads(), transaction.atomic():
            Question.objects.create(text="Written here?", guidance="G.", competency=strategy)
            assert router.db_for_read(Question) == "default"
            assert Question.objects.filter(text="Written here?").exists()

    def test_a_question_read_from_the_replica_can_go_into_a_kit(
        self, with_replica, owner, pricing_question
    ):
        with replica_reads():
            question = Question.objects.get(pk=pricing_question.pk)
        assert question._state.db == "replica"
        kit = rules.kit_create(owner=owner, title="Mixed")
        item = item_rules.kit_add_question(kit=kit, question=question)
        assert item._state.db == "default"
        assert Kit.objects.get(pk=kit.pk).items.count() == 1

    def test_after_a_write_the_person_reads_from_the_primary_for_a_while(
        self, with_replica, settings, strategy, recruiter_client
    ):
        response = recruiter_client.post("/accounts/profile/token/")
        assert response.cookies[PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
        with CaptureQueriesContext(connections["replica"]) as replica:
            recruiter_client.get("/competencies/strategy/")
        assert replica.captured_queries == []

    def test_without_a_replica_everything_uses_the_primary(self, settings, strategy):
        settings.DATABASE_REPLICAS = []
        with replica_reads() as alias:
            assert alias == "default"
            assert router.db_for_read(Question) == "default"

    def test_a_list_of_replicas_is_read_as_several_aliases(self):
        found = settings_in_subprocess(
            DATABASE_REPLICA_URL="postgres://r1.example/bank, postgres://r2.example/bank"
        )
        assert found["DATABASE_REPLICAS"] == ["replica1", "replica2"]
        assert found["DATABASES"]["replica2"]["HOST"] == "r2.example"
        assert found["DATABASES"]["replica1"]["TEST"]["MIRROR"] == "default"


# Redis ----------------------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    """Django's cache on Redis database 15, emptied before and after."""
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (optional: the default is local)")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "interviewbank.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ib-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    redis = caches["default"]
    redis.clear()
    yield redis
    redis.clear()


class TestRedis:
    def test_pages_and_searches_are_cached_in_redis_and_follow_edits(
        self, redis_cache, pricing_question, recruiter_client
    ):
        assert isinstance(redis_cache, RedisCache)
        assert "margins" in recruiter_client.get("/search/?q=pricing").content.decode()
        client = redis_cache._cache.get_client()
        assert client.keys("ib-test:*bank:*")
        pricing_question.guidance = "Weighs elasticity."
        pricing_question.save()
        assert "elasticity" in recruiter_client.get("/search/?q=pricing").content.decode()

    def test_api_throttle_counts_are_kept_in_redis(self, redis_cache, settings, recruiter):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "2/minute"},
        }
        api = Client(headers={"Authorization": f"Token {issue_token(recruiter)}"})
        assert [api.get("/api/v1/competencies/").status_code for _ in range(3)] == [200, 200, 429]
        assert redis_cache._cache.get_client().keys("ib-test:*throttle_user*")

    def test_pages_still_answer_when_redis_is_down(self, settings, pricing_question, recruiter):
        from django.core.cache import caches

        settings.CACHES = {
            "default": {
                "BACKEND": "interviewbank.cache.FailSoftRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        assert caches["default"].get("anything", "missing") == "missing"
        reader = Client()
        reader.force_login(recruiter)
        for path in ["/", "/competencies/strategy/", "/search/?q=pricing"]:
            assert reader.get(path).status_code == 200, path
        api = Client(headers={"Authorization": f"Token {issue_token(recruiter)}"})
        assert api.get("/api/v1/questions/").status_code == 200


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(monkeypatch):
    from interviewbank.cache import FailSoftRedisCache, FailSoftRedisCacheClient

    redis = FailSoftRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 0.5}})
    tries = []
    real = FailSoftRedisCacheClient.get_client
    monkeypatch.setattr(
        FailSoftRedisCacheClient,
        "get_client",
        lambda self, *args, **kwargs: tries.append(1) or real(self, *args, **kwargs),
    )
    assert redis.get("a", "missing") == "missing"
    redis.set("b", 1)
    assert redis.get_many(["a", "b"]) == {}
    assert len(tries) == 1
