"""The question bank: competencies, roles and the questions themselves."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify

SLUG_MAX_LENGTH = 80
# Long enough to read, short enough for a link; leaves room for a "-2" suffix.
SLUG_BASE_LENGTH = 60


class CompetencyManager(models.Manager["Competency"]):
    def get_by_natural_key(self, slug: str) -> "Competency":
        return self.get(slug=slug)


class Competency(models.Model):
    """One of the skills the bank is organised by, such as strategy or leadership."""

    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(help_text="One paragraph for interviewers: what this covers.")
    display_order = models.PositiveSmallIntegerField(
        unique=True, help_text="Competencies are listed in this order everywhere."
    )

    objects = CompetencyManager()

    class Meta:
        ordering = ["display_order"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("questions:competency", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class RoleManager(models.Manager["Role"]):
    def get_by_natural_key(self, slug: str) -> "Role":
        return self.get(slug=slug)


class Role(models.Model):
    """A job that questions are asked for."""

    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    title = models.CharField(max_length=200, unique=True)
    summary = models.TextField(blank=True, help_text="What the job is, in a paragraph.")

    objects = RoleManager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("questions:role", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class QuestionType(models.TextChoices):
    BEHAVIOURAL = "behavioural", "Behavioural"
    SITUATIONAL = "situational", "Situational"
    TECHNICAL = "technical", "Technical"
    APPROACH = "approach", "Approach"


class Level(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead"


class QuestionQuerySet(models.QuerySet["Question"]):
    def active(self) -> "QuestionQuerySet":
        return self.filter(is_active=True)

    def in_competency(self, slug: str) -> "QuestionQuerySet":
        return self.filter(competency__slug=slug)

    def for_role(self, slug: str) -> "QuestionQuerySet":
        return self.filter(roles__slug=slug)

    def for_listing(self) -> "QuestionQuerySet":
        """What a list of question cards needs, in a constant number of queries."""
        return self.select_related("competency")


class QuestionManager(models.Manager.from_queryset(QuestionQuerySet)):
    def get_queryset(self) -> QuestionQuerySet:
        # The search vector is only read inside SQL; loading it would make every list of
        # questions carry a few kilobytes per row for nothing.
        return super().get_queryset().defer("search_vector")

    def get_by_natural_key(self, slug: str) -> "Question":
        return self.get(slug=slug)


class Question(models.Model):
    """An interview question and the guidance on what a good answer shows."""

    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        help_text="Public identifier used in links and imports. Filled in from the text.",
    )
    text = models.TextField(help_text="The question as the interviewer asks it.")
    guidance = models.TextField(
        "what to look for",
        help_text="What a good answer shows. Interviewers read this during the interview.",
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="questions")
    roles = models.ManyToManyField(
        Role, related_name="questions", blank=True, help_text="The jobs this question is for."
    )
    question_type = models.CharField(
        "type",
        max_length=20,
        choices=QuestionType.choices,
        default=QuestionType.BEHAVIOURAL,
        help_text="Behavioural asks about the past; situational about a scenario; "
        "technical about knowledge; approach about how the candidate works.",
    )
    level = models.CharField(
        max_length=20,
        choices=Level.choices,
        default=Level.MID,
        help_text="The seniority the question is pitched at.",
    )
    minutes = models.PositiveSmallIntegerField(
        default=5, help_text="Suggested time for the question and follow-ups, in minutes."
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Retired questions stay in existing kits but are no longer offered.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Stored so the GIN index can serve search; PostgreSQL recomputes it on every write.
    # The literal "english" config keeps the expression immutable, as a generated column
    # requires. Not serialised: dumps and fixtures carry the words, not their index.
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english", weight="A")
        + SearchVector("guidance", config="english", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
        serialize=False,
    )

    objects = QuestionManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("text"),
                name="question_unique_text_ci",
                violation_error_message="A question with this text is already in the bank.",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=120),
                name="question_minutes_between_1_and_120",
                violation_error_message="Minutes must be between 1 and 120.",
            ),
        ]
        indexes = [
            models.Index(fields=["competency", "id"], name="question_competency_idx"),
            GinIndex(fields=["search_vector"], name="question_search_vector_idx"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_question_slug(self.text, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


def unique_question_slug(text: str, *, exclude_pk: int | None = None) -> str:
    """A readable slug from the first words of the text, numbered if already taken."""
    base = slugify(text)[:SLUG_BASE_LENGTH].rstrip("-")
    if len(slugify(text)) > len(base):
        base = base.rsplit("-", 1)[0] or base
    base = base or "question"
    others = Question.objects.exclude(pk=exclude_pk) if exclude_pk else Question.objects.all()
    slug, number = base, 2
    while others.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class SearchTerm(models.Model):
    """A distinct word of the bank's active questions, for correcting typos in searches.

    Written only by database triggers on the question table (see migration 0003), so it
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
