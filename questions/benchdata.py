"""Synthetic question banks for benchmarks: realistic rows at any size, loaded by COPY.

`bench_data_fill(questions=N, kits=M)` fills the database the settings point at. It is for
benchmark databases only (`make bench` makes its own), so it refuses a database holding any
question it did not write: every synthetic row is marked by the `bench-` prefix of its slug
(roles and the kit owners' usernames too), and the 60 seed questions count as real.

What the rows look like, and why:

- **Words.** Each question is one of the seed's questions (fixtures/questions.json) with
  some of its words swapped for other words of the seed with the same ending, drawn as
  often as the seed uses them, so the bank keeps the seed's vocabulary and its natural,
  Zipf-like spread: a few words ("candidate", "customer") are in a large share of
  questions, most in few. Its guidance is the seed question's own, reworded the same way,
  sometimes with one more sentence from the same competency, so about as long as the
  seed's. About half the questions also name products, teams or markets ("Ask how they
  would apply this to Zarvenel.") from a long tail of made-up names drawn with Zipf's law,
  the way real banks mention their own tools: this is where the rare words are.
  `bench_words()` names a word of each kind; their shares hold at every size.
- **Vectors.** Each question's sentence vector is its seed question's, with a little
  deterministic noise (`_copy_vectors`): composed in minutes for a million, where encoding
  would take hours; searches then take the real path (query encoded, HNSW index read).
- **The rest.** Competencies are the seed's (loaded if missing), with a mild skew between
  them; twelve synthetic roles, most questions in one or two; type, level and minutes
  follow the seed question reworded; 3% of questions are retired; creation dates spread over
  three years in id order. Kits hold 5 to 60 items (the first kit exactly 60, for the
  benchmark's kit page), are owned by synthetic hiring managers and cover two to four
  competencies each, with the items' wording pinned as the kit builder pins it.

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

import json
import random
import re
import time
import uuid
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction

from questions import embeddings, meaning
from questions.models import Competency, Kit, KitItem, Question, QuestionVector, Role
from questions.scorecards.models import (
    Candidate,
    Loop,
    LoopInterview,
    Rating,
    RatingScale,
    Scorecard,
)

BENCH_PREFIX = "bench-"
# Fixed, so a given size always gives the same bank: runs stay comparable.
DEFAULT_SEED = 20261127

# Made-up names (products, teams, markets) in the long tail, and the Zipf exponent of their use.
TAIL_SIZE = 50_000
TAIL_EXPONENT = 1.05
# Share of content words swapped for another seed word, and of questions naming tail words.
SWAP_RATE = 0.15
TEXT_CONTEXT_RATE = 0.3
GUIDANCE_FOLLOW_UP_RATE = 0.5
EXTRA_SENTENCE_RATE = 0.3
RETIRED_RATE = 0.03
KIT_ITEMS_MIN, KIT_ITEMS_MAX = 5, 60
# How far a question's composed vector strays from its seed question's (see _copy_vectors),
# and what its source hash says, so that `embed_questions` would encode it for real.
VECTOR_NOISE = 0.62
COMPOSED_VECTOR = "composed"

# Words of the benchmark's query mix, with the share of questions they are in at any size
# (measured on generated banks): a made-up name of the tail in about 4 questions in 10,000;
# a seed word in about 2%; the commonest seed word that means something, in about 60%.
RARE_WORD_RANK = 270
MID_WORD = "forecasting"
COMMON_WORD = "candidate"

COMPETENCY_WEIGHTS = {
    "strategy": 0.16,
    "project-management": 0.18,
    "data-analysis": 0.2,
    "technical": 0.14,
    "customer-service": 0.2,
    "leadership": 0.12,
}
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
TEXT_CONTEXTS = [
    "Thinking of your work at {t}, ",
    "In a role like the one at {t}, ",
    "For a team such as {t}, ",
    "If you joined us at {t}, ",
]
FOLLOW_UPS = [
    "Ask how they would apply this to {t}.",
    "Follow up on their experience with {t}.",
    "Strong answers mention {t} or {u}.",
    "Probe for specifics about the {t} rollout.",
    "Listen for concrete results from {t} and {u}.",
    "It helps if they have worked with {t}.",
]
# Words never swapped: they carry the grammar, and swapping them reads as noise.
_KEEP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "more",
        "most",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
        "yours",
        "candidate",
        "candidates",
    ]
)
_EDGE = "\"'“”‘’.,;:!?()"
# Endings that roughly tell verbs, nouns, adjectives and adverbs apart, longest first.
_ENDINGS = (
    "ization",
    "ation",
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ing",
    "ies",
    "ed",
    "ly",
    "al",
    "ive",
    "ful",
    "ous",
    "ic",
    "ers",
    "s",
)
_WORD = re.compile(r"^[A-Za-z][A-Za-z/-]*[A-Za-z]$")


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
        generated = _copy_questions(rng, questions, competencies, roles)
        say(f"Composing the sentence vectors of {questions:,} questions…")
        _copy_vectors(seed, generated.seed_texts)
        say(f"Counting the words of {questions:,} questions…")
        with connection.cursor() as cursor:
            cursor.execute("SELECT questions_searchterm_rebuild()")
            vocabulary = cursor.fetchone()[0]
        say(f"Writing {kits:,} kits…")
        item_count = _copy_kits(rng, kits, generated, competencies, roles, owners)
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


def bench_words() -> dict[str, str]:
    """The query mix's single words: rare (a made-up name), mid and common (seed words)."""
    return {"rare": tail_word(RARE_WORD_RANK), "mid": MID_WORD, "common": COMMON_WORD}


