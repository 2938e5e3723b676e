"""How questions go to and come back from files (CSV, JSON, XLSX) with django-import-export.

Rows are matched to questions by slug, or by text when the slug is left blank; competency and
roles are named by slug. Every problem is reported as a column and a message, so an editor
can fix the file; a file with any problem writes nothing (see `QuestionResource`).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils.html import format_html
from django.utils.safestring import SafeString
from import_export import fields, resources, widgets

from questions.bank.rules import question_save
from questions.curation.history import word_diff
from questions.models import Competency, Level, Question, QuestionType, Role, unique_question_slug

MINUTES_RANGE = (1, 120)
# Columns whose changes are shown word by word; the others as old → new.
WORDED_COLUMNS = {"text", "guidance"}
TRUE_WORDS = {"1", "true", "yes", "y", "active"}
FALSE_WORDS = {"0", "false", "no", "n", "retired"}


def _cell(value: Any) -> str:
    """A cell as trimmed text; spreadsheets hand back numbers and None as well as strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def find_question(*, slug: str, text: str) -> Question | None:
    """The question a row refers to: by slug when given, otherwise by its text (any case)."""
    if slug:
        return Question.objects.filter(slug=slug).first()
    if text:
        return Question.objects.filter(text__iexact=text).first()
    return None


class TextWidget(widgets.CharWidget):
    """Text with surrounding spaces removed, so a stray space in a spreadsheet is no change.

    Only spaces: a tab or line break the text itself starts with comes back as it was.
    """

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        return "" if value is None else str(value).strip(" ")


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug; an unknown slug names the ones that exist."""

    def __init__(self, model: type[Model], noun: str) -> None:
        super().__init__(model, field="slug")
        self.noun = noun

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Model:
        slug = _cell(value)
        known = list(self.model.objects.values_list("slug", flat=True))
        if not slug:
            raise ValueError(f"The {self.noun} is empty. Use one of: {', '.join(known)}.")
        try:
            return self.model.objects.get(slug=slug)
        except self.model.DoesNotExist:
            raise ValueError(
                f"Unknown {self.noun} “{slug}”. Use one of: {', '.join(known)}."
            ) from None


class RolesWidget(widgets.ManyToManyWidget):
    """Roles as comma-separated slugs; an unknown slug is an error, not silently dropped."""

    def __init__(self) -> None:
        super().__init__(Role, separator=",", field="slug")

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        slugs = list(dict.fromkeys(s.strip() for s in _cell(value).split(",") if s.strip()))
        roles = Role.objects.filter(slug__in=slugs)
        unknown = sorted(set(slugs) - {role.slug for role in roles})
        if unknown:
            raise ValueError(f"Unknown role {', '.join(f'“{slug}”' for slug in unknown)}.")
        return roles


class ChoiceWidget(widgets.CharWidget):
    """One of a fixed set of values, such as the question type; the label is accepted too."""

    def __init__(self, choices: type, noun: str) -> None:
        super().__init__()
        self.values = {value: value for value in choices.values}
        self.values.update({str(label).lower(): value for value, label in choices.choices})
        self.noun = noun

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        key = _cell(value).lower()
        if key not in self.values:
            allowed = ", ".join(dict.fromkeys(self.values.values()))
            shown = f"“{_cell(value)}”" if key else "empty"
            raise ValueError(f"The {self.noun} is {shown}. Use one of: {allowed}.")
        return self.values[key]


class MinutesWidget(widgets.IntegerWidget):
    """A whole number of minutes within the range the bank allows."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> int:
        text = _cell(value)
        low, high = MINUTES_RANGE
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            shown = f"“{text}”" if text else "empty"
            raise ValueError(f"Minutes is {shown}: write a whole number from {low} to {high}.")
        if not low <= number <= high:
            raise ValueError(f"Minutes is {number}: it must be from {low} to {high}.")
        return int(number)


