"""Filter parts the API's lists share: slugs and moments checked before any query, and
a form that treats a filter given with no value as a mistake."""

from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.validators import slug_re
from django_filters.fields import IsoDateTimeField


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


class NoBlankFiltersForm(forms.Form):
    """A filter form for scripts: a filter given with no value is a mistake, not "any"."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.fields:
            if name in self.data and self.data[name] == "":
                self.add_error(name, "Give a value, or leave this filter out.")
        return cleaned
