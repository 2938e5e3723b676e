"""What the API shows of loops, candidates, scorecards and debriefs, and what it accepts.

Serializers only parse and present: every change is a `questions.scorecards.rules` call,
made by the scorecard API (api.py, api_candidates.py, api_scorecards.py), so the API keeps
exactly the rules the pages keep.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from questions.api.fields import (
    SlugChoiceField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from questions.models import Competency, Kit, Role
from questions.scorecards import rules
from questions.scorecards.forms import interviewer_choices
from questions.scorecards.models import (
    LEVELS,
    Candidate,
    Loop,
    LoopInterview,
    Rating,
    Recommendation,
    Scorecard,
)

ID_MAX = 2**63 - 1
EVIDENCE_MAX_LENGTH = 5000


class UsernameChoiceField(serializers.SlugRelatedField):
    """A person named by their username, among those who may fill scorecards."""

    default_error_messages = {
        "does_not_exist": "“{value}” is not someone who can interview: ask an admin to add "
        "them to the Interviewer group.",
        "invalid": "Give a person as their username.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="username", queryset=interviewer_choices(), **kwargs)

    def to_internal_value(self, data: object) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Reading --------------------------------------------------------------------------------


class InterviewSerializer(serializers.ModelSerializer):
    """One interview of a loop: the kit asked and who asks it."""

    kit = serializers.IntegerField(
        source="kit_id", read_only=True, help_text="The kit's id (readable by its owner)."
    )
    kit_title = serializers.CharField(source="kit.title", read_only=True)
    interviewers = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True, help_text="Who asks this interview."
    )

    class Meta:
        model = LoopInterview
        fields = ["id", "position", "kit", "kit_title", "interviewers"]


class LoopCoverageSerializer(serializers.Serializer):
    """What the coverage check warns about."""

    uncovered = serializers.ListField(
        child=serializers.CharField(),
        help_text="Slugs of competencies the loop must assess that no interview asks about.",
    )
    repeated = serializers.ListField(
        child=serializers.DictField(),
        help_text="Questions asked in more than one interview: `text` and `interviews` (ids).",
    )


class LoopSummarySerializer(serializers.ModelSerializer):
    """A loop with its interviews in order, as lists show it."""

    id = serializers.UUIDField(source="code", read_only=True, help_text="The loop's id.")
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    owner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="The hiring manager."
    )
    competencies = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="What the loop must assess; empty means every competency.",
    )
    interviews = InterviewSerializer(many=True, read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    updated = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = Loop
        fields = [
            "id",
            "title",
            "role",
            "owner",
            "competencies",
            "interviews",
            "created",
            "updated",
        ]


class LoopSerializer(LoopSummarySerializer):
    """A loop with its interviews in order and its coverage warnings."""

    coverage = serializers.SerializerMethodField()

    class Meta(LoopSummarySerializer.Meta):
        fields = [*LoopSummarySerializer.Meta.fields, "coverage"]

    @extend_schema_field(LoopCoverageSerializer)
    def get_coverage(self, loop: Loop) -> dict:
        found = rules.coverage(loop)
        return {
            "uncovered": [competency.slug for competency in found["uncovered"]],
            "repeated": [
                {"text": repeat["text"], "interviews": [i.pk for i in repeat["interviews"]]}
                for repeat in found["repeated"]
            ],
        }


class ScorecardStatusSerializer(serializers.Serializer):
    """Where one interviewer's scorecard for a candidate stands."""

    interview = serializers.IntegerField()
    interviewer = serializers.CharField()
    status = serializers.ChoiceField(choices=["not_started", "draft", "submitted"])
    scorecard = serializers.IntegerField(
        allow_null=True, help_text="The scorecard's id, when you may read it; else null."
    )


