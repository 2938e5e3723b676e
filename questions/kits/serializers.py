"""What the API shows of interview kits, and what it accepts to build them.

Serializers here only parse and present: every change is made by a kit rule (rules.py and
its siblings), called from api.py, so the API keeps exactly the rules the pages keep.
"""

from typing import Any

from django.db import models
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from questions.api.fields import (
    SlugChoiceField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from questions.kits import queries, rules
from questions.models import (
    KIT_ITEM_MINUTES_MAX,
    KIT_ITEM_MINUTES_MIN,
    KIT_TARGET_MAX,
    KIT_TARGET_MIN,
    Competency,
    Kit,
    KitItem,
    Question,
    Role,
)

MINUTES_MESSAGE = f"Minutes must be between {KIT_ITEM_MINUTES_MIN} and {KIT_ITEM_MINUTES_MAX}."
TARGET_MESSAGE = (
    f"The target duration must be between {KIT_TARGET_MIN} and {KIT_TARGET_MAX} minutes."
)
# PostgreSQL's bigint: a larger id cannot name a row, and could not be looked up.
ID_MAX = 2**63 - 1


def item_minutes_field(**kwargs: Any) -> serializers.IntegerField:
    """An item's time box, with the same message as the kit rules give."""
    return StrictIntegerField(
        min_value=KIT_ITEM_MINUTES_MIN,
        max_value=KIT_ITEM_MINUTES_MAX,
        error_messages={"min_value": MINUTES_MESSAGE, "max_value": MINUTES_MESSAGE},
        **kwargs,
    )


# Reading --------------------------------------------------------------------------------


class KitItemSerializer(serializers.ModelSerializer):
    """One question in a kit, with the wording the kit keeps for it."""

    question = serializers.IntegerField(
        source="question_id", read_only=True, help_text="The question's id in the bank."
    )
    text = serializers.CharField(
        source="pinned_text",
        read_only=True,
        help_text="The question as this kit asks it: the bank's wording when it was added "
        "(or last accepted).",
    )
    guidance = serializers.CharField(
        source="pinned_guidance",
        read_only=True,
        help_text="What to look for, as this kit keeps it.",
    )
    competency = serializers.CharField(
        source="question.competency.slug", read_only=True, help_text="The competency's slug."
    )
    changed_in_bank = serializers.BooleanField(
        read_only=True,
        help_text="The bank's wording differs from the kit's and the owner has not decided "
        "yet: see `bank_text` and `bank_guidance`, then accept the change or keep the wording.",
    )
    bank_text = serializers.SerializerMethodField(
        help_text="The bank's current wording while `changed_in_bank` is true; otherwise null."
    )
    bank_guidance = serializers.SerializerMethodField(
        help_text="The bank's current guidance while `changed_in_bank` is true; otherwise null."
    )
    retired = serializers.BooleanField(
        source="is_retired",
        read_only=True,
        help_text="The question was retired from the bank; the kit keeps it.",
    )

    class Meta:
        model = KitItem
        fields = [
            "id",
            "question",
            "position",
            "minutes",
            "note",
            "text",
            "guidance",
            "competency",
            "changed_in_bank",
            "bank_text",
            "bank_guidance",
            "retired",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "position": {"help_text": "1 for the first question, then 2, 3 … with no gaps."},
            "minutes": {"help_text": "The time box for this question, 1 to 120 minutes."},
            "note": {"help_text": "The owner's note for the interviewer."},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_bank_text(self, item: KitItem) -> str | None:
        return item.question.text if item.changed_in_bank else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_bank_guidance(self, item: KitItem) -> str | None:
        return item.question.guidance if item.changed_in_bank else None


class CoverageSerializer(serializers.Serializer):
    """How much of the kit one competency takes."""

    competency = serializers.CharField(source="competency.slug", help_text="Its slug.")
    questions = serializers.IntegerField(help_text="Questions on this competency.")
    minutes = serializers.IntegerField(help_text="Their minutes together.")


class KitSummarySerializer(serializers.Serializer):
    """Time against the target and competency coverage, as the builder shows them."""

    question_count = serializers.IntegerField(source="count", help_text="Questions in the kit.")
    total_minutes = serializers.IntegerField(help_text="The items' minutes added up.")
    over_budget = serializers.BooleanField(help_text="More minutes than `target_minutes`.")
    over_by = serializers.IntegerField(help_text="Minutes over the target; 0 when within it.")
    remaining = serializers.IntegerField(help_text="Minutes left before the target; 0 when over.")
    coverage = CoverageSerializer(
        many=True, help_text="Competencies the questions cover, in the site's order."
    )
    missing = serializers.SerializerMethodField(
        help_text="Slugs of the competencies chosen for the kit (or, when none were chosen, "
        "of all competencies) that no question covers yet."
    )
    changed_in_bank = serializers.IntegerField(
        source="changed", help_text="Items whose wording changed in the bank, undecided."
    )
    retired = serializers.IntegerField(help_text="Items whose question was retired.")

    def get_missing(self, summary: queries.KitSummary) -> list[str]:
        return [competency.slug for competency in summary.missing]


class KitSerializer(serializers.ModelSerializer):
    """A kit, its items in order and its summary."""

    # Shows kits from `api.kit_queryset()` (items prefetched as `ordered_items`), with
    # every competency in the context as `competencies`, so a page of kits costs a fixed
    # number of queries. The docstring above is the schema's description.

    role = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The role's slug, or null."
    )
    competencies = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="Slugs of the competencies this interview should cover.",
    )
    owner = serializers.CharField(
        source="owner.get_username", read_only=True, help_text="Who owns the kit."
    )
    archived = serializers.BooleanField(
        source="is_archived",
        read_only=True,
        help_text="Archived kits are read-only until unarchived.",
    )
    share_url = serializers.SerializerMethodField(
        help_text="The read-only link anyone can open without an account, while sharing is "
        "on; null when it is off."
    )
    summary = serializers.SerializerMethodField()
    items = KitItemSerializer(many=True, read_only=True, source="ordered_items")
    created = serializers.DateTimeField(source="created_at", read_only=True)
    updated = serializers.DateTimeField(
        source="updated_at", read_only=True, help_text="When the kit or its items last changed."
    )

    class Meta:
        model = Kit
        fields = [
            "id",
            "code",
            "title",
            "role",
            "target_minutes",
            "notes",
            "competencies",
            "owner",
            "archived",
            "share_url",
            "summary",
            "items",
            "created",
            "updated",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": "The kit's identifier in page addresses (/kits/<code>/)."},
            "target_minutes": {"help_text": "The length of the interview slot, in minutes."},
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_share_url(self, kit: Kit) -> str | None:
        if not kit.share_token:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("questions:kit-shared", args=[kit.share_token])
        )

    @extend_schema_field(KitSummarySerializer)
    def get_summary(self, kit: Kit) -> dict:
        summary = queries.kit_summary(
            kit, kit.ordered_items, competencies=self.context["competencies"]
        )
        return KitSummarySerializer(summary).data


