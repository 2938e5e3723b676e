"""The questions of a kit: add, remove (and undo), move and reorder, minutes and notes, and a
pinned wording kept or renewed. Each write locks the kit row first, as in rules.py.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F

from questions.kits.queries import anchors_of
from questions.kits.rules import KitError, check_minutes, check_room, check_valid, locked, touch
from questions.models import Kit, KitItem, Question

# How long after removing a question "Undo" can put it back.
UNDO_REMOVAL_SECONDS = 15 * 60
_UNDO_REMOVAL_SALT = "questions.kits.undo-removal"


def kit_add_question(
    *, kit: Kit, question: Question, minutes: int | None = None, note: str = ""
) -> KitItem:
    """Add a question at the end of the kit, pinning its current wording."""
    with transaction.atomic():
        kit = locked(kit)
        question = Question.objects.filter(pk=question.pk).first()
        if question is None:
            raise KitError("That question is no longer in the bank.")
        if not question.is_active:
            raise KitError("That question is retired, so it cannot be added to kits.")
        if kit.items.filter(question=question).exists():
            raise KitError("That question is already in this kit.")
        count = kit.items.count()
        check_room(count + 1)
        item = KitItem(
            kit=kit,
            question=question,
            position=count + 1,
            minutes=question.minutes if minutes is None else minutes,
            note=note,
            pinned_text=question.text,
            pinned_guidance=question.guidance,
            pinned_anchors=anchors_of([question.pk]).get(question.pk, []),
        )
        check_minutes(item.minutes)
        check_valid(item)
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError as error:  # the lock makes this unlikely; stay friendly anyway
            raise KitError("That question is already in this kit.") from error
        touch(kit)
    return item


def kit_remove_item(*, item: KitItem) -> KitItem:
    """Take an item out of its kit and close the gap in positions; return it as it was."""
    with transaction.atomic():
        kit = locked(item.kit)
        item = _current_item(kit, item)
        item.delete()
        kit.items.filter(position__gt=item.position).update(position=F("position") - 1)
        touch(kit)
    return item


def removal_token(item: KitItem) -> str:
    """A signed copy of an item just removed, for `kit_restore_item` to put it back as it was.

    Signed rather than stored: nothing is kept for removals nobody undoes, and the copy
    cannot be altered to put other wording in a kit.
    """
    return signing.dumps(
        {
            "kit": item.kit_id,
            "question": item.question_id,
            "position": item.position,
            "minutes": item.minutes,
            "note": item.note,
            "pinned_text": item.pinned_text,
            "pinned_guidance": item.pinned_guidance,
            "pinned_anchors": item.pinned_anchors,
            "seen_text": item.seen_text,
            "seen_guidance": item.seen_guidance,
            "added_at": item.added_at.isoformat(),
        },
        salt=_UNDO_REMOVAL_SALT,
        compress=True,
    )


def kit_restore_item(*, kit: Kit, token: str) -> KitItem:
    """Put a removed item back where it was, with its minutes, note and pinned wording."""
    try:
        removed = signing.loads(token, salt=_UNDO_REMOVAL_SALT, max_age=UNDO_REMOVAL_SECONDS)
    except signing.SignatureExpired as error:
        raise KitError(
            "It is too late to undo that removal. Add the question again from the bank."
        ) from error
    except signing.BadSignature as error:
        raise KitError(
            "That removal cannot be undone. Add the question again from the bank."
        ) from error
    if removed["kit"] != kit.pk:
        raise KitError("That removal was from another kit.")
    with transaction.atomic():
        kit = locked(kit)
        question = Question.objects.filter(pk=removed["question"]).first()
        if question is None:
            raise KitError("That question is no longer in the bank.")
        if kit.items.filter(question=question).exists():
            raise KitError("That question is already in this kit.")
        count = kit.items.count()
        check_room(count + 1)
        position = min(removed["position"], count + 1)
        kit.items.filter(position__gte=position).update(position=F("position") + 1)
        item = KitItem.objects.create(
            kit=kit,
            question=question,
            position=position,
            minutes=removed["minutes"],
            note=removed["note"],
            pinned_text=removed["pinned_text"],
            pinned_guidance=removed["pinned_guidance"],
            pinned_anchors=removed.get("pinned_anchors", []),
            seen_text=removed["seen_text"],
            seen_guidance=removed["seen_guidance"],
        )
        # Still the question chosen then, not just now (added_at is set on creation).
        item.added_at = datetime.fromisoformat(removed["added_at"])
        KitItem.objects.filter(pk=item.pk).update(added_at=item.added_at)
        touch(kit)
    return item


def kit_move_item(*, item: KitItem, direction: Literal["up", "down"]) -> KitItem:
    """Swap an item with its neighbour above or below. At either end nothing moves."""
    if direction not in ("up", "down"):
        raise KitError("Move a question up or down.")
    with transaction.atomic():
        kit = locked(item.kit)
        item = _current_item(kit, item)
        target = item.position - 1 if direction == "up" else item.position + 1
        neighbour = kit.items.filter(position=target).first()
        if neighbour is None:
            return item
        # The position constraint is checked at commit, so the two can swap in place.
        KitItem.objects.filter(pk=neighbour.pk).update(position=item.position)
        KitItem.objects.filter(pk=item.pk).update(position=target)
        item.position = target
        touch(kit)
    return item


def kit_set_order(*, kit: Kit, item_ids: Sequence[int | str]) -> None:
    """Put the kit's items in the given order; the list must be exactly the kit's items."""
    try:
        wanted = [int(item_id) for item_id in item_ids]
    except (TypeError, ValueError) as error:
        raise KitError("That order was not understood; reload the kit and try again.") from error
    with transaction.atomic():
        kit = locked(kit)
        items = {item.pk: item for item in kit.items.all()}
        if len(wanted) != len(set(wanted)) or set(wanted) != set(items):
            raise KitError(
                "The kit changed in another window before this order was saved. "
                "Here is its current order; please try again."
            )
        changed = []
        for position, item_id in enumerate(wanted, start=1):
            item = items[item_id]
            if item.position != position:
                item.position = position
                changed.append(item)
        if changed:
            KitItem.objects.bulk_update(changed, ["position"])
            touch(kit)


def kit_update_item(
    *, item: KitItem, minutes: int | None = None, note: str | None = None
) -> KitItem:
    """Change an item's time box and/or the interviewer note."""
    if minutes is not None:
        check_minutes(minutes)
    with transaction.atomic():
        kit = locked(item.kit)
        item = _current_item(kit, item)
        if minutes is not None:
            item.minutes = minutes
        if note is not None:
            item.note = note.strip()
        check_valid(item)
        item.save(update_fields=["minutes", "note"])
        touch(kit)
    return item


