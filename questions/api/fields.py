"""Serializer fields the API's parts share: slugs that name what was not found, and strict
strings, whole numbers and booleans that refuse what Python would quietly convert."""

from typing import Any

from django.core.validators import slug_re
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
