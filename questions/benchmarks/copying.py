"""Synthetic rows written by COPY: questions and their roles, sentence vectors and kits.

Vectors: each question's sentence vector is its seed question's, with a little
deterministic noise (`copy_vectors`): composed in minutes for a million, where encoding
would take hours; searches then take the real path (query encoded, HNSW index read).

The rest: competencies are the seed's (loaded if missing), with a mild skew between
them; twelve synthetic roles, most questions in one or two; type, level and minutes
follow the seed question reworded; 3% of questions are retired; creation dates spread over
three years in id order. Kits hold 5 to 60 items (the first kit exactly 60, for the
benchmark's kit page), are owned by synthetic hiring managers and cover two to four
competencies each, with the items' wording pinned as the kit builder pins it.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

import numpy as np
from django.db import connection

from questions.benchmarks.wording import writer
from questions.models import Competency, Kit, KitItem, Question, QuestionVector, Role
from questions.search import embeddings, meaning

# Every synthetic row is marked by it: questions' and roles' slugs, kit owners' usernames.
BENCH_PREFIX = "bench-"
RETIRED_RATE = 0.03
KIT_ITEMS_MIN, KIT_ITEMS_MAX = 5, 60
# How far a question's composed vector strays from its seed question's (see copy_vectors),
# and what its source hash says, so that `embed_questions` would encode it for real.
VECTOR_NOISE = 0.62
COMPOSED_VECTOR = "composed"


@dataclass
class Generated:
    """What the kits need to know about the questions written: ids by competency."""

    by_competency: dict[int, list[int]]
    active: int
    # For each question in id order, the seed question it rewords.
    seed_texts: list[str]


def copy_questions(
    rng: random.Random, count: int, competencies: list[Competency], roles: list[Role]
) -> Generated:
    table = Question._meta.db_table
    roles_table = Question.roles.through._meta.db_table
    columns = (
        "id, slug, text, guidance, competency_id, question_type, level, minutes, "
        "is_active, created_at, updated_at"
    )
    bench_writer = writer()
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
            for pk, question in enumerate(bench_writer.questions(rng, count), start=1):
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
    return Generated(by_competency=dict(by_competency), active=active, seed_texts=seed_texts)


def copy_vectors(seed: int, seed_texts: list[str]) -> None:
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


def copy_kits(
    rng: random.Random,
    count: int,
    generated: Generated,
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
    rng: random.Random, generated: Generated, competencies: list[int], size: int
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
