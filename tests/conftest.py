"""Shared test data: a small named bank, the seed bank, and the people access tests need."""

import io
import os
import signal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from questions.models import Competency, Level, Question, QuestionType, Role
from tests.helpers import make_user


def pytest_configure(config):
    # SIGTERM (kill, a CI timeout) ends a run as Ctrl-C does: test databases dropped, the
    # local PostgreSQL stopped once nothing uses it.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # Commands the tests start take their settings from the environment alone, never from a
    # `.env` that `make run` left in the checkout.
    os.environ["DJANGO_ENV_FILE"] = ""


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    # The suite does not run collectstatic; the hashed-manifest storage is for production.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The test client speaks plain HTTP; production redirects it to HTTPS (tested on its own).
    settings.SECURE_SSL_REDIRECT = False
    # Production's slow password hash makes every test user cost a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


MIGRATED_GROUPS = pytest.StashKey[dict[str, list[tuple[str, str]]]]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Note the groups the data migrations made, before any test can flush them."""
    with django_db_blocker.unblock():
        request.config.stash[MIGRATED_GROUPS] = {
            group.name: list(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.all()
        }


@pytest.fixture
def restore_migrated_groups(request, transactional_db) -> None:
    """Put back the migrations' groups for tests that commit data.

    Such tests end with a flush that empties every table, groups included (the flush
    recreates permissions, not groups).
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    # The flush gave content types new ids, which the content-type cache may not know, and
    # permissions may have been recreated against the stale ones: start from fresh.
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, permissions in request.config.stash[MIGRATED_GROUPS].items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *[
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in permissions
            ]
        )


@pytest.fixture
def seed_bank(db):
    """The 60 seed questions, their six competencies and role, as `make run` loads them."""
    call_command("seed_bank", force=True, stdout=io.StringIO())


@pytest.fixture
def strategy(db) -> Competency:
    return Competency.objects.create(
        slug="strategy", name="Strategy", description="Setting direction.", display_order=1
    )


@pytest.fixture
def leadership(db) -> Competency:
    return Competency.objects.create(
        slug="leadership", name="Leadership", description="Leading people.", display_order=6
    )


@pytest.fixture
def ops_manager(db) -> Role:
    return Role.objects.create(
        slug="ops-manager", title="Operations Manager", summary="Runs operations."
    )


@pytest.fixture
def pricing_question(strategy, ops_manager) -> Question:
    question = Question.objects.create(
        text="How would you set a pricing strategy for a new product line?",
        guidance="Looks at margins, competitors and customer willingness to pay.",
        competency=strategy,
        question_type=QuestionType.SITUATIONAL,
        level=Level.SENIOR,
        minutes=6,
    )
    question.roles.add(ops_manager)
    return question


@pytest.fixture
def spare_question(strategy) -> Question:
    """An active strategy question in no kit."""
    return Question.objects.create(
        text="Which market would you enter next, and why?",
        guidance="Sizes the market and names the risks.",
        competency=strategy,
        minutes=7,
    )


@pytest.fixture
def conflict_question(leadership, ops_manager) -> Question:
    question = Question.objects.create(
        text="Tell me about a time you resolved a conflict within your team.",
        guidance="Names the conflict, listens to both sides and restores productivity.",
        competency=leadership,
        question_type=QuestionType.BEHAVIOURAL,
        level=Level.MID,
        minutes=5,
    )
    question.roles.add(ops_manager)
    return question


@pytest.fixture
def recruiter(django_user_model):
    return make_user(django_user_model, "rita", "Recruiter")


@pytest.fixture
def owner(django_user_model):
    """A hiring manager who owns kits."""
    return make_user(django_user_model, "olivia", "Hiring manager")


@pytest.fixture
def colleague(django_user_model):
    """Another hiring manager in the same company: may not see the owner's kits."""
    return make_user(django_user_model, "colin", "Hiring manager")


@pytest.fixture
def outsider(django_user_model):
    """A signed-in account with no group at all."""
    return make_user(django_user_model, "oscar")


@pytest.fixture
def ana(django_user_model):
    """An interviewer: fills the scorecards of the interviews she is assigned."""
    return make_user(django_user_model, "ana", "Interviewer")


@pytest.fixture
def ben(django_user_model):
    """Another interviewer."""
    return make_user(django_user_model, "ben", "Interviewer")


@pytest.fixture
def editor(django_user_model):
    """A staff member in the Question editor group."""
    return make_user(django_user_model, "edith", "Question editor", is_staff=True)


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache, so API throttle counts never carry over."""
    cache.clear()
    yield
    cache.clear()


# Kits -----------------------------------------------------------------------------------


@pytest.fixture
def kit(owner, ops_manager, pricing_question, conflict_question):
    """The owner's 30-minute kit: the pricing question, then the conflict question."""
    from questions.kits import item_rules, rules

    kit = rules.kit_create(
        owner=owner, title="Ops manager first interview", role=ops_manager, target_minutes=30
    )
    item_rules.kit_add_question(kit=kit, question=pricing_question)
    item_rules.kit_add_question(kit=kit, question=conflict_question)
    return kit


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


# Scale-out ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Add a `replica` database alias that mirrors the test database, as a read replica would.

    Nothing reads from it unless a test lists it in `settings.DATABASE_REPLICAS` (and in its
    `django_db(databases=...)`): tests/test_scale.py does.
    """
    import copy

    from django.db import connections

    if "replica" in connections.settings:
        return
    replica = copy.deepcopy(connections.settings["default"])
    replica["TEST"] = {**replica["TEST"], "MIRROR": "default"}
    connections.settings["replica"] = replica
    settings.DATABASES.setdefault("replica", replica)
