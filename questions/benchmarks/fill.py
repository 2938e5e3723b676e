"""Synthetic question banks for benchmarks: realistic rows at any size, loaded by COPY.

`bench_data_fill(questions=N, kits=M)` fills the database the settings point at. It is for
benchmark databases only (`make bench` makes its own), so it refuses a database holding any
question it did not write: every synthetic row is marked by the `bench-` prefix of its slug
(roles and the kit owners' usernames too), and the 60 seed questions count as real.

What the rows look like, and why: questions.benchmarks.wording (the words) and
questions.benchmarks.copying (vectors, roles, kits).

How it loads, and why it is fast: one transaction empties the question and kit tables
(TRUNCATE, so no deleting a million rows one by one), streams the questions and their roles
through COPY (`FREEZE`: written frozen and all-visible, as a vacuum would leave them) and
adds kits the same way. The search vocabulary's insert trigger is disabled for the COPY and
re-enabled in the same transaction: it would keep every loaded row in a transition table and
then count their words anyway; instead `questions_searchterm_rebuild()` (the search
migration's function) counts every word once in one statement. Nobody can see the table in
between. At the end, VACUUM ANALYZE gives the planner statistics and merges the search
index's pending entries (only ANALYZE inside a caller's transaction, where VACUUM cannot run).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction

from questions.benchmarks.copying import BENCH_PREFIX, copy_kits, copy_questions, copy_vectors
from questions.benchmarks.wording import COMPETENCY_WEIGHTS
from questions.models import Competency, Kit, KitItem, Question, QuestionVector, Role
from questions.scorecards.models import (
    Candidate,
    Loop,
    LoopInterview,
    Rating,
    RatingScale,
    Scorecard,
)

# Fixed, so a given size always gives the same bank: runs stay comparable.
DEFAULT_SEED = 20261127
ROLES = [
    "E-Commerce Operations Manager",
    "Fulfilment Centre Lead",
    "Customer Service Team Lead",
    "Data Analyst",
    "Marketplace Manager",
    "Supply Chain Planner",
    "Head of Digital",
    "Merchandising Manager",
    "Platform Engineer",
    "Category Manager",
    "Returns Operations Specialist",
    "Growth Marketing Manager",
]


class BenchDataRefused(Exception):
    """The database holds data that is not synthetic; nothing was written."""


@dataclass
class BenchSummary:
    """What a fill wrote, and how long it took."""

    questions: int
    active: int
    kits: int
    kit_items: int
    roles: int
    owners: int
    vocabulary: int
    seconds: float


def bench_data_fill(
    *,
    questions: int,
    kits: int | None = None,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
) -> BenchSummary:
    """Replace the bank's synthetic rows with `questions` new ones and `kits` kits.

    Refuses (BenchDataRefused, nothing written) a database with questions or kits it did not
    write. `kits` defaults to one per thousand questions, at least five.
    """
    if questions < 1:
        raise ValueError("Ask for at least one question.")
    kits = default_kit_count(questions) if kits is None else kits
    if kits < 0:
        raise ValueError("The number of kits cannot be negative.")
    started = time.monotonic()

    def say(message: str) -> None:
        if progress:
            progress(f"{time.monotonic() - started:7.1f} s  {message}")

    rng = random.Random(seed)
    with transaction.atomic():
        _refuse_real_data()
        competencies = _competencies()
        roles = _roles()
        owners = _owners(max(1, min(50, kits // 5 + 1)))
        with connection.cursor() as cursor:
            # Foreign keys are checked as each statement ends rather than at commit: the
            # tables cannot be emptied, nor the vocabulary trigger switched off and on,
            # while checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _empty_bank()
        say(f"Writing {questions:,} questions…")
        generated = copy_questions(rng, questions, competencies, roles)
        say(f"Composing the sentence vectors of {questions:,} questions…")
        copy_vectors(seed, generated.seed_texts)
        say(f"Counting the words of {questions:,} questions…")
        with connection.cursor() as cursor:
            cursor.execute("SELECT questions_searchterm_rebuild()")
            vocabulary = cursor.fetchone()[0]
        say(f"Writing {kits:,} kits…")
        item_count = copy_kits(rng, kits, generated, competencies, roles, owners)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    say("Refreshing statistics…")
    _analyse()
    return BenchSummary(
        questions=questions,
        active=generated.active,
        kits=kits,
        kit_items=item_count,
        roles=len(roles),
        owners=len(owners),
        vocabulary=vocabulary,
        seconds=time.monotonic() - started,
    )


def default_kit_count(questions: int) -> int:
    """One kit per thousand questions, at least five and at most a thousand."""
    return max(5, min(1000, questions // 1000))


# Internals ------------------------------------------------------------------------------


def _refuse_real_data() -> None:
    real = Question.objects.exclude(slug__startswith=BENCH_PREFIX)
    count = real.count()
    if count:
        example = real.order_by("id").values_list("slug", flat=True).first()
        raise BenchDataRefused(
            f"This database holds {count:,} question(s) that bench_data did not write "
            f"(for example “{example}”), so it is not a benchmark database and nothing was "
            "changed. Point DATABASE_URL at an empty database (`make bench` makes its own), "
            "and do not load the seed bank into it."
        )
    foreign_kits = Kit.objects.exclude(owner__username__startswith=BENCH_PREFIX).count()
    if foreign_kits:
        raise BenchDataRefused(
            f"This database holds {foreign_kits:,} kit(s) of people bench_data did not make, "
            "so it is not a benchmark database and nothing was changed."
        )


def _competencies() -> list[Competency]:
    """The seed's competencies, loaded from fixtures/ when any is missing."""
    wanted = list(COMPETENCY_WEIGHTS)
    if Competency.objects.filter(slug__in=wanted).count() < len(wanted):
        call_command("loaddata", "competencies", verbosity=0)
    by_slug = {c.slug: c for c in Competency.objects.filter(slug__in=wanted)}
    return [by_slug[slug] for slug in wanted]


