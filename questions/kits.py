"""What a kit does: every rule about building, balancing, pinning and sharing kits.

HTML views and the API call these functions and nothing else writes kits. Writes that touch
more than one row lock the kit row first (`select_for_update`), so two tabs editing the same
kit run one after the other and positions stay dense: 1, 2, 3 … with no gaps or repeats.
A broken rule raises `KitError`, whose message is fit to show the person.
"""

import csv
import difflib
import io
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questions.models import (
    KIT_ITEM_MINUTES_MAX,
    KIT_ITEM_MINUTES_MIN,
    KIT_TARGET_MAX,
    KIT_TARGET_MIN,
    Competency,
    Kit,
    KitItem,
    Question,
    Role,
)
from questions.scorecards.models import RATING_SCALE, LoopInterview, RatingScale, Recommendation
from questions.spreadsheets import neutralised

DEFAULT_TARGET_MINUTES = 45
# How long after removing a question "Undo" can put it back.
UNDO_REMOVAL_SECONDS = 15 * 60
_UNDO_REMOVAL_SALT = "questions.kits.undo-removal"
# Balancing leaves this share of the slot for introductions and the candidate's questions.
BALANCE_RESERVE_SHARE = 0.2
TITLE_MAX_LENGTH = Kit._meta.get_field("title").max_length
# A day of interviews asks a few dozen questions; a kit past this is a mistake or an attack,
# and would make its PDF (about 20 ms a question) hold a server process for seconds.
KIT_QUESTIONS_MAX = 100
KIT_FULL_MESSAGE = (
    f"A kit holds at most {KIT_QUESTIONS_MAX} questions. Remove one to add another, "
    "or start a second kit."
)

# The overall recommendation printed at the end of a kit, worded as scorecards record it.
RECOMMENDATIONS = list(Recommendation.labels)
# Default of kit_update() arguments that are left as they are (None is a value for role).
UNCHANGED: Any = object()


class KitError(Exception):
    """A kit rule was broken; `message` says what, in words fit for the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Reads ----------------------------------------------------------------------------------


def kit_items(kit: Kit) -> QuerySet[KitItem]:
    """The kit's items in order, with what a kit page shows about each question."""
    # The question's search vector is only read inside SQL; don't carry it into every item.
    return (
        kit.items.select_related("question__competency")
        .defer("question__search_vector")
        .order_by("position")
    )


def kits_visible_to(user) -> QuerySet[Kit]:
    """Kits a signed-in person may read without a share link: their own and those of the
    interviews they are assigned to in a loop; staff see all."""
    if not user.is_authenticated:
        return Kit.objects.none()
    if user.is_staff:
        return Kit.objects.all()
    interviewing = LoopInterview.objects.assigned_to(user).values("kit")
    return Kit.objects.filter(Q(owner_id=user.pk) | Q(pk__in=interviewing))


def kits_using(question: Question, *, user) -> QuerySet[Kit]:
    """The person's own kits that use the question, by title; nobody else's.

    Counts of use cover everyone's kits (`Question.objects.with_usage()`), but a kit's title
    is shown only to its owner.
    """
    if not user.is_authenticated:
        return Kit.objects.none()
    return Kit.objects.owned_by(user).filter(items__question=question).order_by("title", "pk")


def anchors_of(question_ids) -> dict[int, list[str]]:
    """The questions' rating scales (levels 1 to 5), for kit items to pin with the wording."""
    return {
        scale.question_id: scale.anchors
        for scale in RatingScale.objects.filter(question_id__in=question_ids)
    }


def can_build_kits(user) -> bool:
    """Hiring managers (and superusers) build kits; everyone else may only read shared ones."""
    return user.has_perm("questions.add_kit")


@dataclass
class CompetencyCoverage:
    """How much of a kit one competency takes."""

    competency: Competency
    questions: int = 0
    minutes: int = 0
    # Where this competency's segment starts and how wide it is on the budget bar (0-100).
    bar_start: float = 0.0
    bar_width: float = 0.0


