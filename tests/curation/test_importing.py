"""Importing plain-text question pages like the seed with `manage.py import_questions`."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questions.curation.importing import PageError, competency_per_question, parse_question_page
from questions.models import Question, Role

SEED_PAGE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "source"
    / "e-commerce-operations-manager.txt"
)
SEED_ROLE = "e-commerce-operations-manager"
SEED_BLOCKS = "strategy,project-management,data-analysis,technical,customer-service,leadership"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_questions", *args, stdout=out)
    return out.getvalue()


def write_page(tmp_path: Path, text: str, name: str = "page.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


SMALL_PAGE = """Warehouse Lead Interview Questions

A Warehouse Lead runs a shift of pickers and packers.

Interview Questions for Warehouse Lead

How do you plan a shift when two pickers call in sick?

Looks for a plan that protects the cut-off times and shares the load fairly.
Save as PDF

Tell me about a time you improved pick accuracy.

Names the measure, the change and the result.
"""


def test_it_reads_the_seed_page_into_sixty_question_and_guidance_pairs():
    page = parse_question_page(SEED_PAGE.read_text(encoding="utf-8"))
    assert page.title == "E-Commerce Operations Manager Interview Questions"
    assert page.description.startswith("An E-Commerce Operations Manager is responsible")
    assert len(page.pairs) == 60
    question, guidance = page.pairs[0]
    assert question.startswith("Can you describe a strategic initiative")
    assert guidance.startswith("The candidate is expected to demonstrate")
    assert "Save as PDF" not in {text for pair in page.pairs for text in pair}
    assert "Experience smarter interviewing with us" in page.ignored
    assert "Skills required for E-Commerce Operations Manager" in page.ignored


@pytest.mark.django_db
def test_the_seed_page_matches_the_seed_bank_pair_for_pair(seed_bank):
    page = parse_question_page(SEED_PAGE.read_text(encoding="utf-8"))
    assert page.pairs == list(Question.objects.order_by("id").values_list("text", "guidance"))
    assert page.description == Role.objects.get(slug=SEED_ROLE).summary


def test_chrome_between_a_guidance_line_and_the_next_question_is_left_out():
    page = parse_question_page(SMALL_PAGE)
    assert [question for question, _ in page.pairs] == [
        "How do you plan a shift when two pickers call in sick?",
        "Tell me about a time you improved pick accuracy.",
    ]
    assert page.ignored == ["Interview Questions for Warehouse Lead", "Save as PDF"]


def test_a_page_without_headings_is_all_questions_and_guidance():
    page = parse_question_page("Title\nWhat is a KPI?\nNames one.\nWhy track it?\nSays why.\n")
    assert page.description == ""
    assert len(page.pairs) == 2


def test_a_question_without_guidance_is_reported():
    with pytest.raises(PageError, match="come in pairs"):
        parse_question_page("Title\n\nHeading\n\nWhat is a KPI?\n\nNames one.\n\nWhy?\n")


def test_an_empty_page_is_reported():
    with pytest.raises(PageError, match="empty"):
        parse_question_page("  \n\n")


def test_blocks_map_consecutive_questions_to_competencies():
    assert competency_per_question(5, blocks=["a", "b"], block_size=3) == ["a", "a", "a", "b", "b"]
    assert competency_per_question(3, competency="a", block_size=10) == ["a", "a", "a"]
    with pytest.raises(PageError, match="cover only 4"):
        competency_per_question(5, blocks=["a", "b"], block_size=2)
    with pytest.raises(PageError, match="would get none"):
        competency_per_question(4, blocks=["a", "b", "c"], block_size=2)


@pytest.mark.django_db
def test_importing_the_seed_page_into_the_seeded_bank_changes_nothing(seed_bank):
    before = list(Question.objects.order_by("id").values_list("slug", "updated_at"))
    out = run(str(SEED_PAGE), "--role", SEED_ROLE, "--blocks", SEED_BLOCKS, "--commit")
    assert "60 rows: 0 new, 0 changed, 60 unchanged, 0 with errors." in out
    assert list(Question.objects.order_by("id").values_list("slug", "updated_at")) == before


@pytest.mark.django_db
def test_a_dry_run_reports_without_writing(seed_bank):
    out = run(str(SEED_PAGE), "--role", SEED_ROLE, "--competency", "strategy")
    assert "10 unchanged" in out
    assert "50 changed" in out
    assert "competency: [-project-management-] → {+strategy+}" in out
    assert "Dry run: nothing was written" in out
    assert Question.objects.in_competency("strategy").count() == 10


@pytest.mark.django_db
def test_importing_the_page_into_an_empty_bank_adds_every_question(db):
    call_command("loaddata", "competencies", "roles", verbosity=0)
    out = run(str(SEED_PAGE), "--role", SEED_ROLE, "--blocks", SEED_BLOCKS, "--commit")
    assert "60 new" in out
    assert "Imported." in out
    assert Question.objects.count() == 60
    assert Question.objects.in_competency("leadership").count() == 10
    assert Question.objects.for_role(SEED_ROLE).count() == 60
    version = Question.objects.first().history.get()
    assert version.history_change_reason == "Imported from e-commerce-operations-manager.txt"
    out = run(str(SEED_PAGE), "--role", SEED_ROLE, "--blocks", SEED_BLOCKS)
    assert "60 unchanged" in out


@pytest.mark.django_db
def test_a_question_already_in_the_bank_keeps_its_other_roles(
    tmp_path, pricing_question, ops_manager, strategy
):
    Role.objects.create(slug="buyer", title="Buyer")
    page = f"Title\n\nHeading\n\n{pricing_question.text}\n\n{pricing_question.guidance}\n"
    out = run(write_page(tmp_path, page), "--role", "buyer", "--competency", "strategy", "--commit")
    assert "1 changed" in out
    assert set(pricing_question.roles.values_list("slug", flat=True)) == {"buyer", "ops-manager"}


@pytest.mark.django_db
def test_a_page_with_an_error_imports_nothing_even_with_commit(tmp_path, ops_manager, strategy):
    page = SMALL_PAGE.replace(
        "Tell me about a time you improved pick accuracy.",
        "How do you plan a shift when two pickers call in SICK?",
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(
            write_page(tmp_path, page),
            "--role",
            "ops-manager",
            "--competency",
            "strategy",
            "--commit",
        )
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_errors_name_the_row_and_column(tmp_path, ops_manager, strategy, capsys):
    page = SMALL_PAGE.replace(
        "Tell me about a time you improved pick accuracy.",
        "How do you plan a shift when two pickers call in SICK?",
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions",
            write_page(tmp_path, page),
            "--role",
            "ops-manager",
            "--competency",
            "strategy",
            stdout=out,
        )
    assert "text: Same text as row 1 of this file." in out.getvalue()
    assert "2 rows: 1 new, 0 changed, 0 unchanged, 1 with errors." in out.getvalue()


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_gets_a_clear_message(tmp_path, ops_manager, strategy):
    path = tmp_path / "latin.txt"
    path.write_bytes(SMALL_PAGE.replace("sick", "malade, café").encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(str(path), "--role", "ops-manager", "--competency", "strategy")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "astronaut", "--competency", "strategy"], "Unknown role “astronaut”"),
        (["--role", "ops-manager", "--competency", "cooking"], "Unknown competency cooking"),
        (["--role", "ops-manager", "--blocks", "strategy", "--block-size", "1"], "cover only 1"),
    ],
)
def test_bad_arguments_are_explained(tmp_path, ops_manager, strategy, args, message):
    with pytest.raises(CommandError, match=message):
        run(write_page(tmp_path, SMALL_PAGE), *args)


@pytest.mark.django_db
def test_a_missing_file_is_explained(ops_manager, strategy):
    with pytest.raises(CommandError, match="Cannot read"):
        run("/nonexistent/page.txt", "--role", "ops-manager", "--competency", "strategy")
