"""The candidate prep packet: what a candidate may know before a loop — the interviews,
their length and the competencies each assesses — and never the questions or guidance.

Telling candidates which dimensions they will be assessed on raises their performance and
the interviews' construct validity (Klehe, König, Richter, Kleinmann and Melchers, 2008),
without the questions themselves leaking. The packet is a link the loop's hiring manager
turns on (off by default), replaces or turns off, like a kit's share link.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction

from questions.models import Competency, KitItem
from questions.scorecards.models import Loop


@dataclass(frozen=True)
class PrepInterview:
    position: int
    title: str
    minutes: int
    competencies: list[Competency]


def prep_share(*, loop: Loop, regenerate: bool = False) -> Loop:
    """Turn the packet's link on; `regenerate` replaces it, so the old link stops."""
    with transaction.atomic():
        loop = Loop.objects.select_for_update().get(pk=loop.pk)
        if regenerate or not loop.prep_token:
            loop.prep_token = secrets.token_urlsafe(32)
            loop.save(update_fields=["prep_token", "updated_at"])
    return loop


def prep_revoke(*, loop: Loop) -> Loop:
    """Turn the packet's link off: anyone opening it gets a 404."""
    with transaction.atomic():
        loop = Loop.objects.select_for_update().get(pk=loop.pk)
        loop.prep_token = None
        loop.save(update_fields=["prep_token", "updated_at"])
    return loop


def loop_for_prep(token: str) -> Loop | None:
    """The loop a packet link points at, or None when it is unknown or turned off."""
    if not token:
        return None
    return Loop.objects.select_related("role").filter(prep_token=token).first()


def prep_packet(loop: Loop) -> list[PrepInterview]:
    """The loop's interviews in order, each with its slot and the competencies its questions
    assess (in the bank's order). Three queries, whatever the loop's size."""
    interviews = list(loop.interviews.select_related("kit").order_by("position"))
    assessed: dict[int, set[int]] = {}
    for kit_id, competency_id in KitItem.objects.filter(
        kit__in=[interview.kit_id for interview in interviews]
    ).values_list("kit_id", "question__competency_id"):
        assessed.setdefault(kit_id, set()).add(competency_id)
    # An empty set asks the database nothing.
    competencies = Competency.objects.filter(pk__in=set().union(*assessed.values()))
    competencies = list(competencies.order_by("display_order"))
    return [
        PrepInterview(
            position=number,
            title=interview.kit.title,
            minutes=interview.kit.target_minutes,
            competencies=[c for c in competencies if c.pk in assessed.get(interview.kit_id, ())],
        )
        for number, interview in enumerate(interviews, start=1)
    ]