@dataclass
class KitSummary:
    """Counts, time against the target and competency coverage, as shown beside a kit."""

    count: int
    total_minutes: int
    target_minutes: int
    coverage: list[CompetencyCoverage]
    missing: list[Competency]
    wanted: list[Competency]
    # Whether the owner chose competencies for the kit, or all of them count.
    chosen: bool = False
    changed: int = 0
    retired: int = 0

    @property
    def over_budget(self) -> bool:
        return self.total_minutes > self.target_minutes

    @property
    def over_by(self) -> int:
        return max(0, self.total_minutes - self.target_minutes)

    @property
    def remaining(self) -> int:
        return max(0, self.target_minutes - self.total_minutes)

    @property
    def target_mark(self) -> float:
        """Where the target sits on the budget bar (0-100): short of the end when over."""
        return round(100 * self.target_minutes / max(self.total_minutes, self.target_minutes), 2)


def kit_summary(
    kit: Kit,
    items: Sequence[KitItem] | None = None,
    *,
    competencies: Sequence[Competency] | None = None,
) -> KitSummary:
    """Number of questions, minutes against the target and coverage per competency.

    `items` and `competencies` (all of them, in display order) may be passed when the caller
    has them already, so a page asks the database once. The competencies the kit misses are
    those chosen for the kit that no question covers; when none were chosen, every competency.
    """
    items = list(kit_items(kit)) if items is None else list(items)
    all_competencies = list(Competency.objects.all() if competencies is None else competencies)
    wanted_ids = {c.pk for c in kit.competencies.all()}
    wanted = [c for c in all_competencies if c.pk in wanted_ids] or all_competencies
    by_id: dict[int, CompetencyCoverage] = {}
    for item in items:
        cover = by_id.setdefault(
            item.question.competency_id, CompetencyCoverage(item.question.competency)
        )
        cover.questions += 1
        cover.minutes += item.minutes
    order = {c.pk: i for i, c in enumerate(all_competencies)}
    coverage = sorted(by_id.values(), key=lambda c: order.get(c.competency.pk, len(order)))
    total = sum(item.minutes for item in items)
    scale = max(total, kit.target_minutes) or 1
    start = 0.0
    for cover in coverage:
        cover.bar_start = round(100 * start / scale, 2)
        cover.bar_width = round(100 * cover.minutes / scale, 2)
        start += cover.minutes
    return KitSummary(
        count=len(items),
        total_minutes=total,
        target_minutes=kit.target_minutes,
        coverage=coverage,
        missing=[c for c in wanted if c.pk not in by_id],
        wanted=wanted,
        chosen=bool(wanted_ids),
        changed=sum(item.changed_in_bank for item in items),
        retired=sum(item.is_retired for item in items),
    )


@dataclass
class KitSection:
    """A run of consecutive questions on one competency, as the interviewer meets them."""

    competency: Competency
    items: list[KitItem] = field(default_factory=list)
    starts_at: int = 0

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)


def kit_sections(kit: Kit, items: Sequence[KitItem] | None = None) -> list[KitSection]:
    """The kit in order, grouped into runs by competency, each item knowing when it starts.

    Sets `starts_at` (minutes from the start of the interview) on each item.
    """
    items = list(kit_items(kit)) if items is None else list(items)
    sections: list[KitSection] = []
    elapsed = 0
    for item in items:
        if not sections or sections[-1].competency.pk != item.question.competency_id:
            sections.append(KitSection(item.question.competency, starts_at=elapsed))
        item.starts_at = elapsed
        sections[-1].items.append(item)
        elapsed += item.minutes
    return sections


@dataclass
class WordingDiff:
    """The kit's pinned wording beside the bank's, with the differences marked."""

    old_text: SafeString
    new_text: SafeString
    old_guidance: SafeString
    new_guidance: SafeString
    text_changed: bool
    guidance_changed: bool