# Writing --------------------------------------------------------------------------------


def _role_field(help_text: str) -> SlugChoiceField:
    return SlugChoiceField(
        kind="role",
        example="e-commerce-operations-manager",
        queryset=Role.objects.all(),
        allow_null=True,
        required=False,
        help_text=help_text,
    )


def _target_minutes_field(help_text: str) -> StrictIntegerField:
    return StrictIntegerField(
        min_value=KIT_TARGET_MIN,
        max_value=KIT_TARGET_MAX,
        required=False,
        error_messages={"min_value": TARGET_MESSAGE, "max_value": TARGET_MESSAGE},
        help_text=help_text,
    )


def _competencies_field(help_text: str) -> SlugChoiceField:
    return SlugChoiceField(
        kind="competency",
        example="data-analysis",
        queryset=Competency.objects.all(),
        many=True,
        required=False,
        help_text=help_text,
    )


class KitChangeSerializer(serializers.Serializer):
    """A kit's details, as given to create or change it. Everything is optional."""

    title = StrictCharField(
        max_length=rules.TITLE_MAX_LENGTH,
        allow_blank=True,
        required=False,
        help_text="Left blank, the kit is named after its role.",
    )
    role = _role_field("The role's slug; null for none.")
    target_minutes = _target_minutes_field(
        f"The length of the interview slot, {KIT_TARGET_MIN} to {KIT_TARGET_MAX} "
        f"minutes (default {rules.DEFAULT_TARGET_MINUTES})."
    )
    notes = StrictCharField(
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text="Prep notes for the interviewer: the purpose of the interview, what to cover.",
    )
    competencies = _competencies_field(
        "Slugs of the competencies this interview should cover (all, when empty)."
    )


