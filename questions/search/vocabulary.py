"""What a query's words are: synonyms to widen them with, typos to correct, and how many
questions use each, in one small query that also sets up the search's transaction.

A word that is neither in the bank (`SearchTerm`, kept current by database triggers), nor
an inflection of a bank word, nor a synonym's word (`Synonym`), nor an English word
(`EnglishWord`: "store" is not a typo of "restore") is replaced by its closest vocabulary
or synonym word. The vocabulary grows with distinct words, not with questions.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from django.conf import settings
from django.db import connections

from questions.models import EnglishWord, Question, SearchTerm, Synonym
from questions.search import meaning
from questions.search import synonyms as synonyms_module
from questions.search.parsing import Term, consecutive_words
from questions.search.planning import Clause, Group
from questions.search.tsquery import CONFIG

# What a search sets for its own transaction (see analyse), put back when nested.
SEARCH_SETTINGS = (
    "statement_timeout",
    "enable_seqscan",
    "jit",
    "plan_cache_mode",
    "hnsw.ef_search",
    "hnsw.iterative_scan",
)
# How alike (pg_trgm similarity) a vocabulary word must be to replace a misspelt word.
MIN_CORRECTION_SIMILARITY = 0.4
# Shorter words are not corrected: there are too many near neighbours to guess well.
MIN_CORRECTABLE_LENGTH = 4

_PUNCTUATION = "\"'`.,;:!?()[]{}<>*&|\\/@#$%^~=+"


def analyse(
    cleaned: str, groups: list[list[Term]], alias: str, *, correct: bool = True
) -> tuple[list[Group], Corrections, list[str]]:
    """Set up the search transaction; widen terms with their synonyms; drop terms without
    searchable words; correct typos; estimate how many questions each word matches.

    The transaction gets the search's `statement_timeout`, and no sequential scans of the
    whole table: with a LIMIT, the planner may bet on finding enough matches early in a
    scan, a bet that loses badly for words rarer than its statistics suggest. JIT is off
    because compiling costs more than these short queries take. Every query is planned for
    its own words, even when its statement is prepared: a plan made for no word in
    particular cannot know how common the words are.

    One query. Each term, and each run of consecutive words that may be a synonym's
    phrase, is looked up in the synonym table (`_SYNONYM_PAIRS`: a few hundred rows, read
    whole), so an edit applies to the next search and no search waits on a cache of them.
    The vocabulary is looked up by exact word, by English stem (so "managing" is known
    because "management" is) and, for unknown words only, by trigram similarity through
    the trigram GIN index. The same look-up counts the questions using each word's and
    synonym's stem, which decides how `find` collects candidates.

    Returns the groups, the corrections and the synonyms that some question uses.
    """
    terms = _unique_terms(groups)
    runs = _word_runs(cleaned, groups)
    every = [*terms, *(run for run in runs if run not in terms)]
    keys = [None if term.negated else synonyms_module.normalise(term.text) for term in every]
    timeout = str(int(getattr(settings, "SEARCH_TIMEOUT_MS", 2000)))
    params = [
        [term.text for term in every],
        [term.phrase for term in every],
        [_correctable(term) if correct and term in terms else None for term in every],
        keys,
        timeout,
        str(meaning.HNSW_EF_SEARCH),
        MIN_CORRECTION_SIMILARITY,
    ]
    with connections[alias].cursor() as cursor:
        cursor.execute(_analysis_sql(), params)
        *_, bank_size, newest_id, rows = cursor.fetchone()
    verdicts: dict[Term, dict] = {}
    for row in rows or []:
        if row["parent"] is None:
            verdicts[every[row["item"] - 1]] = {**row, "synonyms": []}
        else:
            verdicts[every[row["parent"] - 1]]["synonyms"].append(row)
    corrections = Corrections()
    analysed: list[Group] = []
    for group in _join_synonym_phrases(groups, runs, verdicts):
        clauses, excluded = _clauses(group, verdicts, corrections)
        if clauses:
            analysed.append(Group(tuple(clauses), tuple(excluded), bank_size, newest_id))
    used = [
        row["text"]
        for group in analysed
        for clause in group.clauses
        for row in verdicts.get(clause.term, {}).get("synonyms", [])
        if row["matches"]
    ]
    return analysed, corrections, list(dict.fromkeys(used))


def _clauses(
    group: list[Term], verdicts: dict[Term, dict], corrections: Corrections
) -> tuple[list[Clause], list[Term]]:
    """A group's searchable terms, each widened and corrected as its verdict says, and its
    searchable exclusions; records the corrections made."""
    clauses, excluded = [], []
    for term in group:
        verdict = verdicts[term]
        if not verdict["searchable"]:
            continue
        if term.negated:
            excluded.append(term)
            continue
        synonyms = [row for row in verdict["synonyms"] if row["searchable"]]
        alternatives = [Term(row["text"], phrase=" " in row["text"]) for row in synonyms]
        matches = verdict["matches"] + sum(row["matches"] for row in synonyms)
        if verdict["suggestion"]:
            corrections[term] = verdict["suggestion"]
            corrections.near_synonym |= verdict["near_synonym"]
            term = replace(term, text=verdict["suggestion"])
        clauses.append(Clause(term, tuple(alternatives), matches))
    return clauses, excluded


@cache
def _analysis_sql() -> str:
    """The analysis query: parameters are the terms' texts, whether each is a phrase, the
    word to check for typos (or none), the synonym key, then the settings' values. One
    statement, so one round trip; its length is the SQL's, read top to bottom."""
    vocabulary = SearchTerm._meta.db_table
    english = EnglishWord._meta.db_table
    sql = f"""
        WITH pairs AS MATERIALIZED ({_SYNONYM_PAIRS.format(table=Synonym._meta.db_table)}),
        input AS (
            SELECT * FROM unnest(%s::text[], %s::boolean[], %s::text[], %s::text[])
                 WITH ORDINALITY AS t(text, phrase, word, key, i)
        ),
        expansion AS (
            -- A key as typed, or else with a plural "s" folded.
            SELECT DISTINCT ON (i.i, p.value) i.i, p.value, p.entry, p.n
            FROM input i
            JOIN pairs p ON p.key = CASE
                WHEN EXISTS (SELECT 1 FROM pairs x WHERE x.key = i.key) THEN i.key
                WHEN i.key LIKE '%%s' THEN left(i.key, -1) END
            WHERE p.value <> i.key
            ORDER BY i.i, p.value, p.entry, p.n
        ),
        items AS (
            SELECT i AS item, NULL::bigint AS parent, text, phrase, word, i AS o1, 0 AS o2,
                   0 AS o3
            FROM input
            UNION ALL
            SELECT NULL, e.i, e.value, strpos(e.value, ' ') > 0, NULL, e.i, e.entry, e.n
            FROM expansion e
        )
        SELECT set_config('statement_timeout', %s, true),
               set_config('enable_seqscan', 'off', true),
               set_config('jit', 'off', true),
               set_config('plan_cache_mode', 'force_custom_plan', true),
               set_config('hnsw.ef_search', %s, true),
               set_config('hnsw.iterative_scan', 'strict_order', true),
               (SELECT greatest(reltuples, 0)::bigint FROM pg_class
                WHERE oid = '{Question._meta.db_table}'::regclass),
               (SELECT coalesce(max(id), 0) FROM {Question._meta.db_table}),
        (SELECT json_agg(json_build_object(
                    'item', a.item, 'parent', a.parent, 'text', a.text,
                    'searchable', a.searchable, 'suggestion', a.suggestion,
                    -- A correction that may be, or be in, a synonym's key: only then can
                    -- the corrected query widen differently from the words found here.
                    'near_synonym', a.suggestion IS NOT NULL AND EXISTS (
                        SELECT 1 FROM pairs p
                        WHERE strpos(p.key, rtrim(a.suggestion, 's')) > 0),
                    'matches', coalesce(m.matches, 0)) ORDER BY a.o1, a.o2, a.o3)
         FROM (
            SELECT t.item, t.parent, t.text, t.o1, t.o2, t.o3,
                   numnode(CASE WHEN t.phrase THEN phraseto_tsquery('{CONFIG}'::regconfig, t.text)
                                ELSE plainto_tsquery('{CONFIG}'::regconfig, t.text) END) > 0
                       AS searchable,
                   -- Each OFFSET 0 keeps a word's test a look-up in the index: without
                   -- it, the planner may read the whole table into a hash to test a
                   -- few words, work that grows with the bank.
                   CASE WHEN t.word IS NOT NULL
                         AND numnode(plainto_tsquery('{CONFIG}'::regconfig, t.word)) > 0
                         AND NOT EXISTS (
                             SELECT 1 FROM {vocabulary} v WHERE v.word = t.word OFFSET 0)
                         AND NOT EXISTS (
                             SELECT 1 FROM {english} e WHERE e.word = t.word OFFSET 0)
                         AND NOT EXISTS (
                             SELECT 1 FROM pairs p
                             WHERE p.key IN (t.word, regexp_replace(t.word, 's$', '')))
                         AND NOT EXISTS (
                             SELECT 1 FROM {vocabulary} v
                             WHERE v.lexeme = (ts_lexize('english_stem', t.word))[1] OFFSET 0)
                   THEN (SELECT c.word FROM (
                             SELECT v.word, similarity(v.word, t.word) AS alike,
                                    v.document_count AS n
                             FROM {vocabulary} v
                             WHERE v.word %% t.word AND length(v.word) >= {MIN_CORRECTABLE_LENGTH}
                             UNION ALL
                             -- Synonyms' words are words to correct toward, as the bank's are.
                             SELECT DISTINCT p.key, similarity(p.key, t.word), 0
                             FROM pairs p
                             WHERE p.key ~ '^[a-z]+$'
                               AND length(p.key) >= {MIN_CORRECTABLE_LENGTH}
                         ) AS c
                         WHERE c.alike >= %s
                         ORDER BY c.alike DESC, c.n DESC, c.word
                         LIMIT 1)
                   END AS suggestion
            FROM items t
            -- A fence: without it the planner copies the suggestion's look-up into every
            -- place that reads it, and runs it that many times.
            OFFSET 0
         ) AS a
         LEFT JOIN LATERAL (
            -- Questions using the rarest stem of the term: summed over the words sharing
            -- a stem, so an over-estimate, never an under-estimate; none when a stem is
            -- in no question.
            SELECT min(per_stem.n) AS matches
            FROM unnest(tsvector_to_array(
                     to_tsvector('{CONFIG}'::regconfig, coalesce(a.suggestion, a.text))
                 )) AS stem(lexeme)
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(v.document_count), 0) AS n
                FROM {vocabulary} v WHERE v.lexeme = stem.lexeme
            ) AS per_stem
         ) AS m ON true)
    """
    return sql