class CandidateSerializer(serializers.ModelSerializer):
    """A candidate: a reference, an optional display name, and their scorecards' status."""

    id = serializers.UUIDField(source="code", read_only=True, help_text="The candidate's id.")
    loop = serializers.UUIDField(source="loop.code", read_only=True)
    scorecards = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "loop", "reference", "display_name", "scorecards", "created"]

    @extend_schema_field(ScorecardStatusSerializer(many=True))
    def get_scorecards(self, candidate: Candidate) -> list[dict]:
        visible = self.context["visible_scorecards"]
        cards = {(s.interview_id, s.interviewer_id): s for s in candidate.scorecards.all()}
        rows = []
        for interview in candidate.loop.interviews.all():
            for person in interview.interviewers.all():
                card = cards.get((interview.pk, person.pk))
                status = (
                    "not_started" if card is None else "submitted" if card.submitted_at else "draft"
                )
                rows.append(
                    {
                        "interview": interview.pk,
                        "interviewer": person.username,
                        "status": status,
                        "scorecard": card.pk if card and card.pk in visible else None,
                    }
                )
        return rows


class RatingSerializer(serializers.ModelSerializer):
    """One question of a scorecard, with the wording and anchors the interviewer was given."""

    question = serializers.IntegerField(source="question_id", read_only=True)
    competency = serializers.CharField(source="competency.slug", read_only=True)
    text = serializers.CharField(source="pinned_text", read_only=True)
    guidance = serializers.CharField(source="pinned_guidance", read_only=True)
    anchors = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What levels 1 to 5 mean for this question (its own scale or the generic one).",
    )

    class Meta:
        model = Rating
        fields = [
            "id",
            "position",
            "question",
            "competency",
            "text",
            "guidance",
            "anchors",
            "level",
            "not_asked",
            "evidence",
        ]


class ScorecardSerializer(serializers.ModelSerializer):
    """One interviewer's scorecard for one interview of a candidate."""

    candidate = serializers.UUIDField(source="candidate.code", read_only=True)
    interview = serializers.IntegerField(source="interview_id", read_only=True)
    interviewer = serializers.CharField(source="interviewer.username", read_only=True)
    submitted = serializers.DateTimeField(source="submitted_at", read_only=True, allow_null=True)
    amended = serializers.DateTimeField(source="amended_at", read_only=True, allow_null=True)
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "candidate",
            "interview",
            "interviewer",
            "recommendation",
            "summary",
            "submitted",
            "amended",
            "ratings",
        ]


class DebriefCompetencySerializer(serializers.Serializer):
    competency = serializers.CharField(source="competency.slug")
    mean = serializers.FloatField(help_text="The mean of the scorecards' scores, unrounded.")
    spread = serializers.FloatField(help_text="Highest scorecard score minus lowest.")
    flagged = serializers.BooleanField(help_text="Two scorecards are 2 points or more apart.")
    scores = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_scores(self, score) -> list[dict]:
        return [
            {"scorecard": card.pk, "interviewer": card.interviewer.username, "score": value}
            for card, value in score.by_scorecard
        ]


class DebriefRecommendationSerializer(serializers.Serializer):
    scorecard = serializers.IntegerField(source="pk")
    interview = serializers.IntegerField(source="interview_id")
    interviewer = serializers.CharField(source="interviewer.username")
    recommendation = serializers.CharField()


class DebriefMissingSerializer(serializers.Serializer):
    interview = serializers.IntegerField(source="interview.pk")
    interviewer = serializers.CharField(source="interviewer.username")
    started = serializers.BooleanField(help_text="A draft exists.")


class DebriefSerializer(serializers.Serializer):
    """A candidate's submitted scorecards combined by the fixed rule (see the README)."""

    candidate = serializers.UUIDField(source="candidate.code")
    competencies = DebriefCompetencySerializer(many=True)
    recommendations = DebriefRecommendationSerializer(source="scorecards", many=True)
    missing = DebriefMissingSerializer(many=True)


# Writing --------------------------------------------------------------------------------


