"""Curating the bank in Django admin."""

import pytest

from questions.bank import rules
from questions.models import Question
from tests.helpers import NO_RATING_SCALE, PASSWORD

pytestmark = pytest.mark.django_db


def test_the_changelist_shows_questions_with_their_columns(seed_bank, editor_client):
    response = editor_client.get("/admin/questions/question/")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ["Question", "Competency", "Type", "Level", "Active", "Updated"]:
        assert heading in body


def test_the_changelist_query_count_is_constant(
    seed_bank, editor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as captured:
        editor_client.get("/admin/questions/question/")
    few = len(captured.captured_queries)
    Question.objects.filter(competency__slug__in=["strategy", "leadership"]).delete()
    with django_assert_max_num_queries(few):
        editor_client.get("/admin/questions/question/")


def test_search_covers_text_and_guidance(seed_bank, editor_client):
    response = editor_client.get("/admin/questions/question/?q=Cyber+Monday")
    assert response.context["cl"].result_count == 1
    response = editor_client.get("/admin/questions/question/?q=motivational+theories")
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize(
    "query,count",
    [
        ("competency__slug__exact=technical", 10),
        ("is_active__exact=1", 60),
        ("level__exact=lead", 4),
        ("question_type__exact=technical", 5),
    ],
)
def test_filters_narrow_the_list(seed_bank, editor_client, query, count):
    competency_id = None  # filters use ids for foreign keys
    if query.startswith("competency"):
        from questions.models import Competency

        competency_id = Competency.objects.get(slug="technical").id
        query = f"competency__id__exact={competency_id}"
    response = editor_client.get(f"/admin/questions/question/?{query}")
    assert response.context["cl"].result_count == count


def test_an_editor_edits_a_question_and_the_site_shows_it(seed_bank, editor_client):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    response = editor_client.get(f"/admin/questions/question/{question.id}/change/")
    assert response.status_code == 200
    data = {
        **NO_RATING_SCALE,
        "text": question.text,
        "guidance": "Rewritten guidance for the forecasting question.",
        "competency": question.competency_id,
        "roles": [r.id for r in question.roles.all()],
        "question_type": question.question_type,
        "level": question.level,
        "minutes": 8,
        "is_active": "on",
        "slug": question.slug,
    }
    response = editor_client.post(f"/admin/questions/question/{question.id}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.minutes == 8
    page = editor_client.get(f"/questions/{question.slug}/").content.decode()
    assert "Rewritten guidance for the forecasting question." in page


def test_a_duplicate_text_is_a_form_error_not_a_crash(seed_bank, editor_client):
    existing = Question.objects.first()
    data = {
        "text": existing.text.upper(),
        "guidance": "Some guidance.",
        "competency": existing.competency_id,
        "question_type": "behavioural",
        "level": "mid",
        "minutes": 5,
        "slug": "a-new-slug",
    }
    response = editor_client.post("/admin/questions/question/add/", data)
    assert response.status_code == 200
    assert "already in the bank" in response.content.decode()


def test_bulk_retire_and_restore(seed_bank, editor_client):
    ids = list(Question.objects.in_competency("strategy").values_list("id", flat=True)[:3])
    response = editor_client.post(
        "/admin/questions/question/", {"action": "retire", "_selected_action": ids}
    )
    assert response.status_code == 302
    assert Question.objects.filter(id__in=ids, is_active=False).count() == 3
    editor_client.post("/admin/questions/question/", {"action": "restore", "_selected_action": ids})
    assert Question.objects.filter(id__in=ids, is_active=True).count() == 3


def test_a_recruiter_cannot_use_the_admin(client, recruiter):
    client.force_login(recruiter)
    response = client.get("/admin/questions/question/")
    assert response.status_code == 302


def test_an_editor_cannot_manage_users_or_groups(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403


# --- Who may use the admin ---------------------------------------------------------------

# Pages an editor works in, and pages that manage people, sign-in records or permissions.
EDITOR_PAGES = [
    "/admin/",
    "/admin/questions/question/",
    "/admin/questions/question/add/",
    "/admin/questions/question/{question_id}/change/",
    "/admin/questions/question/{question_id}/history/",
    "/admin/questions/competency/",
    "/admin/questions/competency/{competency_id}/change/",
    "/admin/questions/role/",
    "/admin/questions/role/{role_id}/change/",
]
PEOPLE_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/user/{editor_id}/change/",
    "/admin/auth/user/{editor_id}/password/",
    "/admin/auth/group/",
    "/admin/auth/group/add/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
]


@pytest.fixture
def admin_targets(editor, pricing_question) -> dict:
    return {
        "question_id": pricing_question.id,
        "competency_id": pricing_question.competency_id,
        "role_id": pricing_question.roles.get().id,
        "editor_id": editor.id,
    }


@pytest.mark.parametrize("path", EDITOR_PAGES + PEOPLE_PAGES)
@pytest.mark.parametrize("who", [None, "recruiter", "owner", "outsider"])
def test_only_staff_get_into_the_admin(request, client, admin_targets, path, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(path.format(**admin_targets))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_an_editor_opens_every_bank_page(editor_client, admin_targets, path):
    assert editor_client.get(path.format(**admin_targets)).status_code == 200


@pytest.mark.parametrize("path", PEOPLE_PAGES)
def test_an_editor_cannot_open_people_or_sign_in_records(editor_client, admin_targets, path):
    assert editor_client.get(path.format(**admin_targets)).status_code == 403


@pytest.mark.parametrize("path", EDITOR_PAGES + PEOPLE_PAGES)
def test_a_superuser_opens_everything(client, django_user_model, admin_targets, path):
    client.force_login(django_user_model.objects.create_superuser("sam", password="x-long-pw-1"))
    assert client.get(path.format(**admin_targets)).status_code == 200


def test_an_editor_cannot_make_themselves_a_superuser(editor_client, editor):
    response = editor_client.post(
        f"/admin/auth/user/{editor.id}/change/",
        {"username": "edith", "is_staff": "on", "is_superuser": "on", "is_active": "on"},
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_an_editor_retires_questions_rather_than_deleting_them(editor_client, pricing_question):
    response = editor_client.get(f"/admin/questions/question/{pricing_question.id}/delete/")
    assert response.status_code == 403


def test_the_editor_group_without_staff_status_is_not_enough(client, django_user_model):
    from django.contrib.auth.models import Group

    person = django_user_model.objects.create_user("nina", password=PASSWORD)
    person.groups.add(Group.objects.get(name="Question editor"))
    client.force_login(person)
    assert client.get("/admin/questions/question/").status_code == 302


def test_staff_without_a_group_see_no_models(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user("stan", password="a-long-pw-1", is_staff=True)
    )
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/questions/question/").status_code == 403


def test_an_over_long_question_is_a_form_error_not_a_crash(seed_bank, editor_client):
    competency = Question.objects.first().competency
    data = {
        "text": "Why " + "really " * 600 + "?",
        "guidance": "Some guidance.",
        "competency": competency.id,
        "question_type": "behavioural",
        "level": "mid",
        "minutes": 5,
        "slug": "an-over-long-question",
    }
    response = editor_client.post("/admin/questions/question/add/", data)
    assert response.status_code == 200
    assert "Ensure this value has at most 500 characters" in response.content.decode()
    assert not Question.objects.filter(slug="an-over-long-question").exists()


def test_the_admin_form_saves_through_the_banks_one_write_path(
    seed_bank, editor_client, monkeypatch
):
    checked = []
    check = rules.question_clean
    monkeypatch.setattr(rules, "question_clean", lambda q: checked.append(q.slug) or check(q))
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    data = {
        **NO_RATING_SCALE,
        "text": question.text,
        "guidance": "Guidance saved through the bank's rules.",
        "competency": question.competency_id,
        "roles": [r.id for r in question.roles.all()],
        "question_type": question.question_type,
        "level": question.level,
        "minutes": 7,
        "is_active": "on",
        "slug": question.slug,
    }
    response = editor_client.post(f"/admin/questions/question/{question.id}/change/", data)
    assert response.status_code == 302
    assert checked == [question.slug]


def test_retiring_in_bulk_records_each_question_in_its_history(seed_bank, editor_client, editor):
    ids = list(Question.objects.in_competency("strategy").values_list("id", flat=True)[:2])
    editor_client.post("/admin/questions/question/", {"action": "retire", "_selected_action": ids})
    for question in Question.objects.filter(id__in=ids):
        latest = question.history.first()
        assert (latest.is_active, latest.history_user) == (False, editor)


def test_every_admin_page_carries_the_projects_accessibility_fixes(seed_bank, admin_client):
    for path in ("/admin/", "/admin/questions/question/", "/admin/questions/competency/"):
        page = admin_client.get(path).content.decode()
        assert "/static/questions/admin.css" in page, path
        assert "/static/questions/admin.js" in page, path


def test_the_competency_orders_editable_in_the_list_are_named(seed_bank, admin_client):
    page = admin_client.get("/admin/questions/competency/").content.decode()
    assert 'aria-label="Display order of Strategy"' in page
