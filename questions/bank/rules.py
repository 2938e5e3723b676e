"""What an editor does to the bank's questions: add one, change one, retire or restore some.

Every route that writes a question comes through here (the API, the admin's form and its
retire and restore actions, spreadsheet imports), so each gets the same checks, the same
answer to a writer that got there first, and its history.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from questions.curation.quality import wording_warnings
from questions.models import (
    GUIDANCE_MAX_LENGTH,
    QUESTION_TEXT_MAX_LENGTH,
    Question,
    Role,
    unique_question_slug,
)

# The field a broken table-level rule is reported against, so a form or API can show it there.
CONSTRAINT_FIELDS = {
    "question_unique_text_ci": "text",
    "question_minutes_between_1_and_120": "minutes",
}

# The case-insensitive unique index on text holds at most about 2,700 bytes a row; 500
# characters stays under it in any script and is longer than any real question.
TEXT_MAX_LENGTH = QUESTION_TEXT_MAX_LENGTH

QUESTION_FIELDS = {
    "text",
    "guidance",
    "competency",
    "question_type",
    "level",
    "minutes",
    "is_active",
}


def question_create(*, roles: Iterable[Role] = (), **fields: Any) -> Question:
    """Add a question to the bank, with its roles; raises ValidationError by field."""
    question = Question(**_only_question_fields(fields))
    question.slug = unique_question_slug(question.text)
    return question_save(question, roles=roles)


def question_update(
    *, question: Question, roles: Iterable[Role] | None = None, **fields: Any
) -> Question:
    """Change a question's fields (and roles, when given); raises ValidationError by field."""
    for name, value in _only_question_fields(fields).items():
        setattr(question, name, value)
    return question_save(question, roles=roles)


def question_clean(question: Question) -> None:
    """Check a question as the database will, reporting each problem against its field."""
    errors: dict[str, list[str]] = {}
    try:
        question.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    for field, limit in [("text", TEXT_MAX_LENGTH), ("guidance", GUIDANCE_MAX_LENGTH)]:
        if len(getattr(question, field) or "") > limit:
            errors.setdefault(field, []).append(f"Keep this to {limit} characters or fewer.")
    exclude = set(errors)
    for constraint in Question._meta.constraints:
        try:
            constraint.validate(Question, question, exclude=exclude)
        except ValidationError as exc:
            field = CONSTRAINT_FIELDS.get(constraint.name, NON_FIELD_ERRORS)
            errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _only_question_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"Not a question field: {', '.join(sorted(unknown))}")
    return fields


def question_save(question: Question, *, roles: Iterable[Role] | None = None) -> Question:
    """Check and save a question whose fields are set, with its roles when given; raises
    ValidationError by field, also when another writer took its text first.

    The saved question carries `wording_warnings`: advice about its wording (protected
    ground, yes/no or leading questions) that every route shows and none enforces.
    """
    question_clean(question)
    try:
        # The question and its role links change together or not at all.
        with transaction.atomic():
            question.save()
            if roles is not None:
                question.roles.set(roles)
    except IntegrityError as exc:
        # Another writer got there between the check and the save.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint in CONSTRAINT_FIELDS:
            message = next(
                c.violation_error_message
                for c in Question._meta.constraints
                if c.name == constraint
            )
            raise ValidationError({CONSTRAINT_FIELDS[constraint]: [message]}) from exc
        if constraint and "slug" in constraint:
            raise ValidationError(
                {"text": ["Another question was just saved with the same opening words."]}
            ) from exc
        raise
    question.wording_warnings = wording_warnings(text=question.text, guidance=question.guidance)
    return question


def question_set_active(questions: QuerySet[Question], *, active: bool) -> int:
    """Retire (or restore) the questions, each saved on its own so that its update time and
    history record the change; returns how many changed."""
    # Locked by id: the caller's queryset may carry annotations that FOR UPDATE refuses.
    ids = questions.values("pk")
    changed = 0
    with transaction.atomic():
        locked = Question.objects.filter(pk__in=ids, is_active=not active).order_by("pk")
        for question in locked.select_for_update():
            question.is_active = active
            question.save(update_fields=["is_active", "updated_at"])
            changed += 1
    return changed
