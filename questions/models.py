"""The question bank: competencies, roles and the questions themselves."""

from uuid import uuid4

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from questions.links import slug_url
from questions.search.synonyms import SynonymError, normalised_entry

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


# Interview kits -------------------------------------------------------------------------

KIT_TARGET_MIN, KIT_TARGET_MAX = 5, 480
KIT_ITEM_MINUTES_MIN, KIT_ITEM_MINUTES_MAX = 1, 120


class KitQuerySet(models.QuerySet["Kit"]):
    def owned_by(self, user) -> "KitQuerySet":
        return self.filter(owner_id=user.pk)

    def active(self) -> "KitQuerySet":
        return self.filter(is_archived=False)

    def archived(self) -> "KitQuerySet":
        return self.filter(is_archived=True)

    def with_totals(self) -> "KitQuerySet":
        """Question count, minutes and items needing attention, in the same query."""
        changed = (
            ~models.Q(items__pinned_text=models.F("items__question__text"))
            | ~models.Q(items__pinned_guidance=models.F("items__question__guidance"))
        ) & ~models.Q(
            items__seen_text=models.F("items__question__text"),
            items__seen_guidance=models.F("items__question__guidance"),
        )
        return self.select_related("role").annotate(
            item_count=models.Count("items"),
            total_minutes=Coalesce(models.Sum("items__minutes"), 0),
            changed_count=models.Count("items", filter=changed),
            retired_count=models.Count("items", filter=models.Q(items__question__is_active=False)),
        )


class Kit(models.Model):
    """The questions one interviewer asks, in order, with time boxes and prep notes."""

    code = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="kits"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kits"
    )
    notes = models.TextField(
        "interview prep notes",
        blank=True,
        help_text="For the interviewer: the purpose of this interview and what to cover.",
    )
    target_minutes = models.PositiveSmallIntegerField(
        "target duration",
        default=45,
        help_text="The length of the interview slot, in minutes.",
    )
    competencies = models.ManyToManyField(
        Competency,
        blank=True,
        related_name="kits",
        help_text="The competencies this interview should cover.",
    )
    is_archived = models.BooleanField("archived", default=False)
    # None while sharing is off. Separate from `code` so a link can be revoked and reissued.
    share_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KitQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    target_minutes__gte=KIT_TARGET_MIN, target_minutes__lte=KIT_TARGET_MAX
                ),
                name="kit_target_minutes_in_range",
                violation_error_message=(
                    f"The target duration must be between {KIT_TARGET_MIN} and "
                    f"{KIT_TARGET_MAX} minutes."
                ),
            ),
        ]
        indexes = [models.Index(fields=["owner", "is_archived"], name="kit_owner_archived_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("questions:kit-detail", args=[self.code])

    @property
    def is_shared(self) -> bool:
        return bool(self.share_token)


class KitItem(models.Model):
    """One question in a kit, with the wording it was added with."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="items")
    # A question in use is retired, never deleted, so kits keep their history.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="kit_items")
    position = models.PositiveIntegerField()
    minutes = models.PositiveSmallIntegerField()
    note = models.TextField("interviewer note", blank=True)
    # The question's wording when it was added (or last accepted): what interviewers see.
    pinned_text = models.TextField()
    pinned_guidance = models.TextField()
    # The question's rating scale then (levels 1 to 5), or empty: what the scorecard shows.
    pinned_anchors = models.JSONField(default=list, blank=True)
    # A bank wording the owner saw and chose not to take; the flag stays off while it is current.
    seen_text = models.TextField(blank=True)
    seen_guidance = models.TextField(blank=True)
    # When the question went into this kit: editors see how recently each question was chosen.
    added_at = models.DateTimeField("added", auto_now_add=True)

    class Meta:
        ordering = ["kit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["kit", "question"],
                name="kititem_unique_question_per_kit",
                violation_error_message="This question is already in the kit.",
            ),
            # Deferred to commit so a reorder can pass through a moment of shared positions.
            models.UniqueConstraint(
                fields=["kit", "position"],
                name="kititem_unique_position_per_kit",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1),
                name="kititem_position_from_1",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    minutes__gte=KIT_ITEM_MINUTES_MIN, minutes__lte=KIT_ITEM_MINUTES_MAX
                ),
                name="kititem_minutes_between_1_and_120",
                violation_error_message="Minutes must be between 1 and 120.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kit} #{self.position}: {self.question}"

    @property
    def is_retired(self) -> bool:
        return not self.question.is_active

    @property
    def changed_in_bank(self) -> bool:
        """The bank's wording differs from the kit's, and the owner has not seen this version."""
        current = (self.question.text, self.question.guidance)
        return current != (self.pinned_text, self.pinned_guidance) and current != (
            self.seen_text,
            self.seen_guidance,
        )


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


class ImportUpload(models.Model):
    """A file uploaded to the admin's import, kept between its preview and its confirmation.

    In the database rather than a temporary folder: with several app servers behind a load
    balancer, the confirmation may reach a different server from the preview.
    """

    name = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


# Loops, candidates and scorecards live in their own package; imported here so Django
# registers them with this app.
from questions.scorecards.models import (  # noqa: E402, F401
    Candidate,
    Loop,
    LoopInterview,
    Rating,
    RatingScale,
    Scorecard,
)
