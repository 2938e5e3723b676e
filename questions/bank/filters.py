"""The bank's question filters: the browse pages' and, with more for scripts, the API's."""

from typing import Any

import django_filters
from django import forms
from django.http import QueryDict

from questions.api.filters import NoBlankFiltersForm, SlugModelChoiceFilter, UtcIsoDateTimeFilter
from questions.models import Competency, Level, Question, QuestionQuerySet, QuestionType, Role
from questions.widgets import QuickSelect


class BrowseFiltersForm(forms.Form):
    """The filter form of the browse pages.

    The filters' help texts describe the API's parameters ("its slug"), and the pages do not
    show them, so the fields must not point at them with aria-describedby either.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = ""
            if type(field.widget) is forms.Select:
                field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.widget.choices)


class QuestionFilter(django_filters.FilterSet):
    role = SlugModelChoiceFilter(
        field_name="roles",
        label="Role",
        to_field_name="slug",
        queryset=Role.objects.all(),
        empty_label="Any role",
        help_text="Only questions for this role (its slug).",
    )
    type = django_filters.ChoiceFilter(
        field_name="question_type",
        label="Type",
        choices=QuestionType.choices,
        empty_label="Any type",
        help_text="Only questions of this type.",
    )
    level = django_filters.ChoiceFilter(
        choices=Level.choices, empty_label="Any level", help_text="Only questions at this level."
    )

    class Meta:
        model = Question
        fields = ["role", "type", "level"]
        form = BrowseFiltersForm


class ActiveChoice(django_filters.ChoiceFilter):
    """`true` (the default) for questions on offer, `false` for retired ones, `any` for both."""

    def filter(self, qs: QuestionQuerySet, value: str) -> QuestionQuerySet:
        if value == "any":
            return qs
        return qs.filter(is_active=(value != "false"))


class QuestionApiFilter(QuestionFilter):
    """The browse filters plus what scripts need: competency, retired questions, recent changes."""

    competency = SlugModelChoiceFilter(
        field_name="competency",
        to_field_name="slug",
        queryset=Competency.objects.all(),
        help_text="Only questions in this competency (its slug).",
    )
    active = ActiveChoice(
        choices=[("true", "Active"), ("false", "Retired"), ("any", "Both")],
        help_text="`true` (default): questions on offer; `false`: retired ones; `any`: both.",
    )
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only questions changed at or after this moment (ISO 8601, e.g. "
        "2025-01-31T09:00:00Z).",
    )

    class Meta:
        model = Question
        fields = ["competency", "role", "type", "level", "active", "updated_since"]
        form = NoBlankFiltersForm

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        # A missing `active` means questions on offer, as on the browse pages.
        if data is not None and "active" not in data:
            data = data.copy()
            data["active"] = "true"
        super().__init__(data, *args, **kwargs)
