"""What a kit does: every rule about building, pinning and sharing kits.

HTML pages and the API call these functions and nothing else writes kits. Writes that touch
more than one row lock the kit row first (`select_for_update`), so two tabs editing the same
kit run one after the other and positions stay dense: 1, 2, 3 … with no gaps or repeats.
A broken rule raises `KitError`, whose message is fit to show the person.
"""

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from questions.models import (
    KIT_ITEM_MINUTES_MAX,
    KIT_ITEM_MINUTES_MIN,
    KIT_TARGET_MAX,
    KIT_TARGET_MIN,
    Competency,
    Kit,
    KitItem,
    Role,
)

DEFAULT_TARGET_MINUTES = 45
TITLE_MAX_LENGTH = Kit._meta.get_field("title").max_length


# A day of interviews asks a few dozen questions; a kit past this is a mistake or an attack,
# and its PDF, laid out question by question, would hold a server process for seconds.
KIT_QUESTIONS_MAX = 100
KIT_FULL_MESSAGE = (
    f"A kit holds at most {KIT_QUESTIONS_MAX} questions. Remove one to add another, "
    "or start a second kit."
)


# Default of kit_update() arguments that are left as they are (None is a value for role).
UNCHANGED: Any = object()


class KitError(Exception):
    """A kit rule was broken; `message` says what, in words fit for the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def kit_create(
    *,
    owner,
    title: str,
    role: Role | None = None,
    target_minutes: int = DEFAULT_TARGET_MINUTES,
    notes: str = "",
    competencies: Iterable[Competency] = (),
) -> Kit:
    """Create an empty kit. A blank title is named after the role."""
    kit = Kit(
        owner=owner,
        title=_title(title, role),
        role=role,
        target_minutes=target_minutes,
        notes=notes,
    )
    check_valid(kit)
    with transaction.atomic():
        kit.save()
        kit.competencies.set(list(competencies))
    return kit


def kit_update(
    *,
    kit: Kit,
    title: str | None = None,
    role: Role | None = UNCHANGED,
    target_minutes: int | None = None,
    notes: str | None = None,
    competencies: Iterable[Competency] | None = None,
) -> Kit:
    """Change a kit's details. Arguments left out stay as they are; `role=None` clears it."""
    with transaction.atomic():
        kit = locked(kit)
        if role is not UNCHANGED:
            kit.role = role
        if title is not None:
            kit.title = _title(title, kit.role)
        if target_minutes is not None:
            kit.target_minutes = target_minutes
        if notes is not None:
            kit.notes = notes
        check_valid(kit)
        kit.save()
        if competencies is not None:
            kit.competencies.set(list(competencies))
    return kit


def kit_duplicate(*, kit: Kit, owner) -> Kit:
    """Copy a kit, its questions, pinned wording, minutes and notes, for `owner`. Not shared."""
    with transaction.atomic():
        source = Kit.objects.select_for_update().get(pk=kit.pk)
        check_room(source.items.count())
        copy = Kit(
            owner=owner,
            title=_truncate(f"Copy of {source.title}"),
            role_id=source.role_id,
            notes=source.notes,
            target_minutes=source.target_minutes,
        )
        copy.save()
        copy.competencies.set(source.competencies.all())
        KitItem.objects.bulk_create(
            KitItem(
                kit=copy,
                question_id=item.question_id,
                position=item.position,
                minutes=item.minutes,
                note=item.note,
                pinned_text=item.pinned_text,
                pinned_guidance=item.pinned_guidance,
                pinned_anchors=item.pinned_anchors,
                seen_text=item.seen_text,
                seen_guidance=item.seen_guidance,
            )
            for item in source.items.order_by("position")
        )
    return copy


def kit_archive(*, kit: Kit, archived: bool = True) -> Kit:
    """Archive a kit (it leaves "My kits" and can no longer be edited), or restore it."""
    with transaction.atomic():
        kit = Kit.objects.select_for_update().get(pk=kit.pk)
        kit.is_archived = archived
        kit.save(update_fields=["is_archived", "updated_at"])
    return kit


def kit_delete(*, kit: Kit) -> None:
    """Delete a kit and its items for good. The questions stay in the bank."""
    with transaction.atomic():
        Kit.objects.filter(pk=kit.pk).delete()


def kit_share(*, kit: Kit, regenerate: bool = False) -> Kit:
    """Turn on the kit's read-only link; `regenerate` replaces it, so the old link stops."""
    with transaction.atomic():
        kit = Kit.objects.select_for_update().get(pk=kit.pk)
        if regenerate or not kit.share_token:
            kit.share_token = secrets.token_urlsafe(32)
            kit.save(update_fields=["share_token", "updated_at"])
    return kit


def kit_revoke_share(*, kit: Kit) -> Kit:
    """Turn the kit's link off: anyone opening it gets a 404."""
    with transaction.atomic():
        kit = Kit.objects.select_for_update().get(pk=kit.pk)
        kit.share_token = None
        kit.save(update_fields=["share_token", "updated_at"])
    return kit


def locked(kit: Kit) -> Kit:
    """Lock the kit row for this transaction, so concurrent edits of it queue up."""
    locked = Kit.objects.select_for_update().filter(pk=kit.pk).first()
    if locked is None:
        raise KitError("This kit no longer exists.")
    if locked.is_archived:
        raise KitError("This kit is archived. Restore it to change it.")
    return locked


def touch(kit: Kit) -> None:
    """Mark the kit as changed now, so "My kits" lists recent work first."""
    Kit.objects.filter(pk=kit.pk).update(updated_at=timezone.now())


def check_room(count: int) -> None:
    """Refuse a kit of `count` questions if that is more than a kit may hold."""
    if count > KIT_QUESTIONS_MAX:
        raise KitError(KIT_FULL_MESSAGE)


def check_minutes(minutes: int) -> None:
    if not KIT_ITEM_MINUTES_MIN <= minutes <= KIT_ITEM_MINUTES_MAX:
        raise KitError(
            f"Minutes must be between {KIT_ITEM_MINUTES_MIN} and {KIT_ITEM_MINUTES_MAX}.",
            field="minutes",
        )


def check_valid(instance: Kit | KitItem) -> None:
    """Validate with the model's rules, turning the first problem into a KitError."""
    if isinstance(instance, Kit) and not (
        KIT_TARGET_MIN <= (instance.target_minutes or 0) <= KIT_TARGET_MAX
    ):
        raise KitError(
            f"The target duration must be between {KIT_TARGET_MIN} and {KIT_TARGET_MAX} minutes.",
            field="target_minutes",
        )
    try:
        instance.full_clean(exclude=["kit", "owner", "question"], validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise KitError(messages[0], field=None if name == "__all__" else name) from error


def _title(title: str, role: Role | None) -> str:
    title = (title or "").strip()
    if not title:
        title = f"{role.title} interview" if role else "Untitled kit"
    return _truncate(title)


def _truncate(title: str) -> str:
    return title if len(title) <= TITLE_MAX_LENGTH else title[: TITLE_MAX_LENGTH - 1] + "…"
