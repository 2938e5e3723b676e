"""The balance generator: questions spread across competencies to fill a kit's time, for a
new kit from a role or an existing kit's new settings.
"""

from collections.abc import Iterable, Sequence

from django.db import transaction

from questions.kits.item_rules import kit_replace_questions
from questions.kits.rules import DEFAULT_TARGET_MINUTES, KIT_QUESTIONS_MAX, kit_create, kit_update
from questions.models import (
    Competency,
    Kit,
    Question,
    Role,
)
from questions.scorecards.effectiveness import asked_lately, rated_answers

# Balancing leaves this share of the slot for introductions and the candidate's questions.
BALANCE_RESERVE_SHARE = 0.2


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


def kit_rebalance(
    *,
    kit: Kit,
    role: Role | None,
    target_minutes: int,
    competencies: Sequence[Competency],
    rotate: bool = False,
) -> tuple[Kit, list[Question]]:
    """Give a kit new balance settings and the questions they choose, as one change: a kit
    never keeps new settings without their questions, nor the reverse."""
    proposal = kit_balance(
        role=role, target_minutes=target_minutes, competencies=competencies, rotate=rotate
    )
    with transaction.atomic():
        kit = kit_update(
            kit=kit, role=role, target_minutes=target_minutes, competencies=competencies
        )
        kit_replace_questions(kit=kit, questions=proposal)
    return kit, proposal


def kit_balance(
    *,
    role: Role | None,
    target_minutes: int,
    competencies: Iterable[Competency] = (),
    reserve_minutes: int | None = None,
    exclude: Iterable[int] = (),
    rotate: bool = False,
) -> list[Question]:
    """Propose questions covering the competencies evenly within the time budget.

    Deterministic: the same bank and inputs give the same list. No question appears twice,
    retired questions are never proposed, and the questions' minutes add up to at most
    `target_minutes - reserve_minutes` (by default a fifth of the slot is left for
    introductions and the candidate's questions). With no competencies given, it uses
    every competency the role has questions in (or the whole bank, without a role).
    Questions written for the role come first; within that, bank order.

    With `rotate`, the questions fewest candidates were asked lately come first instead,
    and of a set of alternates (questions testing the same thing) only the least asked one
    is offered, so a kit never holds two of them.
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
    if rotate:
        pools = _rotated(pools)
    ordered_pools = [
        [(by_id[pk].minutes, pk) for *_, pk in sorted(pool)]
        for _, pool in sorted(pools.items(), key=lambda entry: rank[entry[0]])
    ]
    chosen = balance_pools(ordered_pools, budget, limit=KIT_QUESTIONS_MAX)
    return [by_id[pk] for pk in chosen]


def _rotated(pools: dict[int, list[tuple]]) -> dict[int, list[tuple]]:
    """The pools ordered by how many candidates were asked each question lately, one
    question kept of each set of alternates (the least asked; on a tie, the role's)."""
    ids = [pk for pool in pools.values() for _, pk in pool]
    asked = asked_lately(rated_answers().filter(question_id__in=ids))
    alternates: dict[int, set[int]] = {}
    for left, right in Question.alternates.through.objects.filter(
        from_question_id__in=ids
    ).values_list("from_question_id", "to_question_id"):
        alternates.setdefault(left, set()).add(right)
    rotated = {}
    taken: set[int] = set()
    for competency_id, pool in pools.items():
        ordered = sorted((asked.get(pk, 0), role_first, pk) for role_first, pk in pool)
        kept = []
        for entry in ordered:
            pk = entry[-1]
            if pk in taken:
                continue
            kept.append(entry)
            taken |= {pk, *alternates.get(pk, ())}
        rotated[competency_id] = kept
    return rotated


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