class KitCreateSerializer(KitChangeSerializer):
    """A new kit's details, and whether to fill it with a balanced set of questions."""

    balance = StrictBooleanField(
        required=False,
        default=False,
        help_text="Fill the kit at once with questions covering the competencies evenly "
        "within about four fifths of the slot (role questions first), as “Balance” does.",
    )


class KitBalanceSerializer(serializers.Serializer):
    """What to balance a kit for; anything left out is taken from the kit."""

    role = _role_field("The role's slug; null for none. Default: the kit's role.")
    target_minutes = _target_minutes_field("The slot, in minutes. Default: the kit's.")
    competencies = _competencies_field("Slugs of the competencies to cover. Default: the kit's.")
    rotate = StrictBooleanField(
        required=False,
        default=False,
        help_text="Prefer the questions fewest candidates were asked in the last 90 days, "
        "and only the least asked of a set of alternates. Default: false.",
    )


class KitItemAddSerializer(serializers.Serializer):
    """A question to add at the end of a kit."""

    question = StrictIntegerField(
        min_value=1, max_value=ID_MAX, help_text="The id of an active question in the bank."
    )
    minutes = item_minutes_field(
        required=False, help_text="Its time box, 1 to 120. Default: the question's minutes."
    )
    note = StrictCharField(
        allow_blank=True, required=False, default="", help_text="A note for the interviewer."
    )

    def validate_question(self, value: int) -> Question:
        question = Question.objects.filter(pk=value).first()
        if question is None:
            raise serializers.ValidationError(f"There is no question with the id {value}.")
        return question


class KitItemChangeSerializer(serializers.Serializer):
    """An item's time box and interviewer note; send either or both."""

    minutes = item_minutes_field(required=False, help_text="The time box, 1 to 120 minutes.")
    note = StrictCharField(
        allow_blank=True, required=False, help_text="The note for the interviewer."
    )


class KitOrderSerializer(serializers.Serializer):
    """The kit's item ids, every one exactly once, in the new order."""

    items = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=ID_MAX),
        allow_empty=True,
        help_text="Every item id of the kit (the items' `id`, not the questions'), once each, "
        "first question first.",
    )


class WordingChoice(models.TextChoices):
    ACCEPT = "accept", "Take the bank's current wording and guidance into the kit"
    KEEP = "keep", "Keep the kit's wording and stop flagging this change"


class KitWordingSerializer(serializers.Serializer):
    """The owner's decision about an item whose question changed in the bank."""

    choice = serializers.ChoiceField(
        choices=WordingChoice.choices,
        help_text="`accept` takes the bank's current wording and guidance into the kit; "
        "`keep` keeps the kit's wording and stops flagging it until the question changes again.",
    )


class KitShareSerializer(serializers.Serializer):
    """Turn on a kit's read-only link, or replace it."""

    regenerate = StrictBooleanField(
        required=False,
        default=False,
        help_text="Make a new link even if one exists; the old link stops working at once.",
    )
