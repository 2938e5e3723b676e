"""Interview kits and their questions."""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse

from questions.bank.models import Competency, Question, Role

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


# The note box on the builder: about this many characters fit on a row; it grows to at most
# this many rows (beyond that it scrolls).
NOTE_CHARACTERS_PER_ROW = 60
NOTE_MAX_ROWS = 15


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
    def note_rows(self) -> int:
        """Rows for the note box, so it opens showing the whole note (up to a screenful)."""
        wrapped = sum(1 + len(line) // NOTE_CHARACTERS_PER_ROW for line in self.note.splitlines())
        return min(max(2, wrapped), NOTE_MAX_ROWS)

    @property
    def changed_in_bank(self) -> bool:
        """The bank's wording differs from the kit's, and the owner has not seen this version."""
        current = (self.question.text, self.question.guidance)
        return current != (self.pinned_text, self.pinned_guidance) and current != (
            self.seen_text,
            self.seen_guidance,
        )
