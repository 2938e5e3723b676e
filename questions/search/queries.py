"""Search the bank: `question_search()` is the one entry point for pages, the API and commands.

How a search runs, and why each step costs the same at 1,000 or 1,000,000 questions (the
README's "Performance" section has the measurements):

1. The query is cleaned (control characters and NUL bytes dropped, Unicode normalised) and
   cut to `MAX_QUERY_LENGTH` characters, then parsed with the rules of PostgreSQL's
   `websearch_to_tsquery`: plain words, "quoted phrases", -excluded words and `or`.
   At most `MAX_TERMS` terms are used (`parsing`).
2. One small query sets the search's `statement_timeout`, drops words PostgreSQL ignores
   (stop words, punctuation), widens each word, or run of words that is a synonym's phrase
   ("average order value"), with its curated synonyms, and corrects words the bank does
   not know ("Did you mean …?"); the corrected query is searched exactly as if it had been
   typed (`vocabulary`). Matches through a synonym rank below matches of the word itself.
3. One query collects at most `CANDIDATE_LIMIT` candidates, ranks only those and returns the
   requested window, the number found and the facet counts per competency and type
   (`ranking`). Which index finds the candidates depends on how common the words are, so
   that the rows read are bounded (`planning`). When a bound is reached, counts are lower
   bounds, shown as "1,000+": no COUNT(*) over every match of a common word.
4. When every word together finds fewer than `RELAX_BELOW` questions, the search is
   relaxed: each word (with its related words) brings its own bounded share of candidates,
   ordered by how many of the query's words they cover, then by rank and by likeness in
   meaning (`meaning`). The result says it is partial. Questions alike in meaning with none
   of the words are offered too.
5. Only the questions in the window are loaded, with highlights computed by `ts_headline`
   for those rows alone (`results`).
6. The result is kept in the cache for SEARCH_CACHE_SECONDS under the cleaned query, the
   filters, the window and the bank version (`questions/caching.py`), so the same search
   again costs one small query until the bank changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import psycopg.errors
from django.conf import settings
from django.db import OperationalError, connections, router, transaction

from questions.caching import cached_bank, restore_settings
from questions.models import Question
from questions.search import meaning, planning
from questions.search.parsing import MAX_TERMS, Term, clean_query, limit_terms, parse_query
from questions.search.planning import RELAX_BELOW, Filters, Group
from questions.search.ranking import closest_in_meaning, find
from questions.search.results import SearchResult, load_window
from questions.search.vocabulary import SEARCH_SETTINGS, analyse, corrected_query

# Window size bounds, whatever a caller asks for.
MAX_LIMIT = 100


def question_search(
    query: str,
    *,
    competency: str | None = None,
    role: str | None = None,
    question_type: str | None = None,
    level: str | None = None,
    active_only: bool = True,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Search the bank with websearch syntax; return one window of ranked, highlighted results.

    `query` may be anything a person types: it is cleaned and cut, never rejected. Filters
    are slugs (`competency`, `role`) and choice values (`question_type`, `level`) and are
    compared as given, so an unknown value matches nothing; forms validate them first.
    `limit` is clamped to 1..MAX_LIMIT and `offset` to 0..CANDIDATE_LIMIT. A blank query
    returns an empty result: callers show browsing instead.

    Reads go to `router.db_for_read(Question)`: a replica inside a view that reads from one.

    Database queries, whatever the window size: none for a blank query; otherwise one to
    read the bank version (none when the calling view has read it already), and, unless
    the same search is in the cache, one more when it has no searchable words, otherwise
    three in a transaction of their own (one more when the newest shards alone had too few
    matches, one more when the search is relaxed; plus one to restore settings when called
    inside the caller's transaction).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), planning.CANDIDATE_LIMIT))
    cleaned, notices = clean_query(query)
    if not cleaned:
        return SearchResult(query=cleaned, notices=notices, limit=limit, offset=offset)
    alias = router.db_for_read(Question)
    arguments = (cleaned, competency, role, question_type, level, active_only, limit, offset)
    # The notices too: a query cut to the limit says so, the same words typed short do not.
    return cached_bank(
        "search",
        lambda: _search(cleaned, notices, alias, *arguments[1:]),
        *arguments,
        tuple(notices),
        timeout=settings.SEARCH_CACHE_SECONDS,
        using=alias,
        # A search stopped by its time-out may well finish next time.
        keep=lambda found: not found.timed_out,
    )


def filter_arguments(filters: Mapping[str, Any]) -> dict[str, str | None]:
    """question_search()'s filters from a filter form's cleaned data, as the search page,
    the kit builder's bank and the API name them: `competency` and `role` (a row or its
    slug), `type` and `level`; blank means any."""

    def slug(value: Any) -> str | None:
        return getattr(value, "slug", value) or None

    return {
        "competency": slug(filters.get("competency")),
        "role": slug(filters.get("role")),
        "question_type": filters.get("type") or None,
        "level": filters.get("level") or None,
    }


def _search(
    cleaned: str,
    notices: list[str],
    alias: str,
    competency: str | None,
    role: str | None,
    question_type: str | None,
    level: str | None,
    active_only: bool,
    limit: int,
    offset: int,
) -> SearchResult:
    """question_search() without the cache, for a cleaned query that is not blank."""
    result = SearchResult(query=cleaned, notices=notices, limit=limit, offset=offset)
    groups, dropped = limit_terms(parse_query(cleaned))
    if dropped:
        notices.append(f"Only the first {MAX_TERMS} words and phrases were used.")
    if not groups:
        notices.append("Add a word to search for, not only words to leave out.")
        return result
    filters = Filters(competency, role, question_type, level, active_only)
    nested = connections[alias].in_atomic_block
    try:
        with transaction.atomic(using=alias):
            found = _run(result, cleaned, groups, filters, alias)
            if nested:
                restore_settings(alias, SEARCH_SETTINGS)
            return found
    except OperationalError as error:
        if not isinstance(error.__cause__, psycopg.errors.QueryCanceled):
            raise
        notices.append(
            "The search took too long and was stopped. Try more specific words or a filter."
        )
        return replace(result, questions=[], timed_out=True)


def _run(
    result: SearchResult,
    cleaned: str,
    groups: list[list[Term]],
    filters: Filters,
    alias: str,
) -> SearchResult:
    """Analyse the words, search strictly, relax if needed, load the window."""
    analysed, corrections, also_matched = analyse(cleaned, groups, alias)
    if corrections:
        result.corrected_query = corrected_query(cleaned, corrections)
    if corrections.near_synonym:
        # The corrected words may be a synonym, or make one with their neighbours: search
        # the corrected query as if it had been typed, so that the results under "Showing
        # results for …" are exactly those its link leads to. Otherwise the words found
        # are already the corrected query's, and a second look-up would find the same.
        groups, _ = limit_terms(parse_query(result.corrected_query))
        analysed, _, also_matched = analyse(result.corrected_query, groups, alias, correct=False)
    result.also_matched = also_matched
    if not analysed:
        result.notices.append(
            "Nothing to search for: those words are too common or are not words. "
            "Try a more specific word."
        )
        return result
    strict = find(analysed, filters, alias, relaxed=False, result=result)
    if strict.total < RELAX_BELOW and strict.newest_shards_only:
        # Too few in the newest shards: the whole bank, within the other bounds, before
        # settling for questions with only some of the words.
        strict = find(analysed, filters, alias, relaxed=False, result=result, everywhere=True)
    # Meaning helps only where the words found few questions: only then is the query encoded.
    vector = meaning.query_vector(_meaning_text(analysed)) if strict.total < RELAX_BELOW else None
    if strict.total < RELAX_BELOW and vector is None:
        result.notices.append(meaning.UNAVAILABLE)
        strict.notices.append(meaning.UNAVAILABLE)
    found = strict
    if strict.total < RELAX_BELOW and len(analysed) == 1 and len(analysed[0].clauses) > 1:
        relaxed = find(analysed, filters, alias, relaxed=True, result=result, vector=vector)
        if relaxed.total > strict.total:
            found = relaxed
            found.partial = True
            found.complete = strict.total
    if found.questions:
        found.questions = load_window(found.questions, analysed, alias)
    if vector is not None and found.offset == 0:
        closest = closest_in_meaning(vector, analysed, filters, alias)[: found.limit]
        found.closest = load_window(closest, analysed, alias, by_meaning=set(closest))
    return found


def _meaning_text(groups: list[Group]) -> str:
    """The words to compare by meaning: those looked for, as corrected, without syntax."""
    return " ".join(clause.term.text for group in groups for clause in group.clauses)