def _roles() -> list[Role]:
    roles = []
    for title in ROLES:
        slug = BENCH_PREFIX + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        role, _ = Role.objects.get_or_create(
            slug=slug,
            defaults={
                "title": f"{title} (synthetic)",
                "summary": f"A synthetic role for benchmarks: {title}.",
            },
        )
        roles.append(role)
    return roles


def _owners(count: int) -> list:
    """Hiring managers who own the kits; they sign in only through a session made for them."""
    User = get_user_model()
    group = Group.objects.filter(name="Hiring manager").first()
    owners = []
    for number in range(1, count + 1):
        user, created = User.objects.get_or_create(username=f"{BENCH_PREFIX}owner-{number:02d}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            if group:
                user.groups.add(group)
        owners.append(user)
    return owners


def _empty_bank() -> None:
    """Remove every question and kit (all synthetic, as checked): TRUNCATE, fast at any size.

    Tables are named, not cascaded to, so a new table pointing at questions stops the fill
    instead of being emptied unseen. The truncate trigger empties the vocabulary too.
    """
    tables = [
        Rating._meta.db_table,
        Scorecard._meta.db_table,
        Candidate._meta.db_table,
        LoopInterview.interviewers.through._meta.db_table,
        LoopInterview._meta.db_table,
        Loop.competencies.through._meta.db_table,
        Loop._meta.db_table,
        RatingScale._meta.db_table,
        KitItem._meta.db_table,
        Kit.competencies.through._meta.db_table,
        Kit._meta.db_table,
        Question.roles.through._meta.db_table,
        Question.alternates.through._meta.db_table,
        QuestionVector._meta.db_table,
        Question._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")


def _analyse() -> None:
    tables = [
        Question._meta.db_table,
        Question.roles.through._meta.db_table,
        QuestionVector._meta.db_table,
        Kit._meta.db_table,
        KitItem._meta.db_table,
        "questions_searchterm",
    ]
    # VACUUM cannot run in a transaction (tests run in one); ANALYZE alone then.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")