def tail_word(rank: int) -> str:
    """The made-up name of this rank (1 = most used) in the long tail."""
    return _tail()[rank - 1]


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
        QuestionVector._meta.db_table,
        Question._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")


@dataclass
class _Generated:
    """What the kits need to know about the questions written: ids by competency."""

    by_competency: dict[int, list[int]]
    active: int
    # For each question in id order, the seed question it rewords.
    seed_texts: list[str]


def _copy_questions(
    rng: random.Random, count: int, competencies: list[Competency], roles: list[Role]
) -> _Generated:
    table = Question._meta.db_table
    roles_table = Question.roles.through._meta.db_table
    columns = (
        "id, slug, text, guidance, competency_id, question_type, level, minutes, "
        "is_active, created_at, updated_at"
    )
    writer = _writer()
    by_competency: dict[int, list[int]] = defaultdict(list)
    role_links: list[tuple[int, int]] = []
    role_ids = [role.id for role in roles]
    role_weights = list(accumulate(1 / rank for rank in range(1, len(roles) + 1)))
    competency_ids = {c.slug: c.id for c in competencies}
    active = 0
    seed_texts: list[str] = []
    start = datetime.now(tz=UTC) - timedelta(days=3 * 365)
    step = timedelta(days=3 * 365) / count
    with connection.cursor() as cursor:
        # A statement-level trigger with a transition table would keep every loaded row
        # until the end of the COPY; the vocabulary is rebuilt in one statement afterwards.
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER questions_question_vocabulary_insert")
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FREEZE)") as copy:
            for pk, question in enumerate(writer.questions(rng, count), start=1):
                competency_id = competency_ids[question.competency]
                seed_texts.append(question.seed_text)
                is_active = rng.random() >= RETIRED_RATE
                if is_active:
                    active += 1
                    by_competency[competency_id].append(pk)
                created = start + step * pk
                copy.write_row(
                    (
                        pk,
                        f"{BENCH_PREFIX}{pk}-{question.slug}",
                        question.text,
                        question.guidance,
                        competency_id,
                        question.question_type,
                        question.level,
                        question.minutes,
                        is_active,
                        created,
                        created + timedelta(hours=rng.random() * 48),
                    )
                )
                link_count = rng.choices((0, 1, 2), (1, 7, 2))[0]
                for role_id in {
                    role_ids[bisect(role_weights, rng.random() * role_weights[-1])]
                    for _ in range(link_count)
                }:
                    role_links.append((pk, role_id))
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER questions_question_vocabulary_insert")
        with cursor.cursor.copy(
            f"COPY {roles_table} (question_id, role_id) FROM STDIN (FREEZE)"
        ) as copy:
            for link in role_links:
                copy.write_row(link)
        _reset_sequence(cursor, table)
    return _Generated(by_competency=dict(by_competency), active=active, seed_texts=seed_texts)


