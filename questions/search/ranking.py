"""Rank the candidates and take one window: the one query behind every list of results.

A strict search orders by full-text rank, so a match in the question outranks one only in
the guidance. A relaxed one puts questions with every word first, then orders the others by
how many of the words they have, their rank, and likeness in meaning. Facet counts per
competency and type come from the same candidates.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import connections

from questions.models import Competency, Question, QuestionType
from questions.search import meaning, planning
from questions.search.planning import Filters, Group, candidate_query
from questions.search.results import Facet, SearchResult
from questions.search.tsquery import TsQuery

# In a relaxed search, how much likeness in meaning (cosine similarity, 0 to 1) counts
# beside the number of the query's words a question has (and its full-text rank): half a
# word at most, so the words lead and meaning orders what the words leave tied. Chosen on
# the judged sets in tests/ (see the README's "Meaning-based search").
MEANING_WEIGHT = 0.5


def find(
    groups: list[Group],
    filters: Filters,
    alias: str,
    *,
    relaxed: bool,
    result: SearchResult,
    everywhere: bool = False,
    vector: tuple[float, ...] | None = None,
) -> SearchResult:
    """One query: bounded candidates with their rank, the window's ids, total and facets.

    `everywhere`: never only the newest shards.

    A relaxed search ranks as follows. Questions with every word come first, by rank.
    The others are ordered by how many of the words they have plus their full-text rank,
    plus MEANING_WEIGHT times how alike in meaning the question is to the query (`vector`).

    Long because it is one statement, so one round trip for candidates, window and facets.
    """
    coverage = TsQuery.coverage(groups)
    rank = TsQuery.rank(groups)
    if relaxed:
        # Each word brings its own bounded share, so a common word cannot crowd out the
        # rarer words that make a question relevant.
        group = groups[0]
        share = len(group.clauses)
        parts = [replace(group, clauses=(clause,)) for clause in group.clauses]
    else:
        share = 1
        parts = groups
    scans = [
        candidate_query(
            part,
            filters,
            coverage=coverage,
            rank=rank,
            share=share,
            tag=tag,
            everywhere=everywhere,
        )
        for tag, part in enumerate(parts)
    ]
    fused = relaxed and vector is not None
    candidates_sql = " UNION ALL ".join(sql for sql, _, _ in scans)
    competency_table = Competency._meta.db_table
    # Likeness in meaning, looked up for the candidates of a relaxed search only.
    similarity = (
        f"coalesce((SELECT {meaning.similarity_sql(alias, 'v.embedding')} "
        f"FROM {meaning.QuestionVector._meta.db_table} v WHERE v.question_id = d.id), 0)"
        if fused
        else "0"
    )
    order = (
        f"coverage >= %s DESC, CASE WHEN coverage >= %s THEN rank END DESC NULLS LAST, "
        f"coverage + rank + {MEANING_WEIGHT} * similarity DESC, rank DESC, slug"
        if relaxed
        else "coverage DESC, rank DESC, slug"
    )
    sql = f"""
        WITH candidates AS MATERIALIZED ({candidates_sql}),
        distinct_candidates AS MATERIALIZED (
            SELECT d.*, {similarity} AS similarity
            FROM (
                SELECT DISTINCT ON (id) id, slug, competency_id, question_type, coverage, rank
                FROM candidates WHERE hit
            ) AS d
        )
        SELECT
            (SELECT count(*) FROM distinct_candidates),
            (SELECT coalesce(bool_or(per_scan.capped), false) FROM (
                SELECT bool_or(at_bound) OR count(*) FILTER (WHERE hit) >= min(keep) AS capped
                FROM candidates GROUP BY tag) AS per_scan),
            (SELECT count(*) FROM distinct_candidates WHERE coverage >= %s),
            ARRAY(SELECT id FROM distinct_candidates ORDER BY {order} LIMIT %s OFFSET %s),
            (SELECT json_agg(json_build_object('slug', c.slug, 'name', c.name, 'count', f.n)
                             ORDER BY c.display_order)
             FROM (SELECT competency_id, count(*) AS n FROM distinct_candidates
                   GROUP BY competency_id) AS f
             JOIN {competency_table} c ON c.id = f.competency_id),
            (SELECT json_object_agg(question_type, n)
             FROM (SELECT question_type, count(*) AS n FROM distinct_candidates
                   GROUP BY question_type) AS t)
    """
    need = len(groups[0].clauses) if len(groups) == 1 else 1
    params = [
        *(param for _, params, _ in scans for param in params),
        *([list(vector)] if fused else []),
        need,
        *([need, need] if relaxed else []),
        result.limit,
        result.offset,
    ]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        found, scan_capped, complete, ids, competencies, types = cursor.fetchone()
    newest_shards_only = any(part for *_, part in scans)
    # Older shards left unread may hold more matches.
    capped = bool(scan_capped) or found > planning.CANDIDATE_LIMIT or newest_shards_only
    return replace(
        result,
        questions=list(ids),  # ids for now; load_window() turns them into questions
        total=min(found, planning.CANDIDATE_LIMIT),
        total_is_lower_bound=capped,
        newest_shards_only=newest_shards_only,
        complete=complete,
        competency_facets=[
            Facet(item["slug"], item["name"], item["count"], capped) for item in competencies or []
        ],
        type_facets=[
            Facet(value, label, (types or {})[value], capped)
            for value, label in QuestionType.choices
            if (types or {}).get(value)
        ],
        notices=list(result.notices),
    )


def closest_in_meaning(
    vector: tuple[float, ...], groups: list[Group], filters: Filters, alias: str
) -> list[int]:
    """Ids of the questions nearest in meaning that have none of the words (nor their
    synonyms) and pass the filters, most alike first: what the words cannot find."""
    nearest_sql, nearest_params = meaning.nearest_sql(alias, vector)
    filter_sql, filter_params = filters.sql()
    words_sql, words_params = TsQuery.highlight(groups)
    sql = (
        f"SELECT q.id FROM ({nearest_sql}) AS n "
        f"JOIN {Question._meta.db_table} q ON q.id = n.question_id "
        f"WHERE n.similarity >= %s AND NOT (q.search_vector @@ {words_sql}) AND {filter_sql} "
        "ORDER BY n.similarity DESC, q.slug"
    )
    params = [*nearest_params, meaning.MIN_SIMILARITY, *words_params, *filter_params]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