def kit_item_diff(item: KitItem) -> WordingDiff:
    """Compare an item's pinned wording with the question's current wording, word by word."""
    old_text, new_text = _marked_diff(item.pinned_text, item.question.text)
    old_guidance, new_guidance = _marked_diff(item.pinned_guidance, item.question.guidance)
    return WordingDiff(
        old_text=old_text,
        new_text=new_text,
        old_guidance=old_guidance,
        new_guidance=new_guidance,
        text_changed=item.pinned_text != item.question.text,
        guidance_changed=item.pinned_guidance != item.question.guidance,
    )


def _marked_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Escape both texts and wrap what changed in <del> (old side) and <ins> (new side)."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    old_html: list[str] = []
    new_html: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = escape("".join(old_words[i1:i2])), escape("".join(new_words[j1:j2]))
        if op == "equal":
            old_html.append(before)
            new_html.append(after)
            continue
        if before:
            old_html.append(f"<del>{before}</del>")
        if after:
            new_html.append(f"<ins>{after}</ins>")
    # Every piece was escaped above; only our own <del>/<ins> tags are markup.
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))


# Kits -----------------------------------------------------------------------------------


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
    _full_clean(kit)
    with transaction.atomic():
        kit.save()
        kit.competencies.set(list(competencies))
    return kit


def kit_create_from_role(
    *,
    owner,
    role: Role | None,
    title: str = "",
    target_minutes: int = DEFAULT_TARGET_MINUTES,
    competencies: Iterable[Competency] = (),
    notes: str = "",
) -> Kit:
    """Create a kit already filled with a balanced set of questions for the role."""
    competencies = list(competencies)
    with transaction.atomic():
        kit = kit_create(
            owner=owner,
            title=title,
            role=role,
            target_minutes=target_minutes,
            notes=notes,
            competencies=competencies,
        )
        questions = kit_balance(role=role, target_minutes=target_minutes, competencies=competencies)
        kit_replace_questions(kit=kit, questions=questions)
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
        kit = _lock(kit)
        if role is not UNCHANGED:
            kit.role = role
        if title is not None:
            kit.title = _title(title, kit.role)
        if target_minutes is not None:
            kit.target_minutes = target_minutes
        if notes is not None:
            kit.notes = notes
        _full_clean(kit)
        kit.save()
        if competencies is not None:
            kit.competencies.set(list(competencies))
    return kit


def kit_duplicate(*, kit: Kit, owner) -> Kit:
    """Copy a kit, its questions, pinned wording, minutes and notes, for `owner`. Not shared."""
    with transaction.atomic():
        source = Kit.objects.select_for_update().get(pk=kit.pk)
        _check_room(source.items.count())
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


def kit_shared(token: str) -> Kit | None:
    """The kit a share link points at, or None when the link is unknown or revoked."""
    if not token:
        return None
    return Kit.objects.select_related("role", "owner").filter(share_token=token).first()


# Items ----------------------------------------------------------------------------------


def kit_add_question(
    *, kit: Kit, question: Question, minutes: int | None = None, note: str = ""
) -> KitItem:
    """Add a question at the end of the kit, pinning its current wording."""
    with transaction.atomic():
        kit = _lock(kit)
        question = Question.objects.filter(pk=question.pk).first()
        if question is None:
            raise KitError("That question is no longer in the bank.")
        if not question.is_active:
            raise KitError("That question is retired, so it cannot be added to kits.")
        if kit.items.filter(question=question).exists():
            raise KitError("That question is already in this kit.")
        count = kit.items.count()
        _check_room(count + 1)
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
        _check_minutes(item.minutes)
        _full_clean(item)
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError as error:  # the lock makes this unlikely; stay friendly anyway
            raise KitError("That question is already in this kit.") from error
        _touch(kit)
    return item


def kit_remove_item(*, item: KitItem) -> KitItem:
    """Take an item out of its kit and close the gap in positions; return it as it was."""
    with transaction.atomic():
        kit = _lock(item.kit)
        item = _current_item(kit, item)
        item.delete()
        kit.items.filter(position__gt=item.position).update(position=F("position") - 1)
        _touch(kit)
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
        kit = _lock(kit)
        question = Question.objects.filter(pk=removed["question"]).first()
        if question is None:
            raise KitError("That question is no longer in the bank.")
        if kit.items.filter(question=question).exists():
            raise KitError("That question is already in this kit.")
        count = kit.items.count()
        _check_room(count + 1)
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
        _touch(kit)
    return item


