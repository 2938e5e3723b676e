"""Filters shared by the browse pages and the API."""

import django_filters

from questions.models import Level, Question, QuestionType, Role


class QuestionFilter(django_filters.FilterSet):
    role = django_filters.ModelChoiceFilter(
        field_name="roles",
        label="Role",
        to_field_name="slug",
        queryset=Role.objects.all(),
        empty_label="Any role",
    )
    type = django_filters.ChoiceFilter(
        field_name="question_type",
        label="Type",
        choices=QuestionType.choices,
        empty_label="Any type",
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, empty_label="Any level")

    class Meta:
        model = Question
        fields = ["role", "type", "level"]
