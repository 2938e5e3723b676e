"""The bank's one write path: every route's save comes back with the same wording advice."""

import pytest

from questions.bank import rules

pytestmark = pytest.mark.django_db


def test_a_save_carries_advice_about_its_wording_and_saves_anyway(strategy):
    question = rules.question_create(
        text="Is English your first language?", guidance="Clear English.", competency=strategy
    )
    assert question.pk is not None
    assert any("nationality or origin" in warning for warning in question.wording_warnings)
    assert any("yes/no" in warning for warning in question.wording_warnings)


def test_plain_wording_has_no_advice(strategy):
    question = rules.question_create(
        text="Tell me about a time you changed a plan halfway.",
        guidance="Names what changed and why.",
        competency=strategy,
    )
    assert question.wording_warnings == []
