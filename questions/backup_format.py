"""The JSON a backup is written in: Django's, without its two ways of losing data.

- Times keep their microseconds. Django's JSON cuts them to milliseconds (the ECMAScript
  format), so versions saved within the same millisecond would come back tied and the
  restored database would differ from the one backed up.
- Versions of a question (django-simple-history) keep the id of the competency the question
  had then, without a database constraint, so that competency may since have been deleted.
  Django's serializer stops the whole dump there when naming it by its natural key; this one
  writes that reference as the plain id instead, which `loaddata` reads back as it was.

Loading needs nothing special: the file is ordinary Django JSON.
"""

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import Deserializer as Deserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db.models import Field, Model

__all__ = ["Deserializer", "Serializer"]


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, with times to the microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time) and o.microsecond:
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    """Django's JSON serializer, losing nothing: see the module's docstring."""

    def _init_options(self) -> None:
        super()._init_options()
        self.json_kwargs["cls"] = FullPrecisionEncoder

    def handle_fk_field(self, obj: Model, field: Field) -> None:
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            self._current[field.name] = self._value_from_field(obj, field)