def kit_move_item(*, item: KitItem, direction: Literal["up", "down"]) -> KitItem:
    """Swap an item with its neighbour above or below. At either end nothing moves."""
    if direction not in ("up", "down"):
        raise KitError("Move a question up or down.")
    with transaction.atomic():
        kit = _lock(item.kit)
        item = _current_item(kit, item)
        target = item.position - 1 if direction == "up" else item.position + 1
        neighbour = kit.items.filter(position=target).first()
        if neighbour is None:
            return item
        # The position constraint is checked at commit, so the two can swap in place.
        KitItem.objects.filter(pk=neighbour.pk).update(position=item.position)
        KitItem.objects.filter(pk=item.pk).update(position=target)
        item.position = target
        _touch(kit)
    return item


def kit_set_order(*, kit: Kit, item_ids: Sequence[int | str]) -> None:
    """Put the kit's items in the given order; the list must be exactly the kit's items."""
    try:
        wanted = [int(item_id) for item_id in item_ids]
    except (TypeError, ValueError) as error:
        raise KitError("That order was not understood; reload the kit and try again.") from error
    with transaction.atomic():
        kit = _lock(kit)
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
            _touch(kit)


def kit_update_item(
    *, item: KitItem, minutes: int | None = None, note: str | None = None
) -> KitItem:
    """Change an item's time box and/or the interviewer note."""
    if minutes is not None:
        _check_minutes(minutes)
    with transaction.atomic():
        kit = _lock(item.kit)
        item = _current_item(kit, item)
        if minutes is not None:
            item.minutes = minutes
        if note is not None:
            item.note = note.strip()
        _full_clean(item)
        item.save(update_fields=["minutes", "note"])
        _touch(kit)
    return item


def kit_accept_change(*, item: KitItem) -> KitItem:
    """Take the bank's current wording and guidance into the kit."""
    with transaction.atomic():
        kit = _lock(item.kit)
        item = _current_item(kit, item)
        item.pinned_text = item.question.text
        item.pinned_guidance = item.question.guidance
        item.pinned_anchors = anchors_of([item.question_id]).get(item.question_id, [])
        item.seen_text = item.seen_guidance = ""
        item.save(
            update_fields=[
                "pinned_text",
                "pinned_guidance",
                "pinned_anchors",
                "seen_text",
                "seen_guidance",
            ]
        )
        _touch(kit)
    return item


def kit_keep_wording(*, item: KitItem) -> KitItem:
    """Keep the kit's wording, and stop flagging until the question changes again."""
    with transaction.atomic():
        kit = _lock(item.kit)
        item = _current_item(kit, item)
        item.seen_text = item.question.text
        item.seen_guidance = item.question.guidance
        item.save(update_fields=["seen_text", "seen_guidance"])
        _touch(kit)
    return item


def kit_replace_questions(*, kit: Kit, questions: Sequence[Question]) -> list[KitItem]:
    """Replace everything in the kit with these questions, in this order (after balancing)."""
    with transaction.atomic():
        kit = _lock(kit)
        ids = [question.pk for question in questions]
        if len(ids) != len(set(ids)):
            raise KitError("A question can appear only once in a kit.")
        _check_room(len(ids))
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
        _touch(kit)
    return items


# Balancing ------------------------------------------------------------------------------


