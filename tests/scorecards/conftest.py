"""Fixtures the loop, scorecard and debrief tests share."""

import pytest

from questions.kits import item_rules
from questions.kits import rules as kit_rules
from questions.scorecards import rules


@pytest.fixture
def second_kit(owner, spare_question, pricing_question):
    """The owner's second interview: the spare strategy question, then pricing again."""
    second = kit_rules.kit_create(owner=owner, title="Ops manager second interview")
    item_rules.kit_add_question(kit=second, question=spare_question)
    item_rules.kit_add_question(kit=second, question=pricing_question)
    return second


@pytest.fixture
def loop(owner, kit, second_kit, ana, ben):
    loop = rules.loop_create(owner=owner, title="Ops Manager - onsite")
    rules.loop_add_interview(loop=loop, kit=kit, interviewers=[ana])
    rules.loop_add_interview(loop=loop, kit=second_kit, interviewers=[ben])
    return loop


@pytest.fixture
def candidate(loop):
    return rules.candidate_add(loop=loop, reference="ATS-1042", display_name="J. D.")
