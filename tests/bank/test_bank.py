"""Editors' writes to the bank (questions/bank/rules.py), as the API and imports call them."""

import pytest
from django.core.exceptions import ValidationError

from questions.bank import rules
from questions.models import Question

pytestmark = pytest.mark.django_db


def test_it_adds_a_question_with_a_slug_and_its_roles(strategy, ops_manager):
    question = rules.question_create(
        text="Which metric would you drop first?",
        guidance="Knows which numbers matter.",
        competency=strategy,
        roles=[ops_manager],
    )
    assert question.slug == "which-metric-would-you-drop-first"
    assert list(question.roles.all()) == [ops_manager]


def test_it_reports_table_rules_against_their_fields(pricing_question):
    with pytest.raises(ValidationError) as caught:
        rules.question_create(
            text=pricing_question.text.title(),
            guidance="Same question, other case.",
            competency=pricing_question.competency,
            minutes=0,
        )
    assert caught.value.message_dict == {
        "text": ["A question with this text is already in the bank."],
        "minutes": ["Minutes must be between 1 and 120."],
    }


def test_a_clash_that_slips_past_the_check_is_still_a_field_error(pricing_question, monkeypatch):
    # Another writer saves the same text between our check and our insert.
    monkeypatch.setattr(rules, "question_clean", lambda question: None)
    with pytest.raises(ValidationError) as caught:
        rules.question_create(
            text=pricing_question.text.upper(),
            guidance="Raced.",
            competency=pricing_question.competency,
        )
    assert caught.value.message_dict == {
        "text": ["A question with this text is already in the bank."]
    }
    assert Question.objects.count() == 1


def test_a_change_leaves_roles_alone_unless_given(pricing_question, ops_manager):
    rules.question_update(question=pricing_question, is_active=False)
    pricing_question.refresh_from_db()
    assert pricing_question.is_active is False
    assert list(pricing_question.roles.all()) == [ops_manager]


def test_it_refuses_fields_a_question_does_not_have(pricing_question):
    with pytest.raises(TypeError):
        rules.question_update(question=pricing_question, slug="renamed")