def kit_balance(
    *,
    role: Role | None,
    target_minutes: int,
    competencies: Iterable[Competency] = (),
    reserve_minutes: int | None = None,
    exclude: Iterable[int] = (),
) -> list[Question]:
    """Propose questions covering the competencies evenly within the time budget.

    Deterministic: the same bank and inputs give the same list. No question appears twice,
    retired questions are never proposed, and the questions' minutes add up to at most
    `target_minutes - reserve_minutes` (by default a fifth of the slot is left for
    introductions and the candidate's questions). With no competencies given, it uses
    every competency the role has questions in (or the whole bank, without a role).
    Questions written for the role come first; within that, bank order.
    """
    if reserve_minutes is None:
        reserve_minutes = round(target_minutes * BALANCE_RESERVE_SHARE)
    budget = max(0, target_minutes - max(0, reserve_minutes))
    candidates = (
        Question.objects.active().exclude(pk__in=list(exclude)).select_related("competency")
    )
    competencies = list(competencies)
    if competencies:
        candidates = candidates.filter(competency__in=competencies)
    elif role is not None:
        candidates = candidates.filter(competency__questions__roles=role).distinct()
    role_question_ids = set(role.questions.values_list("pk", flat=True)) if role else set()
    pools: dict[int, list[tuple[int, int]]] = {}
    by_id: dict[int, Question] = {}
    rank: dict[int, tuple[int, int]] = {}
    for question in candidates.order_by("competency__display_order", "id"):
        by_id[question.pk] = question
        rank[question.competency_id] = (
            question.competency.display_order,
            question.competency_id,
        )
        pools.setdefault(question.competency_id, []).append(
            (0 if question.pk in role_question_ids else 1, question.pk)
        )
    ordered_pools = [
        [(by_id[pk].minutes, pk) for _, pk in sorted(pool)]
        for _, pool in sorted(pools.items(), key=lambda entry: rank[entry[0]])
    ]
    chosen = balance_pools(ordered_pools, budget, limit=KIT_QUESTIONS_MAX)
    return [by_id[pk] for pk in chosen]


def balance_pools(
    pools: Sequence[Sequence[tuple[int, int]]], budget: int, *, limit: int | None = None
) -> list[int]:
    """Pick ids from pools of (minutes, id) in whole rounds: one more from every pool each time.

    At most `limit` ids in all: a round that would pass it is not taken.

    A round takes from each pool that still has questions its first one that fits the time
    left (pool order), or failing that each pool's shortest; it counts only if every such
    pool gets one, so the pools end level (a pool that runs out simply stops). If not even
    the first round fits, as many pools as fit get their shortest question, shortest first.
    The result is grouped by pool in the pools' order, each group in the order picked.
    """
    taken: list[list[int]] = [[] for _ in pools]
    left = [list(pool) for pool in pools]
    remaining = budget
    first_round = True
    while live := [index for index in range(len(pools)) if left[index]]:
        picks, spare = _round_in_pool_order(left, live, remaining)
        if len(picks) < len(live):
            picks, spare = _round_shortest_first(left, live, remaining)
            if len(picks) < len(live) and not first_round:
                break
        if not picks:
            break
        if limit is not None and sum(map(len, taken)) + len(picks) > limit:
            break
        for index, length, item_id in picks:
            taken[index].append(item_id)
            left[index].remove((length, item_id))
        remaining = spare
        if len(picks) < len(live):
            break
        first_round = False
    return [item_id for group in taken for item_id in group]


def _round_in_pool_order(
    left: list[list[tuple[int, int]]], live: list[int], budget: int
) -> tuple[list[tuple[int, int, int]], int]:
    """Each pool's first question that still fits, pools in order."""
    picks = []
    for index in live:
        choice = next((pick for pick in left[index] if pick[0] <= budget), None)
        if choice is not None:
            picks.append((index, *choice))
            budget -= choice[0]
    return picks, budget


def _round_shortest_first(
    left: list[list[tuple[int, int]]], live: list[int], budget: int
) -> tuple[list[tuple[int, int, int]], int]:
    """Each pool's shortest question, the shortest taken first, while they fit."""
    picks = []
    for (length, item_id), index in sorted((min(left[index]), index) for index in live):
        if length <= budget:
            picks.append((index, length, item_id))
            budget -= length
    return sorted(picks), budget


# Exports --------------------------------------------------------------------------------

CSV_HEADER = [
    "position",
    "competency",
    "question",
    "what to look for",
    "minutes",
    "interviewer note",
    "retired",
]


