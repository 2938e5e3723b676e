"""Models and the rules the database enforces."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from questions.models import Competency, Question

pytestmark = pytest.mark.django_db


def test_question_text_is_unique_ignoring_case(pricing_question):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            text=pricing_question.text.upper(),
            guidance="Anything.",
            competency=pricing_question.competency,
        )


def test_full_clean_reports_duplicate_text_as_a_message(pricing_question):
    duplicate = Question(
        text=pricing_question.text.lower(), guidance="x", competency=pricing_question.competency
    )
    with pytest.raises(ValidationError, match="already in the bank"):
        duplicate.full_clean()


@pytest.mark.parametrize("minutes", [0, 121])
def test_minutes_must_be_between_1_and_120(strategy, minutes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(text="Q?", guidance="G.", competency=strategy, minutes=minutes)


def test_a_slug_is_made_from_the_text_and_kept_unique(strategy):
    first = Question.objects.create(
        text="What is your approach to hiring for a new e-commerce team in a fast-growing "
        "business today?",
        guidance="G.",
        competency=strategy,
    )
    second = Question.objects.create(
        text="What is your approach to hiring for a new e-commerce team in a fast-growing "
        "business now?",
        guidance="G.",
        competency=strategy,
    )
    assert first.slug == "what-is-your-approach-to-hiring-for-a-new-e-commerce-team"
    assert second.slug == first.slug + "-2"


def test_a_competency_with_questions_cannot_be_deleted(pricing_question):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        pricing_question.competency.delete()


def test_querysets_filter_by_competency_role_and_status(pricing_question, conflict_question):
    conflict_question.is_active = False
    conflict_question.save()
    assert list(Question.objects.in_competency("strategy")) == [pricing_question]
    assert list(Question.objects.for_role("ops-manager").order_by("id")) == [
        pricing_question,
        conflict_question,
    ]
    assert list(Question.objects.active()) == [pricing_question]


def test_natural_keys_round_trip(pricing_question):
    competency = pricing_question.competency
    assert Competency.objects.get_by_natural_key(*competency.natural_key()) == competency
    assert Question.objects.get_by_natural_key(*pricing_question.natural_key()) == pricing_question


def test_str_is_readable(pricing_question):
    assert str(pricing_question) == pricing_question.text
    assert str(pricing_question.competency) == "Strategy"
