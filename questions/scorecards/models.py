"""Interview loops, candidates, scorecards and the rating scales they use.

A candidate is an opaque reference (an ATS id, initials) and an optional display name:
nothing else about a person is stored. Deleting a candidate deletes their scorecards.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from questions.bank.models import Competency, Question, Role
from questions.kits.models import Kit

LEVELS = (1, 2, 3, 4, 5)
# The scale every kit prints and every scorecard rates on: level, name, and what the level
# means for a question whose editors have not anchored its scale yet.
RATING_SCALE = [
    (1, "Does not meet", "No evidence of what to look for."),
    (2, "Partly meets", "Some evidence, with clear gaps or only when prompted."),
    (3, "Meets", "Clear, specific evidence of what to look for."),
    (4, "Exceeds", "Strong evidence, offered unprompted, with results."),
    (5, "Far exceeds", "Exceptional: strong evidence and insight beyond what the role needs."),
]
GENERIC_ANCHORS = [meaning for _, _, meaning in RATING_SCALE]
ANCHOR_MAX_LENGTH = 300


class RatingScaleManager(models.Manager["RatingScale"]):
    def get_by_natural_key(self, question_slug: str) -> RatingScale:
        return self.get(question__slug=question_slug)


class RatingScale(models.Model):
    """A behaviourally anchored scale of 1 to 5 for one question: what each level looks like."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="rating_scale")
    level_1 = models.CharField("1", max_length=ANCHOR_MAX_LENGTH)
    level_2 = models.CharField("2", max_length=ANCHOR_MAX_LENGTH)
    level_3 = models.CharField("3", max_length=ANCHOR_MAX_LENGTH)
    level_4 = models.CharField("4", max_length=ANCHOR_MAX_LENGTH)
    level_5 = models.CharField("5", max_length=ANCHOR_MAX_LENGTH)
    added_by_project = models.BooleanField(
        default=False,
        help_text="Part of the set the project ships with the seed bank (not from its source "
        "page), rather than an editor's own addition.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RatingScaleManager()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Rating scale for {self.question}"

    def natural_key(self) -> tuple[str]:
        return self.question.natural_key()

    natural_key.dependencies = ["questions.question"]

    @property
    def anchors(self) -> list[str]:
        return [getattr(self, f"level_{level}") for level in LEVELS]


class LoopQuerySet(models.QuerySet["Loop"]):
    def owned_by(self, user) -> LoopQuerySet:
        return self.filter(owner_id=user.pk)

    def visible_to(self, user) -> LoopQuerySet:
        """Loops the person owns or interviews in: anyone else never learns they exist."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(owner_id=user.pk) | Q(pk__in=LoopInterview.objects.assigned_to(user).values("loop"))
        )


class Loop(models.Model):
    """The interviews a candidate for a role goes through, e.g. "Ops Manager — onsite"."""

    code = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="loops"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="loops",
        help_text="The hiring manager: sees every scorecard and the debrief.",
    )
    competencies = models.ManyToManyField(
        Competency,
        blank=True,
        related_name="loops",
        help_text="What the loop must assess, for the coverage check; none means all of them.",
    )
    # The candidate prep packet's link: None while it is off (the default), a new value when
    # it is replaced, so a link given out can always be taken back.
    prep_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LoopQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class LoopInterviewQuerySet(models.QuerySet["LoopInterview"]):
    def assigned_to(self, user) -> LoopInterviewQuerySet:
        return self.filter(interviewers=user.pk)


class LoopInterview(models.Model):
    """One interview of a loop: a kit and who asks it."""

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="interviews")
    # A kit in a loop is archived, not deleted, while scorecards may refer to its questions.
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="loop_interviews")
    position = models.PositiveSmallIntegerField()
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="loop_interviews"
    )

    objects = LoopInterviewQuerySet.as_manager()

    class Meta:
        ordering = ["loop", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["loop", "kit"],
                name="loopinterview_unique_kit_per_loop",
                violation_error_message="This kit is already an interview of the loop.",
            ),
            models.UniqueConstraint(
                fields=["loop", "position"],
                name="loopinterview_unique_position_per_loop",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loop}: {self.kit}"


class Candidate(models.Model):
    """Someone going through a loop, known only by a reference the hiring team chooses."""

    code = models.UUIDField(default=uuid4, unique=True, editable=False)
    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="candidates")
    reference = models.CharField(
        max_length=64,
        help_text="An opaque reference: an applicant-tracking id or initials. "
        "No CVs or contact details are stored here.",
    )
    display_name = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loop", "reference"],
                name="candidate_unique_reference_per_loop",
                violation_error_message="This loop already has a candidate with that reference.",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.reference


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class Scorecard(models.Model):
    """One interviewer's ratings of one candidate in one interview of the loop."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scorecards")
    interview = models.ForeignKey(
        LoopInterview, on_delete=models.CASCADE, related_name="scorecards"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecards"
    )
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    amended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["interview__position", "interviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "interview", "interviewer"],
                name="scorecard_one_per_interviewer_and_interview",
            )
        ]

    def __str__(self) -> str:
        return f"{self.interviewer} on {self.candidate} ({self.interview.kit})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Rating(models.Model):
    """A scorecard's rating of one question, with the wording and anchors the interviewer had."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="ratings")
    position = models.PositiveSmallIntegerField()
    pinned_text = models.TextField()
    pinned_guidance = models.TextField()
    pinned_anchors = models.JSONField(default=list, blank=True)
    # None while not rated: a submitted scorecard has a level or "not asked" on every question.
    level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(LEVELS[0]), MaxValueValidator(LEVELS[-1])],
    )
    not_asked = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scorecard", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "question"], name="rating_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="rating_level_1_to_5",
                violation_error_message="A rating is from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(not_asked=False),
                name="rating_not_asked_has_no_level",
                violation_error_message="A question not asked has no rating.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard}: {self.question} = {self.level or 'not rated'}"

    @property
    def anchors(self) -> list[str]:
        """The scale the interviewer was given: the question's own, or the generic one."""
        return self.pinned_anchors or GENERIC_ANCHORS

    @property
    def anchor(self) -> str:
        return self.anchors[self.level - 1] if self.level else ""
