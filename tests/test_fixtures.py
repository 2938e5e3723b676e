"""The seed fixtures hold the whole source page, character for character."""

from pathlib import Path

import pytest
from django.core.management import call_command

from questions.kits import item_rules, rules
from questions.management.commands.seed_bank import SEED_FIXTURES
from questions.models import Competency, Question, Role
from questions.scorecards.models import RatingScale

SOURCE = Path(__file__).resolve().parent.parent / "fixtures" / "source"
SOURCE_PAGE = SOURCE / "e-commerce-operations-manager.txt"
PAGE_CHROME = {
    "Experience smarter interviewing with us",
    "Get the top 1% talent with BarRaiser’s Smart AI Platform",
    "Save as PDF",
}
COMPETENCY_ORDER = [
    "strategy",
    "project-management",
    "data-analysis",
    "technical",
    "customer-service",
    "leadership",
]


def source_paragraphs() -> list[str]:
    lines = [line for line in SOURCE_PAGE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [line for line in lines if line.strip() not in PAGE_CHROME]


pytestmark = pytest.mark.django_db


def test_the_bank_has_sixty_questions_ten_per_competency(seed_bank):
    assert Question.objects.count() == 60
    assert list(Competency.objects.values_list("slug", flat=True)) == COMPETENCY_ORDER
    for competency in Competency.objects.all():
        assert competency.questions.count() == 10, competency.slug


def test_every_question_and_its_guidance_match_the_source_page_in_order(seed_bank):
    paragraphs = source_paragraphs()
    # Title, role description, two headings, then question/guidance pairs.
    assert paragraphs[2].startswith("Skills required")
    assert paragraphs[3].startswith("Interview Questions for")
    expected_pairs = list(zip(paragraphs[4::2], paragraphs[5::2], strict=True))

    questions = Question.objects.select_related("competency").order_by("id")
    actual_pairs = [(q.text, q.guidance) for q in questions]

    assert actual_pairs == expected_pairs


def test_questions_come_in_blocks_of_ten_in_competency_order(seed_bank):
    slugs = list(Question.objects.order_by("id").values_list("competency__slug", flat=True))
    assert slugs == [slug for slug in COMPETENCY_ORDER for _ in range(10)]


def test_typographic_apostrophes_are_kept(seed_bank):
    assert Question.objects.filter(guidance__contains="candidate’s").count() == 3
    assert not Question.objects.filter(guidance__contains="candidate's").exists()


def test_the_role_carries_the_page_description(seed_bank):
    role = Role.objects.get(slug="e-commerce-operations-manager")
    assert role.title == "E-Commerce Operations Manager"
    assert role.summary == source_paragraphs()[1]
    assert role.questions.count() == 60


def test_page_chrome_is_not_content(seed_bank):
    for chrome in PAGE_CHROME:
        assert not Question.objects.filter(text__contains=chrome).exists()
        assert not Question.objects.filter(guidance__contains=chrome).exists()


def test_every_question_is_classified(seed_bank):
    assert not Question.objects.filter(question_type="").exists()
    assert not Question.objects.filter(level="").exists()
    assert set(Question.objects.values_list("question_type", flat=True)) == {
        "behavioural",
        "situational",
        "technical",
        "approach",
    }


def test_loading_the_fixtures_twice_changes_nothing(seed_bank):
    before = list(Question.objects.order_by("id").values("id", "slug", "text", "guidance"))
    scales = list(RatingScale.objects.order_by("id").values())
    call_command("loaddata", *SEED_FIXTURES, verbosity=0)
    after = list(Question.objects.order_by("id").values("id", "slug", "text", "guidance"))
    assert after == before
    assert list(RatingScale.objects.order_by("id").values()) == scales
    assert Competency.objects.count() == 6
    assert Role.objects.count() == 1


def test_the_strategy_questions_ship_with_anchored_scales_marked_as_the_projects(seed_bank):
    scales = RatingScale.objects.select_related("question__competency")
    strategy = Question.objects.filter(competency__slug="strategy")
    assert {scale.question_id for scale in scales} >= set(strategy.values_list("pk", flat=True))
    assert strategy.count() == 10
    source = SOURCE_PAGE.read_text(encoding="utf-8")
    for scale in scales:
        assert scale.added_by_project
        assert len(set(scale.anchors)) == 5 and all(scale.anchors)
        # The project's own words, never passed off as the source page's.
        assert not any(anchor in source for anchor in scale.anchors)
        assert scale.history.count() == 1, "loaded scales start their history"


def test_a_kit_pins_a_seed_questions_anchors(seed_bank, owner):
    question = Question.objects.get(slug__startswith="discuss-a-time-when-a-strategic-plan")
    kit = rules.kit_create(owner=owner, title="Strategy")
    item = item_rules.kit_add_question(kit=kit, question=question)
    assert item.pinned_anchors[0] == "Cannot name a failure, or blames others entirely."


def test_fixtures_carry_natural_keys_not_primary_keys():
    import json

    for name in SEED_FIXTURES:
        entries = json.loads((SOURCE.parent / f"{name}.json").read_text(encoding="utf-8"))
        assert entries, name
        assert all("pk" not in entry for entry in entries), name


def test_seed_bank_command_loads_an_empty_bank_only(db, capsys):
    call_command("seed_bank")
    assert Question.objects.count() == 60
    Question.objects.filter(slug__startswith="can-you").update(minutes=9)
    call_command("seed_bank")
    assert "already has questions" in capsys.readouterr().out
    assert Question.objects.filter(minutes=9).exists()