def _copy_vectors(seed: int, seed_texts: list[str]) -> None:
    """Sentence vectors composed, not encoded: each question's is its seed question's vector
    with a little deterministic noise (cosine about 0.85 to it, as a rewording's is), so a
    million cost minutes, not hours. The HNSW index is dropped for the load and built after.
    Searches then run the real path: query encoded, index read, vectors compared.
    """
    if not embeddings.available():
        return
    texts = sorted(set(seed_texts))
    index = {text: position for position, text in enumerate(texts)}
    base = embeddings.encode(texts)
    of_seed = np.fromiter((index[text] for text in seed_texts), dtype=np.int32)
    noise_rng = np.random.default_rng(seed)
    table = QuestionVector._meta.db_table
    pgvector = meaning.has_pgvector(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {meaning.HNSW_INDEX}")
        copy_sql = f"COPY {table} (question_id, source_hash, embedding) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(copy_sql) as copy:
            copy.set_types(["int8", "varchar", "float4[]"])
            for start in range(0, len(of_seed), 10_000):
                chunk = of_seed[start : start + 10_000]
                noise = noise_rng.standard_normal((len(chunk), embeddings.DIMENSIONS))
                vectors = base[chunk] + (VECTOR_NOISE / np.sqrt(embeddings.DIMENSIONS)) * noise
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                for offset, vector in enumerate(vectors.astype(np.float32).tolist()):
                    copy.write_row((start + offset + 1, COMPOSED_VECTOR, vector))
        if pgvector:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute(meaning.HNSW_SQL)


def _copy_kits(
    rng: random.Random,
    count: int,
    generated: _Generated,
    competencies: list[Competency],
    roles: list[Role],
    owners: list,
) -> int:
    """Kits of 5 to 60 active questions from two to four competencies; the first has 60."""
    if not count:
        return 0
    kit_table = Kit._meta.db_table
    link_table = Kit.competencies.through._meta.db_table
    now = datetime.now(tz=UTC)
    pool = [c.id for c in competencies if generated.by_competency.get(c.id)]
    kit_competencies: list[tuple[int, int]] = []
    items: list[tuple[int, int, int]] = []
    with connection.cursor() as cursor:
        columns = (
            "id, code, title, role_id, owner_id, notes, target_minutes, is_archived, "
            "created_at, updated_at"
        )
        with cursor.cursor.copy(f"COPY {kit_table} ({columns}) FROM STDIN (FREEZE)") as copy:
            for pk in range(1, count + 1):
                role = rng.choice(roles)
                chosen = rng.sample(pool, min(len(pool), rng.randint(2, 4))) if pool else []
                size = KIT_ITEMS_MAX if pk == 1 else rng.randint(KIT_ITEMS_MIN, KIT_ITEMS_MAX)
                picked = _pick_questions(rng, generated, chosen, size)
                updated = now - timedelta(days=rng.random() * 365)
                copy.write_row(
                    (
                        pk,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        f"{role.title.removesuffix(' (synthetic)')} interview {pk}",
                        role.id,
                        owners[(pk - 1) % len(owners)].id,
                        "Cover each competency; leave ten minutes for the candidate's questions.",
                        rng.choice((30, 45, 60, 90)),
                        pk != 1 and rng.random() < 0.1,
                        updated - timedelta(days=rng.random() * 30),
                        updated,
                    )
                )
                kit_competencies += [(pk, competency_id) for competency_id in chosen]
                items += [(pk, question_id, position) for position, question_id in picked]
        with cursor.cursor.copy(
            f"COPY {link_table} (kit_id, competency_id) FROM STDIN (FREEZE)"
        ) as copy:
            for link in kit_competencies:
                copy.write_row(link)
        # The items pin the questions' wording as the kit builder does, read from the rows
        # just written rather than kept in memory for a million questions.
        item_table = KitItem._meta.db_table
        cursor.execute(
            f"""
            INSERT INTO {item_table} (kit_id, question_id, position, minutes, note,
                                      pinned_text, pinned_guidance, pinned_anchors, seen_text,
                                      seen_guidance, added_at)
            SELECT i.kit_id, q.id, i.position, q.minutes, '', q.text, q.guidance, '[]', '', '',
                   now()
            FROM unnest(%s::bigint[], %s::bigint[], %s::integer[])
                 AS i(kit_id, question_id, position)
            JOIN {Question._meta.db_table} q ON q.id = i.question_id
            """,
            [[i[0] for i in items], [i[1] for i in items], [i[2] for i in items]],
        )
        for table in (kit_table, item_table):
            _reset_sequence(cursor, table)
    return len(items)


def _pick_questions(
    rng: random.Random, generated: _Generated, competencies: list[int], size: int
) -> list[tuple[int, int]]:
    """(position, question id) for `size` distinct questions spread over the competencies."""
    pools = [generated.by_competency[c] for c in competencies]
    size = min(size, sum(len(pool) for pool in pools))
    chosen: dict[int, None] = {}
    turn = 0
    while len(chosen) < size:
        pool = pools[turn % len(pools)]
        turn += 1
        if len(pool) <= len(chosen):
            # A small pool: take what it has not given yet, else move on.
            left = [pk for pk in pool if pk not in chosen]
            if left:
                chosen[rng.choice(left)] = None
            continue
        pk = pool[rng.randrange(len(pool))]
        chosen.setdefault(pk, None)
    return list(enumerate(chosen, start=1))


def _reset_sequence(cursor, table: str) -> None:
    """Point the id sequence past the ids written explicitly."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)",
        [table],
    )


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


# The text model -------------------------------------------------------------------------


@dataclass
class _Question:
    competency: str
    slug: str
    seed_text: str
    text: str
    guidance: str
    question_type: str
    level: str
    minutes: int


@dataclass
class _Seed:
    """A seed question, ready to be reworded."""

    text: _Template
    guidance: list[_Template]
    slug: str
    fields: dict


@dataclass
class _Template:
    """A seed sentence split into words, with the positions that may be swapped."""

    words: list[str]
    # (position, the word without punctuation, its ending class)
    swappable: list[tuple[int, str, str]]


class _Writer:
    """Writes questions like the seed's: its sentences, its words, its spread of words."""

    def __init__(self, seed_questions: list[dict]) -> None:
        frequency: Counter[str] = Counter()
        self.seeds: dict[str, list[_Seed]] = defaultdict(list)
        self.extra_guidance: dict[str, list[_Template]] = defaultdict(list)
        for question in seed_questions:
            competency = question["competency"][0]
            sentences = [
                self._template(sentence, frequency)
                for sentence in re.split(r"(?<=[.?!])\s+", question["guidance"].strip())
            ]
            self.seeds[competency].append(
                _Seed(
                    text=self._template(question["text"], frequency),
                    guidance=sentences,
                    slug="-".join(re.findall(r"[a-z0-9]+", question["text"].lower())[:7]),
                    fields=question,
                )
            )
            self.extra_guidance[competency] += sentences
        # Swapped-in words are drawn as often as the seed uses them (its natural spread),
        # among words of the same ending, so a verb in -ing stays one and the sentence reads.
        self.swap_words: dict[str, list[str]] = defaultdict(list)
        self.swap_weights: dict[str, list[float]] = {}
        for word in frequency:
            self.swap_words[_shape(word)].append(word)
        for shape, words in self.swap_words.items():
            self.swap_weights[shape] = list(accumulate(frequency[word] for word in words))
        self.tail = _tail()
        self.tail_weights = list(
            accumulate(1 / rank**TAIL_EXPONENT for rank in range(1, len(self.tail) + 1))
        )
        self.competencies = list(COMPETENCY_WEIGHTS)
        self.competency_weights = list(accumulate(COMPETENCY_WEIGHTS.values()))

    @staticmethod
    def _template(sentence: str, frequency: Counter[str]) -> _Template:
        words = sentence.split()
        swappable = []
        for position, word in enumerate(words):
            core = _core(word)
            if len(core) >= 5 and _WORD.match(core) and core.lower() not in _KEEP:
                swappable.append((position, core, _shape(core.lower())))
                frequency[core.lower()] += 1
        return _Template(words, swappable)

    def questions(self, rng: random.Random, count: int) -> Iterator[_Question]:
        seen: set[int] = set()
        for _ in range(count):
            competency = self._pick(rng, self.competencies, self.competency_weights)
            seed = rng.choice(self.seeds[competency])
            text = self._reword(rng, seed.text)
            if rng.random() < TEXT_CONTEXT_RATE:
                text = self._with_context(rng, text)
            # Texts are unique in the bank (case-insensitively): add context until new.
            while hash(text.lower()) in seen:
                text = self._with_context(rng, self._reword(rng, seed.text))
            seen.add(hash(text.lower()))
            # The seed question's own guidance, sometimes with a sentence from another
            # question of the competency, and often a follow-up naming products or teams.
            guidance = [self._reword(rng, sentence) for sentence in seed.guidance]
            if rng.random() < EXTRA_SENTENCE_RATE:
                guidance.append(self._reword(rng, rng.choice(self.extra_guidance[competency])))
            if rng.random() < GUIDANCE_FOLLOW_UP_RATE:
                guidance.append(
                    rng.choice(FOLLOW_UPS).format(t=self._tail_word(rng), u=self._tail_word(rng))
                )
            fields = seed.fields
            yield _Question(
                competency=competency,
                slug=seed.slug,
                seed_text=seed.fields["text"],
                text=text,
                guidance=" ".join(guidance),
                question_type=fields["question_type"]
                if rng.random() < 0.8
                else rng.choice(("behavioural", "situational", "technical", "approach")),
                level=fields["level"]
                if rng.random() < 0.8
                else rng.choice(("junior", "mid", "senior", "lead")),
                minutes=max(2, min(15, fields["minutes"] + rng.choice((-1, 0, 0, 0, 1, 2)))),
            )

    def _reword(self, rng: random.Random, template: _Template) -> str:
        words = template.words
        swaps = [swap for swap in template.swappable if rng.random() < SWAP_RATE]
        if not swaps:
            return " ".join(words)
        words = list(words)
        for position, core, shape in swaps:
            new = self._pick(rng, self.swap_words[shape], self.swap_weights[shape])
            if core[:1].isupper():
                new = new[:1].upper() + new[1:]
            words[position] = words[position].replace(core, new, 1)
        return " ".join(words)

    def _with_context(self, rng: random.Random, text: str) -> str:
        first = text.split(" ", 1)[0]
        # Lower-case the old first word unless it is a name or an acronym ("I", "KPIs").
        if first[1:2].islower():
            text = text[:1].lower() + text[1:]
        return rng.choice(TEXT_CONTEXTS).format(t=self._tail_word(rng)) + text

    def _tail_word(self, rng: random.Random) -> str:
        return self._pick(rng, self.tail, self.tail_weights).capitalize()

    @staticmethod
    def _pick(rng: random.Random, population: list[str], cumulative: list[float]) -> str:
        return population[bisect(cumulative, rng.random() * cumulative[-1])]


def _core(word: str) -> str:
    return word.strip(_EDGE)


def _shape(word: str) -> str:
    """A rough part of speech from the ending: what a word may be swapped with."""
    return next((ending for ending in _ENDINGS if word.endswith(ending)), "")


@cache
def _seed_questions() -> list[dict]:
    path = Path(settings.FIXTURE_DIRS[0]) / "questions.json"
    return [entry["fields"] for entry in json.loads(path.read_text(encoding="utf-8"))]


@cache
def _writer() -> _Writer:
    return _Writer(_seed_questions())


@cache
def _tail() -> list[str]:
    """TAIL_SIZE made-up, pronounceable names, in a fixed order, none a seed word."""
    rng = random.Random(7)
    onsets = [
        "b",
        "d",
        "f",
        "g",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "dr",
        "gr",
        "kr",
        "pl",
        "st",
        "tr",
        "th",
        "ch",
        "sh",
    ]
    vowels = ["a", "e", "i", "o", "u", "a", "e", "o"]
    codas = ["", "", "", "n", "r", "l", "s", "x", "m"]
    seed_words = {
        _core(word).lower()
        for question in _seed_questions()
        for word in f"{question['text']} {question['guidance']}".split()
    }
    names: dict[str, None] = {}
    while len(names) < TAIL_SIZE:
        syllables = rng.choice((2, 3, 3, 4))
        name = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        name += rng.choice(codas)
        if name not in seed_words:
            names.setdefault(name, None)
    return list(names)
