"""What search reads beside the questions: the vocabulary, English words, sentence vectors
and curated synonyms."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from questions.bank.models import Question
from questions.search.synonyms import SynonymError, normalised_entry


class SearchTerm(models.Model):
    """A distinct word of the bank's active questions, for correcting typos in searches.

    Written only by database triggers on the question table (see migration 0005), so it
    stays right however questions change: saves, bulk updates, fixture loads, raw SQL.
    """

    word = models.CharField(max_length=40, unique=True)
    lexeme = models.CharField(
        max_length=40,
        blank=True,
        help_text="The English stem, to recognise inflected forms; blank for stop words.",
    )
    # Not a PositiveIntegerField: a CHECK failing inside a trigger would block the question
    # write itself; the trigger deletes words whose count reaches zero instead.
    document_count = models.IntegerField(help_text="How many active questions use the word.")

    class Meta:
        ordering = ["word"]
        indexes = [
            GinIndex(fields=["word"], name="searchterm_word_trgm_idx", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["lexeme"], name="searchterm_lexeme_idx"),
        ]

    def __str__(self) -> str:
        return self.word


class EnglishWord(models.Model):
    """A word of English, which a search never "corrects" into a bank word.

    "store" is not a typo of "restore", nor "retail" of "detail": a recruiter's own word
    that the bank lacks is searched as typed (and widened by related words), never swapped.
    Filled by migration 0012 from the word list of the pinned `pyspellchecker` package;
    only words a search would otherwise try to correct (letters only, at least four).
    """

    word = models.CharField(max_length=40, primary_key=True)

    def __str__(self) -> str:
        return self.word


class RealField(models.FloatField):
    """A single-precision float: half the room of a double, all a sentence vector needs."""

    def db_type(self, connection) -> str:
        return "real"


class QuestionVector(models.Model):
    """A question's sentence vector, for meaning-based search (`questions.search.meaning`).

    Written when the question is saved (`questions.search.meaning.refresh_vectors`). Where the
    server has pgvector, migration 0014 adds an HNSW index over the vector; elsewhere search
    compares vectors itself (see the README's "Meaning-based search").
    """

    question = models.OneToOneField(
        Question, primary_key=True, on_delete=models.CASCADE, related_name="vector"
    )
    # Which model encoded which wording: a vector is renewed when either changes.
    source_hash = models.CharField(max_length=64)
    embedding = ArrayField(RealField(), size=384)

    def __str__(self) -> str:
        return f"Vector of question {self.question_id}"


class SynonymKind(models.TextChoices):
    ONE_WAY = "one-way", "One-way: the term also finds its synonyms"
    TWO_WAY = "two-way", "Two-way: each word or phrase finds all the others"
    ABBREVIATION = "abbreviation", "Abbreviation: the short form and what it stands for"


class Synonym(models.Model):
    """Words recruiters use for what the bank words differently, curated by editors.

    A search widens each term with its synonyms (`questions.search.synonyms`): "aov" also finds
    "average order value". One-way entries widen only from `term` ("shopper" finds
    "customer", not the reverse); two-way entries and abbreviations widen every way.
    Any change bumps the bank version (migration 0013's trigger), so searches use it at once.
    """

    term = models.CharField(
        max_length=60,
        help_text="A word or short phrase as a recruiter types it (for an abbreviation: the "
        "short form).",
    )
    synonyms = models.CharField(
        max_length=300,
        help_text='Comma-separated words or phrases, e.g. "average order value, basket value".',
    )
    kind = models.CharField(max_length=12, choices=SynonymKind.choices, default=SynonymKind.ONE_WAY)
    added_by_project = models.BooleanField(
        default=False,
        help_text="Part of the set the project ships, rather than an editor's own addition.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["term", "kind"], name="synonym_term_kind_unique")
        ]

    def __str__(self) -> str:
        arrow = "→" if self.kind == SynonymKind.ONE_WAY else "↔"
        return f"{self.term} {arrow} {self.synonyms}"

    def clean(self) -> None:
        try:
            self.term, self.synonyms = normalised_entry(self.term, self.synonyms)
        except SynonymError as error:
            raise ValidationError({error.field: error.message}) from error
