"""Meaning-based search: vectors kept current, the closest questions when no word matches,
meaning lifting paraphrases in a relaxed search, and a fallback without pgvector."""

import io

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from questions.models import Question, QuestionVector
from questions.search import embeddings, meaning
from questions.search.queries import question_search
from tests.helpers import token_client
from tests.search.search_helpers import make_question, slugs

MOTIVATE = "what-methods-do-you-use-to-motivate-your-team-and-foster-a"


@pytest.fixture
def no_pgvector(monkeypatch):
    """Search as on a server without pgvector: vectors compared in SQL."""
    monkeypatch.setitem(meaning._pgvector, connection.alias, False)


@pytest.fixture
def no_model(monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    meaning.query_vector.cache_clear()
    yield
    meaning.query_vector.cache_clear()


class TestEncoder:
    def test_vectors_are_unit_length_and_repeatable(self):
        vectors = embeddings.encode(["How do you calm an angry customer?", "AOV"])
        assert vectors.shape == (2, embeddings.DIMENSIONS)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        assert np.array_equal(
            vectors, embeddings.encode(["How do you calm an angry customer?", "AOV"])
        )

    def test_alike_sentences_are_nearer_than_unlike_ones(self):
        angry, unhappy, security = embeddings.encode(
            [
                "How do you calm an angry customer?",
                "Tell me about a dissatisfied client you won back.",
                "Describe how you manage cybersecurity risks.",
            ]
        )
        assert angry @ unhappy > angry @ security + 0.2

    def test_batches_give_the_same_vectors_as_one_at_a_time(self):
        texts = [f"Question number {n} about inventory and logistics" for n in range(40)]
        together = embeddings.encode(texts)
        alone = np.stack([embeddings.encode_one(text) for text in texts])
        assert np.allclose(together, alone, atol=1e-5)

    def test_the_weights_are_mapped_from_the_file_not_copied(self):
        from safetensors.numpy import load_file

        mapped = embeddings._model().w
        stored = load_file(str(embeddings.model_folder() / "model.safetensors"))
        assert mapped.keys() == stored.keys()
        for name, tensor in stored.items():
            assert np.array_equal(mapped[name], tensor), name
            # A view of the mapping: shared by server processes, read in only where used.
            assert not mapped[name].flags.writeable and not mapped[name].flags.owndata, name


class TestVectors:
    def test_every_seed_question_has_a_current_vector(self, seed_bank):
        assert QuestionVector.objects.count() == Question.objects.count() == 60
        stale = [
            v
            for v in QuestionVector.objects.select_related("question")
            if v.source_hash != meaning.source_hash(v.question.text)
        ]
        assert stale == []

    def test_a_vector_follows_the_wording_and_goes_with_the_question(
        self, strategy, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            question = make_question(strategy, "How do you calm an angry customer?")
        first = QuestionVector.objects.get(question=question).embedding
        with django_capture_on_commit_callbacks(execute=True):
            question.minutes = 9
            question.save()
        assert QuestionVector.objects.get(question=question).embedding == first
        with django_capture_on_commit_callbacks(execute=True):
            question.text = "Describe how you manage cybersecurity risks."
            question.save()
        assert QuestionVector.objects.get(question=question).embedding != first
        question.delete()
        assert not QuestionVector.objects.exists()

    def test_the_command_encodes_what_bypassed_the_orm(self, strategy):
        question = make_question(strategy, "How do you calm an angry customer?")
        QuestionVector.objects.all().delete()
        call_command("embed_questions", stdout=io.StringIO())
        vector = QuestionVector.objects.get(question=question)
        assert vector.source_hash == meaning.source_hash(question.text)


class TestClosest:
    QUERY = "personnel enthusiasm"

    def test_with_no_word_match_the_closest_questions_by_meaning_are_shown(self, seed_bank):
        result = question_search(self.QUERY)
        assert result.questions == [] and result.total == 0
        assert MOTIVATE in [q.slug for q in result.closest[:3]]
        assert all(q.by_meaning for q in result.closest)

    def test_unrelated_questions_are_not_offered(self, strategy):
        make_question(strategy, "Describe how you manage cybersecurity risks.")
        assert question_search("birthday cake recipes").closest == []

    def test_filters_apply_to_the_closest_questions(self, seed_bank):
        result = question_search(self.QUERY, competency="technical")
        assert {q.competency.slug for q in result.closest} <= {"technical"}

    def test_the_page_labels_them(self, seed_bank, recruiter_client):
        page = recruiter_client.get(reverse("questions:search"), {"q": self.QUERY}).content.decode()
        assert "close in meaning" in page
        assert f'id="q-{MOTIVATE}"' in page

    def test_the_api_returns_them_in_the_same_order(self, seed_bank, recruiter):
        body = token_client(recruiter).get("/api/v1/questions/", {"search": self.QUERY}).json()
        assert body["search"]["closest_in_meaning"] is True
        assert [item["slug"] for item in body["results"]] == slugs(question_search(self.QUERY))[
            :0
        ] + [q.slug for q in question_search(self.QUERY).closest]

    def test_without_pgvector_the_same_questions_come_back(self, seed_bank, no_pgvector):
        with_sql = [q.slug for q in question_search(self.QUERY).closest]
        meaning._pgvector.clear()
        cache.clear()
        with_index = [q.slug for q in question_search(self.QUERY).closest]
        # The index compares in single precision and the SQL in double: near-ties may swap.
        assert sorted(with_sql) == sorted(with_index)

    def test_without_the_model_search_uses_words_and_says_so(self, seed_bank, no_model):
        result = question_search(self.QUERY)
        assert result.closest == []
        assert meaning.UNAVAILABLE in result.notices
        assert slugs(question_search("inventory"))  # words still work


class TestFusion:
    PARAPHRASE = "keeping staff happy and energised"

    def test_meaning_lifts_a_paraphrase_into_the_first_results(self, seed_bank):
        assert MOTIVATE in slugs(question_search(self.PARAPHRASE, limit=5))

    def test_without_meaning_the_paraphrase_misses(self, seed_bank, no_model):
        assert MOTIVATE not in slugs(question_search(self.PARAPHRASE, limit=5))

    def test_questions_with_every_word_still_come_first(self, seed_bank):
        result = question_search("risk management")
        assert result.complete == 2
        assert set(slugs(result)[:2]) == {
            "explain-the-role-of-risk-management-in-project-management",
            "describe-your-process-for-managing-cybersecurity-risks-in",
        }