class Corrections(dict[Term, str]):
    """Typed term → the bank word it was corrected to, and whether any such word may be
    part of a synonym's key."""

    near_synonym: bool = False


# Every (key, value) a synonym entry gives: a one-way entry widens its term only; an
# abbreviation also widens what it stands for to the short form; a two-way entry widens
# each of its words and phrases to all the others. `entry` and `n` keep the editors' order.
# unnest() of an array, not regexp_split_to_table(): the planner guesses 10 values per entry
# for the one and 1,000 for the other, and a guess of millions of pairs spilt the join.
_SYNONYM_PAIRS = """
    SELECT s.term AS key, v.value, s.id AS entry, v.n
    FROM {table} s,
         unnest(regexp_split_to_array(s.synonyms, '\\s*,\\s*')) WITH ORDINALITY AS v(value, n)
    UNION ALL
    SELECT v.value, s.term, s.id, 0
    FROM {table} s, unnest(regexp_split_to_array(s.synonyms, '\\s*,\\s*')) AS v(value)
    WHERE s.kind <> 'one-way'
    UNION ALL
    SELECT a.value, b.value, s.id, b.n
    FROM {table} s,
         unnest(regexp_split_to_array(s.synonyms, '\\s*,\\s*')) AS a(value),
         unnest(regexp_split_to_array(s.synonyms, '\\s*,\\s*')) WITH ORDINALITY AS b(value, n)
    WHERE s.kind = 'two-way' AND a.value <> b.value
"""


