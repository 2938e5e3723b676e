"""Every change to the bank is kept: who, when, what changed, and any version can come back."""

import io
import json

import pytest
from django.core.management import call_command

from questions.curation.history import history_record_loaded, word_diff
from questions.models import Competency, Question, Role
from tests.helpers import question_form, token_client

pytestmark = pytest.mark.django_db


def test_word_diff_marks_removed_and_added_words():
    diff = word_diff("Tell me about a hard time.", "Tell us about a difficult time.")
    assert (
        diff == "Tell <del>me</del><ins>us</ins> about a <del>hard</del><ins>difficult</ins> time."
    )


def test_a_rewrite_shows_the_old_text_then_the_new():
    diff = word_diff("Describe your process.", "What would you change first, and why?")
    assert (
        diff == "<del>Describe your process.</del> <ins>What would you change first, and why?</ins>"
    )


def test_word_diff_escapes_both_sides():
    diff = word_diff("Use <b>bold</b>", "Use <i>bold</i> & more")
    assert "<b>" not in diff and "<i>" not in diff
    assert "&lt;" in diff and "&amp;" in diff


def test_the_seed_bank_starts_with_one_version_of_everything(seed_bank):
    assert Question.history.count() == 60
    assert Competency.history.count() == 6
    assert Role.history.count() == 1
    version = Question.objects.first().history.get()
    assert version.history_type == "+"
    assert version.history_user is None
    assert version.history_change_reason == "Loaded from the seed bank"


def test_loading_fixtures_directly_records_nothing_until_asked(db):
    call_command("loaddata", "competencies", "roles", "questions", verbosity=0)
    assert Question.history.count() == 0
    assert history_record_loaded(reason="Loaded") == 67
    assert history_record_loaded(reason="Loaded") == 0


def test_reloading_the_seed_over_edits_is_recorded(seed_bank):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    question.minutes = 9
    question.save()
    call_command("seed_bank", force=True, stdout=io.StringIO())
    question.refresh_from_db()
    versions = list(question.history.values_list("history_type", "minutes"))
    assert versions[0] == ("~", question.minutes)
    assert versions[1] == ("~", 9)
    assert len(versions) == 3


def test_an_admin_edit_records_who_when_and_what(seed_bank, editor_client, editor):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    data = question_form(question, text=question.text.replace("forecasting", "predicting"))
    response = editor_client.post(f"/admin/questions/question/{question.pk}/change/", data)
    assert response.status_code == 302

    latest, first = question.history.all()[:2]
    assert latest.history_type == "~"
    assert latest.history_user == editor
    delta = latest.diff_against(first)
    assert delta.changed_fields == ["text"]


def test_the_history_page_shows_each_change_as_a_word_diff(seed_bank, editor_client, editor):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    data = question_form(
        question, text=question.text.replace("forecasting", "<predicting>"), minutes=9
    )
    editor_client.post(f"/admin/questions/question/{question.pk}/change/", data)

    response = editor_client.get(f"/admin/questions/question/{question.pk}/history/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<del>forecasting</del><ins>&lt;predicting&gt;</ins>" in body
    assert "<dt>Minutes</dt>" in body
    assert "edith" in body
    assert "Loaded from the seed bank" in body
    assert "First version." in body


def test_the_history_page_query_count_does_not_grow_with_versions(
    editor_client, pricing_question, django_assert_max_num_queries
):
    url = f"/admin/questions/question/{pricing_question.pk}/history/"
    with django_assert_max_num_queries(30) as captured:
        editor_client.get(url)
    few = len(captured.captured_queries)
    for minutes in range(7, 17):
        pricing_question.minutes = minutes
        pricing_question.save()
    with django_assert_max_num_queries(few):
        editor_client.get(url)


def test_any_version_can_be_restored(seed_bank, editor_client, editor):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    original_text = question.text
    first = question.history.get()
    editor_client.post(
        f"/admin/questions/question/{question.pk}/change/",
        question_form(question, text="How do you forecast demand?", minutes=9),
    )
    question.refresh_from_db()
    assert question.text == "How do you forecast demand?"

    url = f"/admin/questions/question/{question.pk}/history/{first.history_id}/"
    page = editor_client.get(url)
    assert page.status_code == 200
    assert original_text in page.content.decode()

    response = editor_client.post(url, question_form(first.instance))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == original_text
    assert question.minutes == first.minutes
    restored = question.history.first()
    assert restored.history_user == editor
    assert restored.history_change_reason.startswith("Restored the version of")
    assert question.history.count() == 3


@pytest.mark.parametrize(
    "path",
    [
        "/admin/questions/question/abc/history/1/",
        "/admin/questions/question/1/history/abc/",
        "/admin/questions/question/999999/history/999999/",
    ],
)
def test_a_version_address_that_does_not_exist_is_a_404(editor_client, path):
    assert editor_client.get(path).status_code == 404


def test_bulk_retire_and_restore_record_a_version_per_question(seed_bank, editor_client, editor):
    ids = list(Question.objects.in_competency("strategy").values_list("id", flat=True)[:3])
    editor_client.post("/admin/questions/question/", {"action": "retire", "_selected_action": ids})
    for question in Question.objects.filter(id__in=ids):
        latest = question.history.first()
        assert latest.is_active is False
        assert latest.history_user == editor
    editor_client.post("/admin/questions/question/", {"action": "restore", "_selected_action": ids})
    assert Question.history.filter(id__in=ids).count() == 9


def test_competency_and_role_edits_are_kept_too(seed_bank, editor_client, editor):
    competency = Competency.objects.get(slug="strategy")
    editor_client.post(
        f"/admin/questions/competency/{competency.pk}/change/",
        {
            "name": "Strategy",
            "slug": "strategy",
            "description": "Setting direction, in short.",
            "display_order": competency.display_order,
        },
    )
    latest = competency.history.first()
    assert latest.description == "Setting direction, in short."
    assert latest.history_user == editor
    response = editor_client.get(f"/admin/questions/competency/{competency.pk}/history/")
    body = response.content.decode()
    assert "<ins>Setting direction, in short.</ins>" in body


def test_people_outside_the_admin_cannot_read_history(client, recruiter, pricing_question):
    client.force_login(recruiter)
    response = client.get(f"/admin/questions/question/{pricing_question.pk}/history/")
    assert response.status_code == 302


def test_rows_already_in_the_bank_get_a_first_version_when_history_begins(db):
    from importlib import import_module

    from django.apps import apps

    from questions.models import Competency, Question

    # bulk_create saves no history, as rows made before history began had none.
    (competency,) = Competency.objects.bulk_create(
        [Competency(slug="strategy", name="Strategy", description="d", display_order=1)]
    )
    Question.objects.bulk_create(
        [Question(slug="why", text="Why?", guidance="g", competency=competency, minutes=5)]
    )
    assert not Question.history.exists()

    migration = import_module("questions.migrations.0003_question_history")
    migration.record_first_versions(apps, schema_editor=None)

    version = Question.history.get()
    assert (version.slug, version.text, version.history_type) == ("why", "Why?", "+")
    assert version.history_change_reason == "Version kept when history began"
    assert Competency.history.count() == 1


def test_an_edit_through_the_api_with_a_token_records_who_made_it(seed_bank, editor):
    question = Question.objects.order_by("id").first()
    response = token_client(editor).patch(
        f"/api/v1/questions/{question.id}/",
        json.dumps({"minutes": 9}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert question.history.latest().history_user == editor
