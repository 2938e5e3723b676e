"""The bank's models: competencies, roles and questions."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from questions.links import slug_url

SLUG_MAX_LENGTH = 80
# Question text is in a case-insensitive unique index, whose entries PostgreSQL caps at
# about 2,700 bytes: a limit here turns an over-long question into a form error, not a crash.
QUESTION_TEXT_MAX_LENGTH = 500
# The full-text index keys each question by its shard of this many ids as well as by its
# words, so that a search for words common together can look in the newest shards alone
# and skip straight to them in the words' lists (questions/search/planning.py).
SEARCH_SHARD_IDS = 2**17
GUIDANCE_MAX_LENGTH = 4000
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("questions:competency", self.slug)

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("questions:role", self.slug)

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

    def with_usage(self) -> "QuestionQuerySet":
        """Annotate how many kits use each question and when it was last added to one.

        `kit_count` counts every kit, anyone's, archived ones too; `last_added_to_kit` is
        None for a question no kit uses. Both come in the same query as the questions.
        """
        return self.annotate(
            # Distinct, so joins added by other filters (roles, say) cannot inflate it.
            kit_count=models.Count("kit_items", distinct=True),
            last_added_to_kit=models.Max("kit_items__added_at"),
        )


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
    text = models.TextField(
        help_text="The question as the interviewer asks it.",
        validators=[MaxLengthValidator(QUESTION_TEXT_MAX_LENGTH)],
    )
    guidance = models.TextField(
        "what to look for",
        validators=[MaxLengthValidator(GUIDANCE_MAX_LENGTH)],
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
    retired_reason = models.CharField(
        "why it was retired",
        max_length=500,
        blank=True,
        # Also for rows written outside the ORM (bench_data's COPY, restores).
        default="",
        db_default="",
        help_text="For editors: what was wrong with it (too easy, answers going around…).",
    )
    alternates = models.ManyToManyField(
        "self",
        blank=True,
        help_text="Questions that test the same thing: balancing with rotation takes the "
        "least asked of them, and never two of them in one kit.",
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
    # Every save keeps a version (who, when, what); the update time is left out because it
    # changes on every save and would show as a difference between any two versions.
    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    class Meta:
        ordering = ["id"]
        permissions = [
            ("import_question", "Can import questions from a file"),
            ("export_question", "Can export questions to a file"),
        ]
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
            # Pages list and count the questions on offer by competency in id order: this
            # index answers that alone, without reading the table. is_active is carried, not
            # searchable: as a condition of its own (a partial index, or a key column a skip
            # scan can use), search, which turns sequential scans off, could read the whole
            # index in place of the full-text one.
            models.Index(
                fields=["competency", "id"],
                include=["is_active"],
                name="question_competency_active_idx",
            ),
            # It answers conditions on the words alone as well as with the shard.
            GinIndex(
                models.ExpressionWrapper(
                    models.F("id") / SEARCH_SHARD_IDS, output_field=models.BigIntegerField()
                ),
                "search_vector",
                name="question_search_vector_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_question_slug(self.text, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("questions:detail", self.slug)

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
