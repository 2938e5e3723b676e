"""Meaning-based search: each question's sentence vector, kept current, and the questions
nearest in meaning to a query.

A question's vector (`QuestionVector`) is computed from its wording when it is saved,
loaded from a fixture or imported, and by `manage.py embed_questions` for anything saved
around the ORM (bulk loads). A vector records which model encoded which wording, so a
changed question or a new model renews it.

Where the server has pgvector, the nearest questions come from an HNSW index over the
vectors (migration 0014; `manage.py embed_questions` adds it if pgvector arrives later).
Elsewhere, such as a PostgreSQL without the extension, the same SQL compares the query with
the vectors of the newest `FALLBACK_SCAN_LIMIT` questions itself: exact, and fast enough
for banks of that size. Without the model package, search uses words and synonyms alone
and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from hashlib import sha256
from typing import TYPE_CHECKING

from django.db import DatabaseError, connections, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from questions.models import Question, QuestionVector

if TYPE_CHECKING:
    import numpy as np

MODEL = "all-MiniLM-L6-v2"
# As questions.search.embeddings.DIMENSIONS, which is imported (with NumPy) only once needed: a
# worker that never encodes never loads them.
DIMENSIONS = 384
# Questions nearest in meaning that a search considers beside those its words find.
NEAREST = 20
# How many entries the HNSW index considers per search; with iterative scans (pgvector 0.8)
# it keeps going while rows it found are gone (an edited question's old vector), so a
# search still gets NEAREST live ones.
HNSW_EF_SEARCH = 100
# Less alike than this (cosine similarity), a question is not offered as related in meaning.
MIN_SIMILARITY = 0.2
# Vectors kept per process by wording, so loading the same questions again (the seed, a
# fixture, a restore) encodes nothing twice: float32, 1.5 KB each.
KEEP_ENCODED = 4096
# Without pgvector, the vectors of at most this many of the newest questions are compared.
FALLBACK_SCAN_LIMIT = 20_000
HNSW_INDEX = "questions_questionvector_hnsw"
HNSW_SQL = (
    f"CREATE INDEX IF NOT EXISTS {HNSW_INDEX} ON questions_questionvector "
    f"USING hnsw ((embedding::vector({DIMENSIONS})) vector_ip_ops)"
)
UNAVAILABLE = (
    "Search by meaning is off on this server (the sentence model is not installed); "
    "results match your words and their synonyms only."
)

_pgvector: dict[str, bool] = {}


def available() -> bool:
    from questions.search import embeddings

    return embeddings.available()


def source_hash(text: str) -> str:
    return sha256(f"{MODEL}\n{text}".encode()).hexdigest()


def refresh_vectors(questions: Iterable[Question], *, using: str = "default") -> int:
    """Encode the questions whose vector is missing or stale; return how many were."""
    if not available():
        return 0
    questions = list(questions)
    current = dict(
        QuestionVector.objects.using(using)
        .filter(question__in=[question.pk for question in questions])
        .values_list("question_id", "source_hash")
    )
    stale = [q for q in questions if current.get(q.pk) != source_hash(q.text)]
    if not stale:
        return 0
    vectors = _encoded([question.text for question in stale])
    rows = [
        QuestionVector(question_id=q.pk, source_hash=source_hash(q.text), embedding=v.tolist())
        for q, v in zip(stale, vectors, strict=True)
    ]
    QuestionVector.objects.using(using).bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["question"],
        update_fields=["source_hash", "embedding"],
    )
    return len(rows)


def refresh_all(*, using: str = "default", batch: int = 500) -> int:
    """Encode every question whose vector is missing or stale, a batch at a time."""
    done, last = 0, 0
    while True:
        chunk = list(
            Question.objects.using(using)
            .filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "text")[:batch]
        )
        if not chunk:
            return done
        with transaction.atomic(using=using):
            done += refresh_vectors(chunk, using=using)
        last = chunk[-1].pk


@receiver(post_save, sender=Question, dispatch_uid="question-vector")
def _vector_on_save(sender, instance: Question, using: str, **kwargs) -> None:
    # After the write commits: encoding never holds the question's row locked, and a write
    # that rolls back encodes nothing.
    transaction.on_commit(lambda: refresh_vectors([instance], using=using), using=using)


def has_pgvector(alias: str) -> bool:
    """Whether the database answers nearest-vector queries through pgvector's index."""
    if alias not in _pgvector:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') "
                "AND EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = %s)",
                [HNSW_INDEX],
            )
            _pgvector[alias] = bool(cursor.fetchone()[0])
    return _pgvector[alias]


def install_index(alias: str = "default") -> bool:
    """Create pgvector and the HNSW index where the server offers the extension."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if cursor.fetchone() is None:
            return False
        try:
            with transaction.atomic(using=alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
                cursor.execute(HNSW_SQL)
        except DatabaseError:  # no right to create extensions: vectors are compared in SQL
            return False
    _pgvector.pop(alias, None)
    return True


_kept: dict[str, np.ndarray] = {}


def _encoded(texts: list[str]) -> list[np.ndarray]:
    """The texts' vectors, encoding in one batch only those this process has not kept."""
    from questions.search import encoder

    missing = [text for text in dict.fromkeys(texts) if text not in _kept]
    if missing:
        if len(_kept) + len(missing) > KEEP_ENCODED:
            _kept.clear()
        _kept.update(zip(missing, encoder.encode(missing), strict=True))
    return [_kept[text] for text in texts]


@lru_cache(maxsize=1024)
def query_vector(text: str) -> tuple[float, ...] | None:
    """The query's vector, or None when the model is not installed."""
    if not available():
        return None
    return tuple(_encoded([text])[0].tolist())


def nearest_sql(alias: str, vector: tuple[float, ...]) -> tuple[str, list]:
    """SQL for (question_id, similarity) of the NEAREST questions, most alike first."""
    table = QuestionVector._meta.db_table
    if has_pgvector(alias):
        # The index answers `ORDER BY … <#> … LIMIT`; vectors are unit length, so the
        # inner product is the cosine similarity.
        sql = (
            f"SELECT v.question_id, -(v.embedding::vector({DIMENSIONS}) "
            f"<#> %s::real[]::vector({DIMENSIONS})) AS similarity "
            f"FROM {table} v ORDER BY v.embedding::vector({DIMENSIONS}) "
            f"<#> %s::real[]::vector({DIMENSIONS}) LIMIT {NEAREST}"
        )
        return sql, [list(vector), list(vector)]
    sql = (
        f"SELECT v.question_id, {similarity_sql(alias, 'v.embedding')} AS similarity "
        f"FROM (SELECT * FROM {table} ORDER BY question_id DESC "
        f"LIMIT {FALLBACK_SCAN_LIMIT}) AS v "
        f"ORDER BY similarity DESC LIMIT {NEAREST}"
    )
    return sql, [list(vector)]


def similarity_sql(alias: str, column: str) -> str:
    """An expression: the cosine similarity of `column` with the query vector (one param)."""
    if has_pgvector(alias):
        return f"-({column}::vector({DIMENSIONS}) <#> %s::real[]::vector({DIMENSIONS}))"
    # In double precision: a product of two small reals can underflow a real.
    return f"(SELECT sum(a::float8 * b) FROM unnest({column}, %s::real[]) AS pair(a, b))"
