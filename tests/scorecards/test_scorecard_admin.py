"""Editors write rating scales in the admin, on the question's page, with history."""

from questions.scorecards.models import RatingScale
from tests.helpers import question_form


def scale_form(**levels) -> dict:
    return {
        "rating_scale-TOTAL_FORMS": "1",
        "rating_scale-INITIAL_FORMS": "0",
        "rating_scale-MIN_NUM_FORMS": "0",
        "rating_scale-MAX_NUM_FORMS": "1",
        **{f"rating_scale-0-{name}": text for name, text in levels.items()},
    }


def test_an_editor_anchors_a_questions_scale_on_its_page(editor_client, pricing_question):
    url = f"/admin/questions/question/{pricing_question.pk}/change/"
    levels = {f"level_{n}": f"Pricing level {n}." for n in range(1, 6)}
    response = editor_client.post(url, question_form(pricing_question, **scale_form(**levels)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    scale = RatingScale.objects.get(question=pricing_question)
    assert scale.anchors == [f"Pricing level {n}." for n in range(1, 6)]
    assert not scale.added_by_project, "an editor's scale is their own addition"
    assert scale.history.count() == 1
    history = editor_client.get(f"/admin/questions/ratingscale/{scale.pk}/history/")
    assert history.status_code == 200


def test_a_level_left_empty_is_a_form_error_and_saves_nothing(editor_client, pricing_question):
    url = f"/admin/questions/question/{pricing_question.pk}/change/"
    levels = {f"level_{n}": f"Pricing level {n}." for n in range(1, 5)} | {"level_5": ""}
    data = question_form(pricing_question, **scale_form(**levels), minutes=9)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert not RatingScale.objects.exists()
    pricing_question.refresh_from_db()
    assert pricing_question.minutes != 9


def test_an_interviewer_cannot_write_scales(client, ana, pricing_question):
    client.force_login(ana)
    response = client.get("/admin/questions/ratingscale/add/")
    assert response.status_code in (302, 403)
    assert not RatingScale.objects.exists()
