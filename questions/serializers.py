"""What the API shows of the bank, and what it accepts from editors."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import slug_re
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from questions import bank
from questions.models import Competency, Question, Role


@extend_schema_field({"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"})
class SlugChoiceField(serializers.SlugRelatedField):
    """A related row named by its slug, with a message that names what was not found."""

    default_error_messages = {
        "does_not_exist": "There is no {kind} with the slug “{value}”.",
        "invalid": "Give the {kind} as its slug, e.g. “{example}”.",
    }

    def __init__(self, *, kind: str, example: str, **kwargs: Any) -> None:
        self.kind, self.example = kind, example
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data: object) -> Any:
        # Anything that is not a slug cannot match, and PostgreSQL refuses some of it (NUL).
        if not isinstance(data, str) or not slug_re.fullmatch(data):
            self.fail("invalid", kind=self.kind, example=self.example)
        try:
            return self.get_queryset().get(slug=data)
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", kind=self.kind, value=data)


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of turning them into text."""

    default_error_messages = {"invalid": "Must be text."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole-number field that refuses text, decimals and booleans rather than converting."""

    default_error_messages = {"invalid": "Must be a whole number."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A yes/no field that takes only JSON true or false."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class QuestionSerializer(serializers.ModelSerializer):
    """A question with its guidance, classification and the roles it is for."""

    text = StrictCharField(
        max_length=bank.TEXT_MAX_LENGTH,
        help_text="The question as the interviewer asks it. Unique in the bank, ignoring case.",
    )
    guidance = StrictCharField(
        max_length=bank.GUIDANCE_MAX_LENGTH,
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
        return _bank_write(bank.question_create, **validated_data)

    def update(self, instance: Question, validated_data: dict[str, Any]) -> Question:
        return _bank_write(bank.question_update, question=instance, **validated_data)


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


class ErrorSerializer(serializers.Serializer):
    """Every error the API returns: a message, a machine-readable code and field errors."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    code = serializers.CharField(
        help_text="Stable code for scripts: invalid, not_authenticated, permission_denied, "
        "not_found, method_not_allowed, unsupported_media_type, throttled, …"
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name (`non_field_errors` for the whole request); "
        "empty when the error is not about input.",
    )
