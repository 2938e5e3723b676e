"""What pages and the API read about kits: who sees which kits, a kit's items in order, its
summary against its target, its competency sections and what changed in a pinned wording.
"""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from questions.models import (
    Competency,
    Kit,
    KitItem,
    Question,
)
from questions.scorecards.effectiveness import asked_lately, rated_answers
from questions.scorecards.models import LoopInterview, RatingScale, Recommendation

# The overall recommendation printed at the end of a kit, worded as scorecards record it.
RECOMMENDATIONS = list(Recommendation.labels)


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


@dataclass(frozen=True)
class Alternate:
    """A question that tests the same thing as one in the kit, and how often it was asked."""

    question: Question
    asked_lately: int


def alternates_for(items: Sequence[KitItem]) -> dict[int, list[Alternate]]:
    """Per question in the kit, its active alternates not in the kit, least asked first.
    Two queries, whatever the kit's size."""
    in_kit = {item.question_id for item in items}
    links = list(
        Question.alternates.through.objects.filter(
            from_question_id__in=in_kit, to_question__is_active=True
        )
        .exclude(to_question_id__in=in_kit)
        .select_related("to_question")
    )
    if not links:
        return {}
    ids = {link.to_question_id for link in links}
    asked = asked_lately(rated_answers().filter(question_id__in=ids))
    found: dict[int, list[Alternate]] = {}
    for link in links:
        found.setdefault(link.from_question_id, []).append(
            Alternate(link.to_question, asked.get(link.to_question_id, 0))
        )
    for alternates in found.values():
        alternates.sort(key=lambda alternate: (alternate.asked_lately, alternate.question.pk))
    return found


def kits_to_add_to(user) -> QuerySet[Kit]:
    """The person's kits a question can go into: not archived, the latest changed first."""
    return Kit.objects.owned_by(user).active().order_by("-updated_at", "pk")


def anchors_of(question_ids) -> dict[int, list[str]]:
    """The questions' rating scales (levels 1 to 5), for kit items to pin with the wording."""
    return {
        scale.question_id: scale.anchors
        for scale in RatingScale.objects.filter(question_id__in=question_ids)
    }


# Why a signed-in person is refused kit building, the same on pages and in the API.
CANNOT_BUILD = (
    "Your account can open kits shared with you but cannot build kits. "
    "Ask an admin to add you to the Hiring manager group."
)
NO_LONGER_BUILDS = (
    "Your account can no longer change kits. Ask an admin to add you to the Hiring manager group."
)


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


def kit_shared(token: str) -> Kit | None:
    """The kit a share link points at, or None when the link is unknown or revoked."""
    if not token:
        return None
    return Kit.objects.select_related("role", "owner").filter(share_token=token).first()