class ActiveWidget(widgets.BooleanWidget):
    """1 for an active question, 0 for a retired one (yes/no and true/false also work)."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = _cell(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        shown = f"“{_cell(value)}”" if word else "empty"
        raise ValueError(f"Active is {shown}: write 1 for active or 0 for retired.")


class QuestionDiff(resources.Diff):
    """For the preview: only the columns a row changes, each as a word-level difference."""

    def __init__(self, resource: resources.Resource, instance: Question, new: bool) -> None:
        super().__init__(resource, instance, new)
        self.columns = [field.column_name for field in resource.get_import_fields()]

    def as_html(self) -> list[tuple[str, SafeString]]:
        if self.new:
            return []
        return [
            (column, _column_diff(column, str(old), str(new)))
            for column, old, new in zip(self.columns, self.left, self.right, strict=True)
            if old != new
        ]


def _column_diff(column: str, old: str, new: str) -> SafeString:
    if column in WORDED_COLUMNS:
        return word_diff(old, new)
    return format_html("<del>{}</del> → <ins>{}</ins>", old or "(empty)", new or "(empty)")


class QuestionResource(resources.ModelResource):
    """Questions as rows: slug, text, guidance, competency, roles, type, level, minutes, active.

    Import rules: a blank slug is filled in from the text; text must not be empty nor repeat
    another row of the file or another question in the bank (any case); competency and roles
    must exist; minutes are whole numbers from 1 to 120. Unchanged rows are reported, not
    saved, so exporting and importing a file back changes nothing.
    """

    slug = fields.Field(attribute="slug", column_name="slug", widget=TextWidget())
    text = fields.Field(attribute="text", column_name="text", widget=TextWidget())
    guidance = fields.Field(attribute="guidance", column_name="guidance", widget=TextWidget())
    competency = fields.Field(
        attribute="competency",
        column_name="competency",
        widget=SlugWidget(Competency, "competency"),
    )
    roles = fields.Field(attribute="roles", column_name="roles", widget=RolesWidget())
    question_type = fields.Field(
        attribute="question_type",
        column_name="question_type",
        widget=ChoiceWidget(QuestionType, "type"),
    )
    level = fields.Field(
        attribute="level", column_name="level", widget=ChoiceWidget(Level, "level")
    )
    minutes = fields.Field(attribute="minutes", column_name="minutes", widget=MinutesWidget())
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=ActiveWidget())

    class Meta:
        model = Question
        fields = [
            "slug",
            "text",
            "guidance",
            "competency",
            "roles",
            "question_type",
            "level",
            "minutes",
            "is_active",
        ]
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        store_row_values = True
        clean_model_instances = True
        use_transactions = True

    @classmethod
    def get_diff_class(cls) -> type[resources.Diff]:
        return QuestionDiff

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The first row of the file with each text and slug, to report repeats.
        self._row_of_text: dict[str, int] = {}
        self._row_of_slug: dict[str, int] = {}

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self._row_of_text.clear()
        self._row_of_slug.clear()
        # Spreadsheets often end with formatted but empty rows; they are not questions.
        while len(dataset) and not any(_cell(value) for value in dataset[-1]):
            del dataset[-1]
        headers = [_cell(header) for header in dataset.headers or []]
        dataset.headers = headers
        if "text" not in headers:
            raise ValidationError(
                "The file has no “text” column. The first row must name the columns: "
                + ", ".join(self._meta.fields)
                + "."
            )

    def _check_import_id_fields(self, headers: list[str]) -> None:
        # A file without slugs is fine: its rows are matched by text instead.
        return None

    def get_instance(self, instance_loader: Any, row: dict) -> Question | None:
        return find_question(slug=_cell(row.get("slug")), text=_cell(row.get("text")))

    def import_instance(self, instance: Question, row: dict, **kwargs: Any) -> None:
        """Set the row's values on the question, collecting every problem by column."""
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Roles are saved after the question, so check them now to report them with the rest.
        if "roles" in row:
            try:
                self.fields["roles"].clean(row)
            except ValueError as error:
                errors["roles"] = [str(error)]
        number = kwargs.get("row_number", 0)
        if "text" not in errors:
            problem = self._text_problem(instance, number)
            if problem:
                errors["text"] = [problem]
        slug = _cell(row.get("slug"))
        if slug:
            first = self._row_of_slug.setdefault(slug, number)
            if first != number:
                errors["slug"] = [f"Same slug as row {first} of this file."]
        if not instance.slug:
            # Filled in even when the row has problems, so a blank slug is not one of them.
            instance.slug = unique_question_slug(instance.text, exclude_pk=instance.pk)
        if errors:
            raise ValidationError(errors)

    def _text_problem(self, question: Question, number: int) -> str | None:
        text = question.text
        if not text:
            return "The question text is empty."
        first = self._row_of_text.setdefault(text.casefold(), number)
        if first != number:
            return f"Same text as row {first} of this file."
        twin = Question.objects.exclude(pk=question.pk).filter(text__iexact=text).first()
        if twin:
            return f"Same text as the question “{twin.slug}” already in the bank."
        return None

    def do_instance_save(self, instance: Question, is_create: bool) -> None:
        # The bank's one write path; the row's roles follow, as the admin form's do.
        question_save(instance)

    def before_save_instance(self, instance: Question, row: dict, **kwargs: Any) -> None:
        # Shown as the reason in the question's history.
        file_name = kwargs.get("file_name")
        instance._change_reason = f"Imported from {file_name}"[:100] if file_name else "Imported"


def error_columns(error: ValidationError) -> list[tuple[str, str]]:
    """(column, message) pairs from a row's validation error; "row" for whole-row problems."""
    pairs = []
    for column, messages in error.message_dict.items():
        label = "row" if column == NON_FIELD_ERRORS else column
        pairs.extend((label, message) for message in messages)
    return pairs