def _word_runs(cleaned: str, groups: list[list[Term]]) -> list[Term]:
    """Runs of 2 to synonyms.MAX_WORDS consecutive plain words: each may be a synonym's
    phrase ("average order value")."""
    runs = []
    for group in groups:
        for start in range(len(group)):
            for stop in range(start + 2, min(start + synonyms_module.MAX_WORDS, len(group)) + 1):
                run = group[start:stop]
                if consecutive_words(cleaned, run):
                    text = " ".join(term.text for term in run)
                    runs.append(Term(text, span=(run[0].span[0], run[-1].span[1])))
    return runs


def _join_synonym_phrases(
    groups: list[list[Term]], runs: list[Term], verdicts: dict[Term, dict]
) -> list[list[Term]]:
    """Consecutive words that together are a synonym's phrase become one term, longest
    first, so that the phrase's synonyms ("aov") can stand in for all of its words. The
    term still needs each of its words, anywhere in a question, as the words did."""
    phrases = {run.span: run for run in runs if verdicts[run]["synonyms"]}
    joined_groups = []
    for group in groups:
        joined, i = [], 0
        while i < len(group):
            for n in range(min(synonyms_module.MAX_WORDS, len(group) - i), 1, -1):
                first, last = group[i].span, group[i + n - 1].span
                if first and last and (first[0], last[1]) in phrases:
                    joined.append(phrases[first[0], last[1]])
                    i += n
                    break
            else:
                joined.append(group[i])
                i += 1
        joined_groups.append(joined)
    return joined_groups


def _unique_terms(groups: list[list[Term]]) -> list[Term]:
    seen: dict[Term, None] = {}
    for group in groups:
        for term in group:
            seen.setdefault(term, None)
    return list(seen)


def _correctable(term: Term) -> str | None:
    """The lower-case word to check against the vocabulary, or None if it is not a word to
    correct: phrases and exclusions are kept as typed, as are short words and words with
    digits or symbols (and, in the query, synonyms' words)."""
    if term.phrase or term.negated:
        return None
    word = term.text.lower().strip(_PUNCTUATION)
    if len(word) < MIN_CORRECTABLE_LENGTH or len(word) > 40:
        return None
    if not all(part.isalpha() for part in word.split("-")):
        return None
    return word


def corrected_query(cleaned: str, corrections: dict[Term, str]) -> str:
    """The cleaned query with each corrected word replaced in place, keeping its syntax."""
    spans = sorted((term.span, word) for term, word in corrections.items() if term.span)
    out, last = [], 0
    for (start, stop), word in spans:
        original = cleaned[start:stop]
        core = original.strip(_PUNCTUATION)
        lead = original[: len(original) - len(original.lstrip(_PUNCTUATION))]
        out += [cleaned[last:start], lead, word, original[len(lead) + len(core) :]]
        last = stop
    out.append(cleaned[last:])
    return "".join(out)