def kit_accept_change(*, item: KitItem) -> KitItem:
    """Take the bank's current wording and guidance into the kit."""
    with transaction.atomic():
        kit = locked(item.kit)
        item = _current_item(kit, item)
        _pin(item, item.question)
        item.save(update_fields=PINNED_FIELDS)
        touch(kit)
    return item


def kit_keep_wording(*, item: KitItem) -> KitItem:
    """Keep the kit's wording, and stop flagging until the question changes again."""
    with transaction.atomic():
        kit = locked(item.kit)
        item = _current_item(kit, item)
        item.seen_text = item.question.text
        item.seen_guidance = item.question.guidance
        item.save(update_fields=["seen_text", "seen_guidance"])
        touch(kit)
    return item


def kit_swap_for_alternate(*, item: KitItem, question: Question) -> KitItem:
    """Ask one of the question's alternates in its place: same position, time box and note,
    the alternate's current wording."""
    with transaction.atomic():
        kit = locked(item.kit)
        item = _current_item(kit, item)
        question = Question.objects.filter(pk=question.pk).first()
        if question is None or not item.question.alternates.filter(pk=question.pk).exists():
            raise KitError("That question is not an alternate of this one.")
        if not question.is_active:
            raise KitError("That question is retired, so it cannot be added to kits.")
        if kit.items.filter(question=question).exists():
            raise KitError("That question is already in this kit.")
        item.question = question
        _pin(item, question)
        item.save(update_fields=["question", *PINNED_FIELDS])
        touch(kit)
    return item


def kit_replace_questions(*, kit: Kit, questions: Sequence[Question]) -> list[KitItem]:
    """Replace everything in the kit with these questions, in this order (after balancing)."""
    with transaction.atomic():
        kit = locked(kit)
        ids = [question.pk for question in questions]
        if len(ids) != len(set(ids)):
            raise KitError("A question can appear only once in a kit.")
        check_room(len(ids))
        current = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
        if any(not current.get(pk) or not current[pk].is_active for pk in ids):
            raise KitError("Some of those questions were retired meanwhile; balance again.")
        kit.items.all().delete()
        anchors = anchors_of(ids)
        items = KitItem.objects.bulk_create(
            KitItem(
                kit=kit,
                question=current[pk],
                position=position,
                minutes=current[pk].minutes,
                pinned_text=current[pk].text,
                pinned_guidance=current[pk].guidance,
                pinned_anchors=anchors.get(pk, []),
            )
            for position, pk in enumerate(ids, start=1)
        )
        touch(kit)
    return items


# What an item keeps of its question's wording, and whether its owner saw a newer one.
PINNED_FIELDS = ["pinned_text", "pinned_guidance", "pinned_anchors", "seen_text", "seen_guidance"]


def _pin(item: KitItem, question: Question) -> None:
    """Pin the question's current wording, guidance and anchors on the item."""
    item.pinned_text = question.text
    item.pinned_guidance = question.guidance
    item.pinned_anchors = anchors_of([question.pk]).get(question.pk, [])
    item.seen_text = item.seen_guidance = ""


def _current_item(kit: Kit, item: KitItem) -> KitItem:
    """Re-read an item under the kit's lock; another window may have removed it."""
    current = KitItem.objects.select_related("question", "kit").filter(pk=item.pk, kit=kit).first()
    if current is None:
        raise KitError("That question is no longer in this kit.")
    return current