class LoopChangeSerializer(serializers.Serializer):
    """A loop's details; on a change, send only what changes."""

    title = StrictCharField(max_length=200, help_text='For example "Ops Manager - onsite".')
    role = SlugChoiceField(
        kind="role",
        example="e-commerce-operations-manager",
        queryset=Role.objects.all(),
        allow_null=True,
        required=False,
        help_text="The role's slug; null for none.",
    )
    competencies = SlugChoiceField(
        kind="competency",
        example="data-analysis",
        queryset=Competency.objects.all(),
        many=True,
        required=False,
        help_text="Slugs of the competencies the loop must assess (all, when empty).",
    )

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the loop a title.")
        return value.strip()


class InterviewersSerializer(serializers.Serializer):
    interviewers = UsernameChoiceField(
        many=True, help_text="Usernames of the people who ask this interview."
    )


class InterviewAddSerializer(serializers.Serializer):
    """One of your kits to add as the loop's next interview."""

    kit = StrictIntegerField(min_value=1, max_value=ID_MAX, help_text="The id of a kit you own.")
    interviewers = UsernameChoiceField(
        many=True, required=False, default=list, help_text="Usernames of who asks it."
    )

    def validate_kit(self, value: int) -> Kit:
        owner = self.context["request"].user
        kit = Kit.objects.owned_by(owner).active().filter(pk=value).first()
        if kit is None:
            raise serializers.ValidationError(f"You have no kit in use with the id {value}.")
        return kit


class CandidateCreateSerializer(serializers.Serializer):
    loop = serializers.UUIDField(help_text="The id of a loop you own.")
    reference = StrictCharField(
        max_length=64,
        help_text="An applicant-tracking id or initials: nothing that identifies the person "
        "outside your hiring team.",
    )
    display_name = StrictCharField(max_length=80, required=False, allow_blank=True, default="")

    def validate_loop(self, value) -> Loop:
        loop = Loop.objects.owned_by(self.context["request"].user).filter(code=value).first()
        if loop is None:
            raise serializers.ValidationError("You own no loop with that id.")
        return loop


class ScorecardOpenSerializer(serializers.Serializer):
    candidate = serializers.UUIDField(help_text="The candidate's id.")
    interview = StrictIntegerField(
        min_value=1, max_value=ID_MAX, help_text="The id of an interview of their loop."
    )


class RatingChangeSerializer(serializers.Serializer):
    id = StrictIntegerField(min_value=1, max_value=ID_MAX, help_text="The rating's id.")
    level = StrictIntegerField(
        min_value=LEVELS[0],
        max_value=LEVELS[-1],
        allow_null=True,
        required=False,
        error_messages={
            "min_value": "A rating is from 1 to 5.",
            "max_value": "A rating is from 1 to 5.",
        },
        help_text="1 to 5; null clears it.",
    )
    not_asked = StrictBooleanField(required=False, help_text="The question was not asked.")
    evidence = StrictCharField(
        max_length=EVIDENCE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="What the candidate said or did.",
    )


class ScorecardChangeSerializer(serializers.Serializer):
    """Ratings by id and the overall verdict; send only what changes."""

    ratings = RatingChangeSerializer(many=True, required=False)
    recommendation = serializers.ChoiceField(
        choices=[*Recommendation.values, ""],
        required=False,
        help_text="strong_no, no, yes or strong_yes; empty clears it on a draft.",
    )
    summary = StrictCharField(
        max_length=EVIDENCE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )

    def validate_ratings(self, value: list[dict]) -> list[dict]:
        ids = [rating["id"] for rating in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Each rating may appear once.")
        return value

    def changes(self) -> dict[int, dict]:
        """What rules.scorecard_save takes."""
        changes = {}
        for rating in self.validated_data.get("ratings", []):
            values = {key: value for key, value in rating.items() if key != "id"}
            if values.get("level") is not None:
                # A level given is an answer: the question was asked after all.
                values.setdefault("not_asked", False)
            changes[rating["id"]] = values
        return changes
