"""The bank's history: readable differences between versions, versions for loaded data,
and the admin's History page (`HistoryAdmin`) that shows and restores them.

Every save of a Question, Competency or Role keeps a version (django-simple-history). Loading
fixtures saves rows "raw", which records nothing, so `history_record_loaded()` adds the
missing versions afterwards.
"""

import re
from difflib import SequenceMatcher
from typing import Any

from django.db import models
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats as date_formats
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper

from questions.models import Competency, Question, Role
from questions.scorecards.models import RatingScale

# Words (with their apostrophes and hyphens), runs of spaces, and single punctuation marks.
_TOKENS = re.compile(r"\s+|[\w’'-]+|[^\w\s]")
# Below this share of words in common, a change is shown as a rewrite, not word by word.
REWRITE_RATIO = 0.4


def word_diff(old: str, new: str) -> SafeString:
    """The text with removed words in <del> and added words in <ins>; everything escaped."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < REWRITE_RATIO:
        # A rewrite reads better as the old text, then the new, than as confetti.
        return format_html("<del>{}</del> <ins>{}</ins>", old, new)
    parts = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[j1:j2])))
    # Every part was escaped above.
    return mark_safe("".join(parts))


def display_value(field: models.Field, value: Any) -> str:
    """A stored value as an editor reads it: choice labels, yes/no, names of related rows."""
    if value is None or value == "":
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def value_diff(field: models.Field, old: Any, new: Any) -> SafeString:
    """How one field changed between two versions, as escaped HTML."""
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return word_diff(old or "", new or "")
    return format_html(
        "<del>{}</del> → <ins>{}</ins>", display_value(field, old), display_value(field, new)
    )


class VersionChanges(HistoricalRecordContextHelper):
    """Lists what changed in a version as word-level differences, in the form's field order."""

    def context_for_delta_changes(self, delta: ModelDelta) -> list[dict[str, Any]]:
        order = {field.name: index for index, field in enumerate(self.model._meta.fields)}
        changes = sorted(delta.changes, key=lambda change: order.get(change.field, 0))
        context = []
        for change in changes:
            field = self.model._meta.get_field(change.field)
            context.append(
                {
                    "field": capfirst(field.verbose_name),
                    "diff": value_diff(field, change.old, change.new),
                }
            )
        return context


def history_record_loaded(*, reason: str) -> int:
    """Record a version of every competency, role, question and rating scale whose history
    lacks its current values, as after `loaddata`; returns how many versions were added."""
    added = 0
    for model in (Competency, Role, Question, RatingScale):
        history = model.history
        tracked = [field.attname for field in history.model.tracked_fields]
        latest = {
            record.id: record
            for record in history.order_by("id", "-history_date", "-history_id").distinct("id")
        }
        new, changed = [], []
        for obj in model.objects.all():
            record = latest.get(obj.pk)
            if record is None:
                new.append(obj)
            elif any(getattr(obj, name) != getattr(record, name) for name in tracked):
                changed.append(obj)
        history.bulk_history_create(new, default_change_reason=reason)
        history.bulk_history_create(changed, update=True, default_change_reason=reason)
        added += len(new) + len(changed)
    return added


def _is_id(value: str) -> bool:
    """Whether an address part can be a row's id (a bigint)."""
    return value.isascii() and value.isdigit() and int(value) < 2**63


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin whose History page lists every version with a word-level difference, and
    restores any version ("Revert"), noting which one in the new version's reason."""

    object_history_template = "admin/questions/object_history.html"
    object_history_list_template = "admin/questions/object_history_list.html"
    history_list_per_page = 50

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return VersionChanges(self.model, historical_record)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not _is_id(object_id):
            raise Http404("No such item.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # A mistyped address is a 404, not a crash on a non-numeric id.
        if not (_is_id(object_id) and _is_id(version_id)):
            raise Http404("No such version.")
        version = self.model.history.filter(id=object_id, history_id=version_id).first()
        if version is None:
            raise Http404("No such version.")
        request.restoring_version = version
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        self.note_history(request, obj)
        super().save_model(request, obj, form, change)

    def note_history(self, request: HttpRequest, obj: Any) -> None:
        """Who saves `obj`, and why when a version is being restored, for the history row
        its next save writes; for admins that save through rules of their own."""
        obj._history_user = request.user
        version = getattr(request, "restoring_version", None)
        if version is not None:
            when = date_formats.date_format(localtime(version.history_date), "DATETIME_FORMAT")
            obj._change_reason = f"Restored the version of {when}"[:100]
