"""Filters shared by the browse pages and the API."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.core.validators import slug_re
from django.http import QueryDict
from django_filters.fields import IsoDateTimeField

from questions.models import (
    Competency,
    Kit,
    KitQuerySet,
    Level,
    Question,
    QuestionQuerySet,
    QuestionType,
    Role,
)
from questions.widgets import QuickSelect


class SlugModelChoiceField(forms.ModelChoiceField):
    """A choice of row by slug that refuses anything that is not a slug before asking the database.

    PostgreSQL refuses text with NUL bytes outright, so a hand-typed or fuzzed value must be
    turned away here as an invalid choice rather than reach a query.
    """

    def to_python(self, value: object) -> object:
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not slug_re.fullmatch(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SlugModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugModelChoiceField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, moved to UTC: PostgreSQL refuses offsets past ±15:59."""

    def to_python(self, value: object) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError(
                "Give a moment between the years 1 and 9999.", code="invalid"
            ) from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


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


class NoBlankFiltersForm(forms.Form):
    """A filter form for scripts: a filter given with no value is a mistake, not "any"."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.fields:
            if name in self.data and self.data[name] == "":
                self.add_error(name, "Give a value, or leave this filter out.")
        return cleaned


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


# Kits -----------------------------------------------------------------------------------


class ArchivedChoice(django_filters.ChoiceFilter):
    """`false` (the default) for kits in use, `true` for archived ones, `any` for both."""

    def filter(self, qs: KitQuerySet, value: str) -> KitQuerySet:
        if value == "any":
            return qs
        return qs.filter(is_archived=(value == "true"))


class KitApiFilter(django_filters.FilterSet):
    """The API's list of my kits: those in use, as "My kits" shows, or the archived ones."""

    archived = ArchivedChoice(
        choices=[("false", "In use"), ("true", "Archived"), ("any", "Both")],
        help_text="`false` (default): kits in use; `true`: archived kits; `any`: both.",
    )

    class Meta:
        model = Kit
        fields = ["archived"]
        form = NoBlankFiltersForm

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        # A missing `archived` means kits in use, as on "My kits".
        if data is not None and "archived" not in data:
            data = data.copy()
            data["archived"] = "false"
        super().__init__(data, *args, **kwargs)
