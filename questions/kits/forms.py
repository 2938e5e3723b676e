"""Forms for the kit pages: they parse input; the rules live in rules.py and its siblings."""

import django_filters
from django import forms

from questions.bank.filters import QuestionFilter
from questions.kits.rules import DEFAULT_TARGET_MINUTES
from questions.models import (
    KIT_ITEM_MINUTES_MAX,
    KIT_ITEM_MINUTES_MIN,
    KIT_TARGET_MAX,
    KIT_TARGET_MIN,
    Competency,
    Role,
)


class CompetencyChoices(forms.ModelMultipleChoiceField):
    """Competencies as checkboxes, picked by slug so links can preselect them."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", Competency.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class KitForm(forms.Form):
    """A kit's details: title, role, slot length, competencies wanted and prep notes."""

    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Left blank, the kit is named after the role.",
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.all(), required=False, to_field_name="slug", empty_label="No role"
    )
    target_minutes = forms.IntegerField(
        label="Target duration (minutes)",
        min_value=KIT_TARGET_MIN,
        max_value=KIT_TARGET_MAX,
        initial=DEFAULT_TARGET_MINUTES,
    )
    competencies = CompetencyChoices(
        label="Competencies to cover",
        help_text="The summary names any of these the kit misses. None ticked: all of them.",
    )
    notes = forms.CharField(
        label="Interview prep notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the interviewer: the purpose of this interview and what to cover.",
    )


class KitCreateForm(KitForm):
    balance = forms.BooleanField(
        label="Fill it with a balanced set of questions",
        required=False,
        help_text="Questions across the competencies ticked, within the time, for you to edit.",
    )


class BalanceForm(forms.Form):
    """Inputs of "Balance this kit"."""

    role = forms.ModelChoiceField(
        queryset=Role.objects.all(), required=False, to_field_name="slug", empty_label="Any role"
    )
    target_minutes = forms.IntegerField(
        label="Target duration (minutes)", min_value=KIT_TARGET_MIN, max_value=KIT_TARGET_MAX
    )
    competencies = CompetencyChoices(label="Competencies to cover")
    rotate = forms.BooleanField(
        required=False,
        label="Rotate: prefer the questions fewest candidates were asked lately",
        help_text="And only one of each set of alternates an editor has marked.",
    )


class KitItemForm(forms.Form):
    """An item's time box and interviewer note, edited in place."""

    minutes = forms.IntegerField(min_value=KIT_ITEM_MINUTES_MIN, max_value=KIT_ITEM_MINUTES_MAX)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class BankFilter(QuestionFilter):
    """The bank panel beside a kit: the browse filters plus competency and words."""

    # Words are not filtered here: the builder sends them through question_search(), the
    # same ranked, typo-tolerant search as the search page.
    q = django_filters.CharFilter(method="searched_by_the_view", label="Words")
    competency = django_filters.ModelChoiceFilter(
        field_name="competency",
        to_field_name="slug",
        queryset=Competency.objects.all(),
        empty_label="All competencies",
    )

    class Meta(QuestionFilter.Meta):
        fields = ["q", "competency", "role", "type", "level"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["role"].label = "Role"

    def searched_by_the_view(self, queryset, name: str, value: str):
        return queryset


class AddToKitForm(forms.Form):
    """Which of my kits a question goes into, from a search result or its page."""

    kit = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        empty_label=None,
        label="Kit",
        error_messages={"invalid_choice": "Choose one of your kits that is not archived."},
    )

    def __init__(self, *args, kits, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kit"].queryset = kits
