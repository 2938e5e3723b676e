"""What the API shows of the bank, and what it accepts from editors."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from questions.api.fields import (
    SlugChoiceField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from questions.bank import rules
from questions.models import Competency, Question, Role


class QuestionSerializer(serializers.ModelSerializer):
    """A question with its guidance, classification and the roles it is for."""

    text = StrictCharField(
        max_length=rules.TEXT_MAX_LENGTH,
        help_text="The question as the interviewer asks it. Unique in the bank, ignoring case.",
    )
    guidance = StrictCharField(
        max_length=rules.GUIDANCE_MAX_LENGTH,
        help_text="What a good answer shows. Interviewers read this during the interview.",
    )
    competency = SlugChoiceField(
        kind="competency",
        example="data-analysis",
        queryset=Competency.objects.all(),
        help_text="The competency's slug.",
    )
    roles = SlugChoiceField(
        kind="role",
        example="e-commerce-operations-manager",
        many=True,
        required=False,
        queryset=Role.objects.all(),
        help_text="Slugs of the roles the question is for; empty for any role.",
    )
    minutes = StrictIntegerField(
        min_value=1,
        max_value=120,
        required=False,
        default=5,
        error_messages={
            "min_value": "Minutes must be between 1 and 120.",
            "max_value": "Minutes must be between 1 and 120.",
        },
        help_text="Suggested time for the question and follow-ups, 1 to 120 minutes.",
    )
    active = StrictBooleanField(
        source="is_active",
        required=False,
        default=True,
        help_text="False once retired: kept in existing kits, no longer offered.",
    )
    updated = serializers.DateTimeField(
        source="updated_at", read_only=True, help_text="When the question last changed."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "slug",
            "text",
            "guidance",
            "competency",
            "roles",
            "question_type",
            "level",
            "minutes",
            "active",
            "updated",
        ]
        read_only_fields = ["id", "slug"]
        extra_kwargs = {
            "slug": {"help_text": "Readable identifier used in links, made from the text."},
            "question_type": {
                "help_text": "How the question asks: about the past, a scenario, "
                "knowledge, or the candidate's way of working."
            },
        }

    def create(self, validated_data: dict[str, Any]) -> Question:
        return _bank_write(rules.question_create, **validated_data)

    def update(self, instance: Question, validated_data: dict[str, Any]) -> Question:
        return _bank_write(rules.question_update, question=instance, **validated_data)


class QuestionWrittenSerializer(QuestionSerializer):
    """A question as an editor's write left it, with advice about its wording."""

    warnings = serializers.SerializerMethodField(
        help_text="Advice about the wording, as the admin gives it: a protected "
        "characteristic touched on, a yes/no or a leading question. The question is saved "
        "either way; empty when nothing stands out."
    )

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "warnings"]

    def get_warnings(self, question: Question) -> list[str]:
        return getattr(question, "wording_warnings", [])


def _bank_write(write: Any, **arguments: Any) -> Question:
    """Run a bank write and report its rule violations as API field errors."""
    try:
        return write(**arguments)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


class CompetencySerializer(serializers.ModelSerializer):
    """A competency and how many active questions it holds."""

    question_count = serializers.IntegerField(
        read_only=True, help_text="Active questions in this competency."
    )

    class Meta:
        model = Competency
        fields = ["slug", "name", "description", "display_order", "question_count"]


class RoleSerializer(serializers.ModelSerializer):
    """A role and how many active questions are for it."""

    question_count = serializers.IntegerField(
        read_only=True, help_text="Active questions for this role."
    )

    class Meta:
        model = Role
        fields = ["slug", "title", "summary", "question_count"]
