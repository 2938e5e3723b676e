"""bench_data: synthetic banks for `make bench` — realistic rows, kits, refusal, and search."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from questions.benchmarks.copying import BENCH_PREFIX
from questions.benchmarks.fill import BenchDataRefused, bench_data_fill
from questions.benchmarks.wording import bench_words, tail_word
from questions.models import Competency, Kit, Question, Role, SearchTerm
from questions.search.queries import question_search

pytestmark = pytest.mark.django_db

SEED = json.loads((Path(settings.FIXTURE_DIRS[0]) / "questions.json").read_text())


@pytest.fixture
def bank(db):
    """200 synthetic questions and 5 kits, as `bench_data --questions 200 --kits 5` writes."""
    return bench_data_fill(questions=200, kits=5)


def words_of(text: str) -> set[str]:
    return {word.strip("\"'.,;:!?()").lower() for word in text.split()}


def test_it_fills_an_empty_database_with_marked_synthetic_questions(bank):
    assert Question.objects.count() == 200
    assert not Question.objects.exclude(slug__startswith=BENCH_PREFIX).exists()
    assert bank.questions == 200
    assert 180 <= bank.active < 200  # a few are retired, as in a real bank
    assert set(Competency.objects.values_list("slug", flat=True)) == {
        "strategy",
        "project-management",
        "data-analysis",
        "technical",
        "customer-service",
        "leadership",
    }
    assert Question.objects.values("competency").distinct().count() == 6
    assert not Role.objects.exclude(slug__startswith=BENCH_PREFIX).exists()
    with_roles = Question.objects.annotate(n=Count("roles")).filter(n__gte=1).count()
    assert 140 <= with_roles < 200


def test_its_questions_read_like_the_seed_with_guidance_of_realistic_length(bank):
    seed_words = set().union(
        *(words_of(f"{q['fields']['text']} {q['fields']['guidance']}") for q in SEED)
    )
    for question in Question.objects.all():
        assert question.text[-1] in "?."
        assert 8 <= len(question.text.split()) <= 60
        assert 12 <= len(question.guidance.split()) <= 140
        # Every word is the seed's, apart from the made-up names of products and teams.
        strangers = words_of(question.text) - seed_words
        assert len(strangers) <= 2, question.text
    lengths = sorted(len(q.guidance.split()) for q in Question.objects.all())
    assert 20 <= lengths[len(lengths) // 2] <= 50  # the seed's median is 27 words


def test_its_words_spread_like_natural_language(bank):
    """A few words in most questions, most in very few: rare, mid and common words."""
    active = Question.objects.active().count()
    counts = sorted(SearchTerm.objects.values_list("document_count", flat=True))
    assert counts[len(counts) // 2] / active < 0.05
    assert sum(1 for count in counts if count <= 2) / len(counts) > 0.15
    common = SearchTerm.objects.get(word=bench_words()["common"]).document_count
    assert common / active > 0.4


def test_the_rare_word_is_a_made_up_name_from_the_long_tail():
    words = bench_words()
    assert words["rare"] == tail_word(270)
    assert words["rare"].isalpha() and words["rare"].islower()
    assert len({tail_word(rank) for rank in range(1, 1001)}) == 1000


def test_kits_hold_5_to_60_questions_and_the_first_holds_60(bank):
    kits = Kit.objects.annotate(n=Count("items")).order_by("id")
    assert len(kits) == 5
    assert kits[0].n == 60
    assert all(5 <= kit.n <= 60 for kit in kits)
    assert all(kit.owner.username.startswith(BENCH_PREFIX) for kit in kits)
    assert kits[0].owner.has_perm("questions.add_kit")
    for kit in kits:
        items = list(kit.items.select_related("question"))
        assert [item.position for item in items] == list(range(1, len(items) + 1))
        assert all(item.pinned_text == item.question.text for item in items)
        used = {item.question.competency_id for item in items}
        assert used <= set(kit.competencies.values_list("id", flat=True))


def test_kits_are_capped_by_the_questions_there_are(db):
    bench_data_fill(questions=20, kits=3)
    for kit in Kit.objects.annotate(n=Count("items")):
        assert kit.n <= 20


def test_search_finds_the_generated_questions_and_corrects_their_misspellings(bank):
    common = question_search(bench_words()["common"])
    assert common.total >= 50 and common.questions

    name = next(
        word
        for word in SearchTerm.objects.order_by("document_count", "word").values_list(
            "word", flat=True
        )
        if word.isalpha() and word not in words_of(" ".join(q["fields"]["text"] for q in SEED))
    )
    found = question_search(name)
    assert found.total >= 1
    assert name in found.questions[0].text.lower() + found.questions[0].guidance.lower()

    corrected = question_search("custmer")
    assert corrected.corrected_query == "customer"
    assert corrected.total > 0


def test_the_vocabulary_trigger_is_on_again_after_the_fill(bank):
    question = Question.objects.first()
    question.text = "How would you run a zyxwvut pilot?"
    question.save()
    assert SearchTerm.objects.filter(word="zyxwvut", document_count=1).exists()


def test_the_vocabulary_matches_a_recount_from_scratch(bank):
    before = set(SearchTerm.objects.values_list("word", "lexeme", "document_count"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT questions_searchterm_rebuild()")
    assert set(SearchTerm.objects.values_list("word", "lexeme", "document_count")) == before


def test_a_second_fill_replaces_the_first(bank):
    bench_data_fill(questions=30, kits=1)
    assert Question.objects.count() == 30
    assert Kit.objects.count() == 1
    assert Question.objects.order_by("id").first().id == 1


def test_the_same_size_gives_the_same_bank(db):
    bench_data_fill(questions=50, kits=1)
    first = list(Question.objects.values_list("slug", "text", "guidance"))
    bench_data_fill(questions=50, kits=1)
    assert list(Question.objects.values_list("slug", "text", "guidance")) == first


def test_it_refuses_a_database_with_real_questions_and_changes_nothing(seed_bank):
    with pytest.raises(BenchDataRefused, match="60 question"):
        bench_data_fill(questions=100, kits=2)
    assert Question.objects.count() == 60
    assert not Question.objects.filter(slug__startswith=BENCH_PREFIX).exists()
    assert not Role.objects.filter(slug__startswith=BENCH_PREFIX).exists()


def test_the_command_fills_and_reports(db):
    out = io.StringIO()
    call_command("bench_data", questions=200, kits=5, stdout=out)
    assert Question.objects.count() == 200
    assert Kit.objects.count() == 5
    assert "Wrote 200 synthetic questions" in out.getvalue()


def test_the_command_reads_sizes_like_1k(db):
    call_command("bench_data", "--questions", "1k", "--kits", "0", stdout=io.StringIO())
    assert Question.objects.count() == 1000
    assert Kit.objects.count() == 0


def test_the_command_refuses_a_seeded_database_with_a_clear_message(seed_bank):
    with pytest.raises(CommandError, match="not a benchmark database"):
        call_command("bench_data", questions=200, stdout=io.StringIO())


def test_the_command_rejects_sizes_that_are_not_numbers(db):
    with pytest.raises(CommandError, match="not a number"):
        call_command("bench_data", "--questions", "lots", stdout=io.StringIO())