def kit_csv(kit: Kit, items: Sequence[KitItem] | None = None) -> str:
    """The kit as CSV, one row per question in order, with the pinned wording."""
    items = list(kit_items(kit)) if items is None else items
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for item in items:
        writer.writerow(
            [
                item.position,
                neutralised(item.question.competency.name),
                neutralised(item.pinned_text),
                neutralised(item.pinned_guidance),
                item.minutes,
                neutralised(item.note),
                "yes" if item.is_retired else "",
            ]
        )
    return out.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _md(text: str) -> str:
    """Escape Markdown punctuation so bank text reads literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def kit_markdown(kit: Kit, items: Sequence[KitItem] | None = None) -> str:
    """The kit as a Markdown document an interviewer can paste anywhere."""
    items = list(kit_items(kit)) if items is None else items
    summary = kit_summary(kit, items)
    lines = [f"# {_md(kit.title)}", ""]
    facts = [f"{summary.count} questions", f"{summary.total_minutes} of {kit.target_minutes} min"]
    if kit.role:
        facts.insert(0, _md(kit.role.title))
    lines += [" · ".join(facts), ""]
    if kit.notes:
        lines += ["## Interview prep", "", _md(kit.notes), ""]
    lines += ["## Rating scale", ""]
    lines += [f"- **{score} {name}**: {text}" for score, name, text in RATING_SCALE]
    lines.append("")
    for section in kit_sections(kit, items):
        lines += [f"## {_md(section.competency.name)}", ""]
        for item in section.items:
            retired = " (retired from the bank)" if item.is_retired else ""
            lines += [
                f"### {item.position}. {_md(item.pinned_text)}",
                "",
                f"*{item.minutes} min, from minute {item.starts_at}*{retired}",
                "",
                f"**What to look for:** {_md(item.pinned_guidance)}",
                "",
            ]
            if item.note:
                lines += [f"**Note:** {_md(item.note)}", ""]
            if item.pinned_anchors:
                lines += ["**Rating anchors:**", ""]
                lines += [
                    f"- **{level}**: {_md(anchor)}"
                    for level, anchor in enumerate(item.pinned_anchors, start=1)
                ]
                lines.append("")
            levels = " · ".join(str(level) for level, _, _ in RATING_SCALE)
            lines += [f"Rating: {levels}", "", "Notes:", ""]
    lines += ["## Overall recommendation", "", " · ".join(RECOMMENDATIONS), ""]
    return "\n".join(lines)


# Internals ------------------------------------------------------------------------------


def _lock(kit: Kit) -> Kit:
    """Lock the kit row for this transaction, so concurrent edits of it queue up."""
    locked = Kit.objects.select_for_update().filter(pk=kit.pk).first()
    if locked is None:
        raise KitError("This kit no longer exists.")
    if locked.is_archived:
        raise KitError("This kit is archived. Restore it to change it.")
    return locked


def _current_item(kit: Kit, item: KitItem) -> KitItem:
    """Re-read an item under the kit's lock; another window may have removed it."""
    current = KitItem.objects.select_related("question", "kit").filter(pk=item.pk, kit=kit).first()
    if current is None:
        raise KitError("That question is no longer in this kit.")
    return current


def _touch(kit: Kit) -> None:
    """Mark the kit as changed now, so "My kits" lists recent work first."""
    Kit.objects.filter(pk=kit.pk).update(updated_at=timezone.now())


def _check_room(count: int) -> None:
    """Refuse a kit of `count` questions if that is more than a kit may hold."""
    if count > KIT_QUESTIONS_MAX:
        raise KitError(KIT_FULL_MESSAGE)


def _check_minutes(minutes: int) -> None:
    if not KIT_ITEM_MINUTES_MIN <= minutes <= KIT_ITEM_MINUTES_MAX:
        raise KitError(
            f"Minutes must be between {KIT_ITEM_MINUTES_MIN} and {KIT_ITEM_MINUTES_MAX}.",
            field="minutes",
        )


def _full_clean(instance: Kit | KitItem) -> None:
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
