"""Search the bank: `question_search()` is the one entry point for pages, the API and commands.

How a search runs, and why each step costs the same at 1,000 or 1,000,000 questions:

1. The query is cleaned (control characters and NUL bytes dropped, Unicode normalised) and
   cut to `MAX_QUERY_LENGTH` characters, then parsed with the rules of PostgreSQL's
   `websearch_to_tsquery`: plain words, "quoted phrases", -excluded words and `or`.
   At most `MAX_TERMS` terms are used.
2. One small query sets the search's `statement_timeout`, drops words PostgreSQL ignores
   (stop words, punctuation) and looks each unfamiliar word up in the vocabulary of the
   bank's own words (`SearchTerm`, trigram-indexed, kept current by database triggers).
   A word that is neither in the bank, nor an inflection of a bank word, nor a synonym's
   word (`Synonym`), nor an English word (`EnglishWord`: "store" is not a typo of
   "restore") is replaced by its closest vocabulary or synonym word ("Did you mean …?"),
   and the corrected query is searched exactly as if it had been typed.
   The vocabulary grows with distinct words, not with questions, so this is flat.
3. Each word, or run of words that is a synonym's phrase ("average order value"), is
   widened with its curated synonyms (`questions.synonyms`: "shopper" also finds
   "customer", "aov" finds "average order value"); the result lists those the bank has
   (`also_matched`). Matches through a synonym rank below matches of the word itself.
4. One query collects at most `CANDIDATE_LIMIT` candidates, ranks only those (full-text
   rank, so a match in the question outranks one only in the guidance; then slug) and
   returns the requested window, the number found and the facet counts per competency and
   type. Candidates come through the GIN index on `Question.search_vector` when the
   vocabulary says the words are in at most `GIN_MAX_POSTINGS` questions; commoner words
   are looked for among the newest `SCAN_LIMIT` questions instead (see `_scan`), unless
   they are too rare together to turn up there. The index reads the lists of the rarest
   words only, up to `GIN_POSTINGS_BUDGET`, and the other words are checked on at most
   `EXAMINE_LIMIT` of the rows it finds. When those lists are long (`SHARD_POSTINGS`),
   the index looks only in the newest shards of question ids, which it holds as a key
   of its own. Either way the rows read are bounded. When a bound is reached, counts
   are lower bounds, shown as "1,000+": no COUNT(*) over every match of a common word.
5. When every word together finds fewer than `RELAX_BELOW` questions, the search is
   relaxed: each word (with its related words) brings its own bounded share of
   candidates, ordered by how many of the query's words they cover, then by rank. The
   result says it is partial.
6. Only the questions in the window are loaded, with highlights computed by `ts_headline`
   for those rows alone.
7. The result is kept in the cache for SEARCH_CACHE_SECONDS under the cleaned query, the
   filters, the window and the bank version (`questions/caching.py`), so the same search
   again costs one small query until the bank changes.

Highlights come back with sentinel characters around matched words; the `highlight`
template filter escapes the text first and only then turns the sentinels into `<mark>`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field, replace

import psycopg.errors
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQueryField
from django.db import OperationalError, connections, router, transaction
from django.db.models.expressions import RawSQL

from questions import meaning
from questions import synonyms as synonyms_module
from questions.caching import cached_bank, restore_settings
from questions.models import (
    SEARCH_SHARD_IDS,
    Competency,
    EnglishWord,
    Question,
    QuestionType,
    SearchTerm,
    Synonym,
)

# Longer queries are cut here, with a notice: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 200
# Words and phrases beyond this many are ignored, with a notice.
MAX_TERMS = 12
# Matches ranked per search. Above it, totals and facet counts become lower bounds.
CANDIDATE_LIMIT = 1000
# Words in more questions than this are not looked up through the GIN index (whose cost
# grows with the number of questions using the word) but among the newest SCAN_LIMIT
# questions. Measured here: about 0.25 µs per question in a word's GIN list, 0.9 µs per
# question read newest-first, so both paths cost about the same, under 10 ms, at the
# switch, and less elsewhere, at 10k or 1M questions alike.
GIN_MAX_POSTINGS = 30_000
SCAN_LIMIT = 8_000
# Several common words together can be rare: "handle warehouse delays holiday sale" is in
# 54 of a million questions, so the newest SCAN_LIMIT hold almost none of them and the
# search would wrongly say no question has every word. When the words' shares (taken as
# independent) promise fewer than CANDIDATE_LIMIT // 10 matches among the scanned rows,
# the GIN index is used instead. It reads every listed question of the words it is given
# (related words included), about 0.07 µs each here, so it is given the rarest words
# whose lists add up to at most this many (about 10 ms); the rows it finds are checked
# for the other words.
GIN_POSTINGS_BUDGET = 150_000
# Rows at most whose phrases, exclusions or other words are checked after the GIN index
# found them.
EXAMINE_LIMIT = 4_000
# Even within that budget, the lists the GIN index reads grow with the bank. When they
# hold more than this many questions (about what they hold at 100,000 questions), the index
# looks only in the newest shards of ids (models.SEARCH_SHARD_IDS each) whose part of the
# lists fits, taking the words as spread evenly, and counts become lower bounds. GIN skips
# through the lists straight to those shards' questions: at a million questions, the
# sentence "handle warehouse delays before a holiday sale" reads the lists of "sale" and
# "delays" (113,000 questions) in 6.5 ms for the whole bank, in 3.0 ms for the newest
# two of its eight shards.
SHARD_POSTINGS = 30_000
# What a search sets for its own transaction (see _analyse), put back when nested.
SEARCH_SETTINGS = (
    "statement_timeout",
    "enable_seqscan",
    "jit",
    "plan_cache_mode",
    "hnsw.ef_search",
    "hnsw.iterative_scan",
)
# The least number of candidates each word of a relaxed search may contribute.
MIN_SHARE = 100
# Fewer strict matches than this and the search is relaxed (when it has several words).
RELAX_BELOW = 3
# How much a match through a related word counts against a match of the word itself.
RELATED_WEIGHT = 0.5
# In a relaxed search, how much likeness in meaning (cosine similarity, 0 to 1) counts
# beside the number of the query's words a question has (and its full-text rank): half a
# word at most, so the words lead and meaning orders what the words leave tied. Chosen on
# the judged sets in tests/ (see the README's "Meaning-based search").
MEANING_WEIGHT = 0.5
# How alike (pg_trgm similarity) a vocabulary word must be to replace a misspelt word.
MIN_CORRECTION_SIMILARITY = 0.4
# Shorter words are not corrected: there are too many near neighbours to guess well.
MIN_CORRECTABLE_LENGTH = 4
# Window size bounds, whatever a caller asks for.
MAX_LIMIT = 100
# Length of the guidance snippet shown under each result.
SNIPPET_WORDS = 28

# Private-use characters that never occur in typed text; see the `highlight` filter.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"

CONFIG = "english"

_PUNCTUATION = "\"'`.,;:!?()[]{}<>*&|\\/@#$%^~=+"
_WORD = re.compile(r'[^\s"]+')
# Control and format characters, including NUL, which PostgreSQL text cannot hold.
_UNWANTED = {"Cc", "Cf", "Cs", "Co", "Cn"}


@dataclass(frozen=True)
class Term:
    """A word or quoted phrase of a query; `negated` for an -excluded one."""

    text: str
    phrase: bool = False
    negated: bool = False
    # Where the word sits in the cleaned query, to write a corrected query back.
    span: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Facet:
    """How many of the matches fall in one competency or type; a link adds it as a filter."""

    value: str
    label: str
    count: int
    # True when the search stopped at one of its bounds: "at least this many".
    at_least: bool = False


@dataclass
class SearchResult:
    """What a search found, for the requested window.

    `questions` are the questions of the window, best first, each with three annotations
    for templates (pass them through the `highlight` filter): `highlighted_text`,
    `highlighted_guidance` and `guidance_snippet`; `guidance_is_cut` says whether the
    snippet is shorter than the guidance.
    """

    query: str = ""
    questions: list[Question] = field(default_factory=list)
    # Matches found; a lower bound when `total_is_lower_bound` ("1,000+").
    total: int = 0
    total_is_lower_bound: bool = False
    # Relaxed search: some results have only some of the words. `complete` have them all.
    partial: bool = False
    complete: int = 0
    # The query as searched after typo correction, when a word was corrected.
    corrected_query: str | None = None
    # Synonyms the search also looked for ("average order value" for "aov"), in the bank.
    also_matched: list[str] = field(default_factory=list)
    # Few or no questions have every word: the questions nearest in meaning that have none
    # of them, best first (first page only).
    closest: list[Question] = field(default_factory=list)
    competency_facets: list[Facet] = field(default_factory=list)
    type_facets: list[Facet] = field(default_factory=list)
    # Only the newest shards of the bank were looked in (see SHARD_POSTINGS).
    newest_shards_only: bool = False
    # Sentences for the person searching: cut query, ignored words, time-out.
    notices: list[str] = field(default_factory=list)
    timed_out: bool = False
    limit: int = 20
    offset: int = 0

    @property
    def shown(self) -> list[Question]:
        """The page's main list (and the API's results): the matches, or else, when no
        question has any of the words, the questions closest in meaning."""
        return self.questions or self.closest

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.questions) < self.total

    @property
    def page_number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.limit))


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
    offset = max(0, min(int(offset), CANDIDATE_LIMIT))
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
    groups, dropped = _limit_terms(parse_query(cleaned))
    if dropped:
        notices.append(f"Only the first {MAX_TERMS} words and phrases were used.")
    if not groups:
        notices.append("Add a word to search for, not only words to leave out.")
        return result
    filters = _Filters(competency, role, question_type, level, active_only)
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


def clean_query(query: str) -> tuple[str, list[str]]:
    """Make any text safe to search: normalise, drop control characters, cut to the limit."""
    notices: list[str] = []
    text = unicodedata.normalize("NFKC", str(query or ""))
    # Lone surrogates cannot be encoded for the database; control characters mean nothing.
    text = "".join(" " if unicodedata.category(ch) in _UNWANTED else ch for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        # Do not leave half a word at the end.
        if not text[MAX_QUERY_LENGTH].isspace() and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        text = cut.strip()
        notices.append(f"Your search was cut to its first {MAX_QUERY_LENGTH} characters.")
    return text, notices


def parse_query(query: str) -> list[list[Term]]:
    """Split a query like `websearch_to_tsquery` does: groups joined by `or`, of ANDed terms.

    `pear quince or rhubarb -sage` is [[pear, quince], [rhubarb, -sage]]. Groups without a
    word to look for are dropped, as are repeated terms.
    """
    groups: list[list[Term]] = [[]]
    pos, end = 0, len(query)
    while pos < end:
        if query[pos].isspace():
            pos += 1
            continue
        negated = query[pos] == "-" and pos + 1 < end and not query[pos + 1].isspace()
        if negated:
            pos += 1
        if query[pos] == '"':
            close = query.find('"', pos + 1)
            close = end if close == -1 else close
            term = Term(" ".join(query[pos + 1 : close].split()), phrase=True, negated=negated)
            pos = close + 1
        else:
            match = _WORD.match(query, pos)
            if match is None:  # a lone "-" before a quote or the end
                pos += 1
                continue
            pos = match.end()
            if not negated and match.group().lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            term = Term(match.group(), negated=negated, span=match.span())
        if term.text and term not in groups[-1]:
            groups[-1].append(term)
    return [group for group in groups if any(not term.negated for term in group)]


def _consecutive_words(cleaned: str, run: list[Term]) -> bool:
    if any(term.phrase or term.negated or term.span is None for term in run):
        return False
    return all(
        cleaned[before.span[1] : after.span[0]].isspace()
        for before, after in itertools.pairwise(run)
    )


def _limit_terms(groups: list[list[Term]]) -> tuple[list[list[Term]], bool]:
    """Keep the first MAX_TERMS terms; say whether any were dropped."""
    kept: list[list[Term]] = []
    room = MAX_TERMS
    for group in groups:
        kept.append(group[: max(room, 0)])
        room -= len(group)
    kept = [group for group in kept if any(not term.negated for term in group)]
    return kept, room < 0


@dataclass(frozen=True)
class _Filters:
    competency: str | None
    role: str | None
    question_type: str | None
    level: str | None
    active_only: bool

    def sql(self, *, found_by_text: bool = False) -> tuple[str, list]:
        """A WHERE fragment over the question table aliased `q`.

        `found_by_text`: the rows come from the full-text index, and the competency is
        checked on them. Otherwise the planner may read all of the competency's questions
        (a sixth of the bank) through an index of their own, to AND with the text index's
        rows or to check each one: 44 ms of a 72 ms search at a million questions.
        """
        parts, params = [], []
        if self.active_only:
            parts.append("q.is_active")
        if self.competency:
            # `+ 0` makes it an expression no index answers.
            column = "q.competency_id + 0" if found_by_text else "q.competency_id"
            parts.append(f"{column} = (SELECT id FROM {Competency._meta.db_table} WHERE slug = %s)")
            params.append(self.competency)
        if self.question_type:
            parts.append("q.question_type = %s")
            params.append(self.question_type)
        if self.level:
            parts.append("q.level = %s")
            params.append(self.level)
        if self.role:
            through = Question.roles.through._meta.db_table
            role_table = Question.roles.field.related_model._meta.db_table
            parts.append(
                f"EXISTS (SELECT 1 FROM {through} qr JOIN {role_table} r ON r.id = qr.role_id "
                "WHERE qr.question_id = q.id AND r.slug = %s)"
            )
            params.append(self.role)
        return (" AND ".join(parts) or "TRUE"), params


@dataclass(frozen=True)
class _Clause:
    """A positive term and the related words that also satisfy it."""

    term: Term
    related: tuple[Term, ...] = ()
    # Questions estimated to match, from the vocabulary's word counts (an upper bound).
    matches: int = 0

    @property
    def alternatives(self) -> list[Term]:
        return [self.term, *self.related]


@dataclass(frozen=True)
class _Group:
    clauses: tuple[_Clause, ...]
    excluded: tuple[Term, ...]
    # Questions in the bank, as the planner's statistics estimate it.
    bank_size: int = 0
    # The highest question id: the newest shard is newest_id // SEARCH_SHARD_IDS.
    newest_id: int = 0

    @property
    def matches(self) -> int:
        return min(clause.matches for clause in self.clauses)

    def share_together(self) -> float:
        """The estimated share of questions with every word, taking words as independent."""
        share = 1.0
        for clause in self.clauses:
            share *= min(1.0, clause.matches / self.bank_size) if self.bank_size else 1.0
        return share

    def indexed_clauses(self, share: int) -> tuple[_Clause, ...]:
        """The rarest words whose lists of questions fit GIN_POSTINGS_BUDGET (at least
        one): those the GIN index looks up; the others are checked on the rows found."""
        budget = GIN_POSTINGS_BUDGET // share
        chosen: list[_Clause] = []
        postings = 0
        for clause in sorted(self.clauses, key=lambda clause: clause.matches):
            if chosen and postings + clause.matches > budget:
                break
            chosen.append(clause)
            postings += clause.matches
        return tuple(chosen)

    def newest_shards(self, share: int) -> tuple[int, ...]:
        """The shards the GIN index looks in, newest first; none when it looks in all."""
        postings = sum(clause.matches for clause in self.indexed_clauses(share))
        newest = self.newest_id // SEARCH_SHARD_IDS
        per_shard = postings * SEARCH_SHARD_IDS / (self.newest_id + 1)
        fit = max(1, int(SHARD_POSTINGS // share / per_shard)) if per_shard else newest + 1
        if fit > newest:
            return ()
        return tuple(range(newest, newest - fit, -1))

    def scans_newest(self, share: int) -> bool:
        """Whether to look among the newest questions rather than through the GIN index."""
        if self.matches <= GIN_MAX_POSTINGS // share:
            return False
        if len(self.clauses) == 1:
            return True
        # The index would hand over more rows than may be checked for the other words.
        indexed = replace(self, clauses=self.indexed_clauses(share), excluded=())
        if indexed.share_together() * self.bank_size > EXAMINE_LIMIT // share:
            return True
        return self.share_together() * (SCAN_LIMIT // share) >= CANDIDATE_LIMIT // 10


class _Sql:
    """SQL fragments that build tsqueries from terms, always through PostgreSQL's own
    parsing functions with parameters: no user text is ever spliced into SQL or tsquery
    syntax, so no input can raise a syntax error.

    `exact` fragments honour phrases; `coarse` ones match every word of a phrase anywhere,
    which the GIN index answers without reading the rows (and are used to find candidates).
    """

    @staticmethod
    def term(term: Term, *, coarse: bool = False) -> tuple[str, list]:
        function = "phraseto_tsquery" if term.phrase and not coarse else "plainto_tsquery"
        return f"{function}('{CONFIG}'::regconfig, %s)", [term.text]

    @classmethod
    def join(cls, operator: str, parts: list[tuple[str, list]]) -> tuple[str, list]:
        sql = "(" + f" {operator} ".join(sql for sql, _ in parts) + ")"
        return sql, [param for _, params in parts for param in params]

    @classmethod
    def any_of(cls, terms: list[Term], *, coarse: bool = False) -> tuple[str, list]:
        return cls.join("||", [cls.term(term, coarse=coarse) for term in terms])

    @classmethod
    def clause(cls, clause: _Clause, *, coarse: bool = False) -> tuple[str, list]:
        return cls.any_of(clause.alternatives, coarse=coarse)

    @classmethod
    def group(cls, group: _Group) -> tuple[str, list]:
        """Every clause of the group, phrases exact, and none of its excluded terms."""
        parts = [cls.clause(clause) for clause in group.clauses]
        parts += [("!!" + sql, params) for sql, params in map(cls.term, group.excluded)]
        return cls.join("&&", parts)

    @classmethod
    def each_clause(cls, clauses: tuple[_Clause, ...], *, coarse: bool = False) -> tuple[str, list]:
        """`q.search_vector` matches each clause, rarest first, one condition per clause.

        Each condition is a key of its own to the GIN index, which then skips through the
        commoner words' lists to the rows the rarer ones have. Given one tsquery of all the
        clauses, it merged every list of words and related words instead: the sentence
        "handle warehouse delays before a holiday sale" took 4.9 ms in the index rather than
        2.9 at 100,000 questions, 56 rather than 30 at a million.
        """
        ordered = sorted(clauses, key=lambda clause: clause.matches)
        parts = [cls.clause(clause, coarse=coarse) for clause in ordered]
        sql = " AND ".join(f"q.search_vector @@ {part}" for part, _ in parts)
        return sql, [param for _, params in parts for param in params]

    @classmethod
    def rank(cls, groups: list[_Group]) -> tuple[str, list]:
        """Full-text rank of the words themselves, plus related words at a discount."""
        words = _unique(
            word for group in groups for clause in group.clauses for word in _typed(clause.term)
        )
        related = _unique(t for g in groups for clause in g.clauses for t in clause.related)
        sql, params = cls.any_of(words)
        sql = f"ts_rank(q.search_vector, {sql})"
        if related:
            related_sql, related_params = cls.any_of(related)
            sql += f" + {RELATED_WEIGHT} * ts_rank(q.search_vector, {related_sql})"
            params = params + related_params
        return sql, params

    @classmethod
    def coverage(cls, groups: list[_Group]) -> tuple[str, list]:
        """How many of its group's words a question has (the best group, with `or`)."""
        per_group, params = [], []
        for group in groups:
            parts = [cls.clause(clause) for clause in group.clauses]
            per_group.append(
                "(" + " + ".join(f"(q.search_vector @@ {sql})::int" for sql, _ in parts) + ")"
            )
            params += [p for _, ps in parts for p in ps]
        if len(per_group) == 1:
            return per_group[0], params
        return "GREATEST(" + ", ".join(per_group) + ")", params

    @classmethod
    def highlight(cls, groups: list[_Group]) -> tuple[str, list]:
        terms = _unique(t for g in groups for clause in g.clauses for t in clause.alternatives)
        return cls.any_of(terms)


def _typed(term: Term) -> list[Term]:
    """The words as typed: a synonym's phrase joined from typed words ranks as they did."""
    if term.phrase or " " not in term.text:
        return [term]
    return [Term(word) for word in term.text.split()]


def _unique(terms) -> list[Term]:
    seen: dict[tuple[str, bool], Term] = {}
    for term in terms:
        seen.setdefault((term.text.lower(), term.phrase), Term(term.text, phrase=term.phrase))
    return list(seen.values())


def _run(
    result: SearchResult,
    cleaned: str,
    groups: list[list[Term]],
    filters: _Filters,
    alias: str,
) -> SearchResult:
    """Analyse the words, search strictly, relax if needed, load the window."""
    analysed, corrections, also_matched = _analyse(cleaned, groups, alias)
    if corrections:
        result.corrected_query = _corrected(cleaned, corrections)
    if corrections.near_synonym:
        # The corrected words may be a synonym, or make one with their neighbours: search
        # the corrected query as if it had been typed, so that the results under "Showing
        # results for …" are exactly those its link leads to. Otherwise the words found
        # are already the corrected query's, and a second look-up would find the same.
        groups, _ = _limit_terms(parse_query(result.corrected_query))
        analysed, _, also_matched = _analyse(result.corrected_query, groups, alias, correct=False)
    result.also_matched = also_matched
    if not analysed:
        result.notices.append(
            "Nothing to search for: those words are too common or are not words. "
            "Try a more specific word."
        )
        return result
    strict = _find(analysed, filters, alias, relaxed=False, result=result)
    if strict.total < RELAX_BELOW and strict.newest_shards_only:
        # Too few in the newest shards: the whole bank, within the other bounds, before
        # settling for questions with only some of the words.
        strict = _find(analysed, filters, alias, relaxed=False, result=result, everywhere=True)
    # Meaning helps only where the words found few questions: only then is the query encoded.
    vector = meaning.query_vector(_meaning_text(analysed)) if strict.total < RELAX_BELOW else None
    if strict.total < RELAX_BELOW and vector is None:
        result.notices.append(meaning.UNAVAILABLE)
        strict.notices.append(meaning.UNAVAILABLE)
    found = strict
    if strict.total < RELAX_BELOW and len(analysed) == 1 and len(analysed[0].clauses) > 1:
        relaxed = _find(analysed, filters, alias, relaxed=True, result=result, vector=vector)
        if relaxed.total > strict.total:
            found = relaxed
            found.partial = True
            found.complete = strict.total
    if found.questions:
        found.questions = _load(found.questions, analysed, alias)
    if vector is not None and found.offset == 0:
        closest = _closest(vector, analysed, filters, alias)[: found.limit]
        found.closest = _load(closest, analysed, alias, by_meaning=set(closest))
    return found


def _meaning_text(groups: list[_Group]) -> str:
    """The words to compare by meaning: those looked for, as corrected, without syntax."""
    return " ".join(clause.term.text for group in groups for clause in group.clauses)


def _closest(
    vector: tuple[float, ...], groups: list[_Group], filters: _Filters, alias: str
) -> list[int]:
    """Ids of the questions nearest in meaning that have none of the words (nor their
    synonyms) and pass the filters, most alike first: what the words cannot find."""
    nearest_sql, nearest_params = meaning.nearest_sql(alias, vector)
    filter_sql, filter_params = filters.sql()
    words_sql, words_params = _Sql.highlight(groups)
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


def _analyse(
    cleaned: str, groups: list[list[Term]], alias: str, *, correct: bool = True
) -> tuple[list[_Group], _Corrections, list[str]]:
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
    synonym's stem, which decides how `_find` collects candidates.

    Returns the groups, the corrections and the synonyms that some question uses.
    """
    terms = _unique_terms(groups)
    runs = _word_runs(cleaned, groups)
    every = [*terms, *(run for run in runs if run not in terms)]
    keys = [None if term.negated else synonyms_module.normalise(term.text) for term in every]
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
        cursor.execute(sql, params)
        *_, bank_size, newest_id, rows = cursor.fetchone()
    verdicts: dict[Term, dict] = {}
    for row in rows or []:
        if row["parent"] is None:
            verdicts[every[row["item"] - 1]] = {**row, "synonyms": []}
        else:
            verdicts[every[row["parent"] - 1]]["synonyms"].append(row)
    corrections = _Corrections()
    analysed: list[_Group] = []
    for group in _join_synonym_phrases(groups, runs, verdicts):
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
            clauses.append(_Clause(term, tuple(alternatives), matches))
        if clauses:
            analysed.append(_Group(tuple(clauses), tuple(excluded), bank_size, newest_id))
    used = [
        row["text"]
        for group in analysed
        for clause in group.clauses
        for row in verdicts.get(clause.term, {}).get("synonyms", [])
        if row["matches"]
    ]
    return analysed, corrections, list(dict.fromkeys(used))


class _Corrections(dict[Term, str]):
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
                if _consecutive_words(cleaned, run):
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


def _corrected(cleaned: str, corrections: dict[Term, str]) -> str:
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


def _find(
    groups: list[_Group],
    filters: _Filters,
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
    """
    coverage = _Sql.coverage(groups)
    rank = _Sql.rank(groups)
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
        _scan(
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
    capped = bool(scan_capped) or found > CANDIDATE_LIMIT or newest_shards_only
    return replace(
        result,
        questions=list(ids),  # ids for now; _load() turns them into questions
        total=min(found, CANDIDATE_LIMIT),
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


def _candidate_columns(
    coverage: tuple[str, list], rank: tuple[str, list], tag: int, keep: int
) -> tuple[str, list]:
    columns = (
        f"q.id, q.slug, q.competency_id, q.question_type, {coverage[0]} AS coverage, "
        f"{rank[0]} AS rank, {tag} AS tag, {keep} AS keep"
    )
    return columns, [*coverage[1], *rank[1]]


def _scan(
    group: _Group,
    filters: _Filters,
    *,
    coverage: tuple[str, list],
    rank: tuple[str, list],
    share: int,
    tag: int,
    everywhere: bool = False,
) -> tuple[str, list, bool]:
    """Candidates for one group (or one word of a relaxed search), with bounded work, and
    whether only the newest shards were looked in.

    Words in at most GIN_MAX_POSTINGS questions are found through the GIN index, whose
    cost is the length of the rarest word's list of questions, so bounded by that number.
    Commoner words are looked for among the newest SCAN_LIMIT questions, in primary-key
    order: so many questions match that enough turn up among them, and the cost is that
    of reading those rows, whatever the size of the bank. Phrases and exclusions, which
    the index cannot check, are checked on at most EXAMINE_LIMIT rows it found. `share`
    divides the budget between the words of a relaxed search. Only the rows kept are
    ranked. When the index's lists are long, it looks in the newest shards only
    (SHARD_POSTINGS).

    Each row says whether it is a match (`hit`) and whether it is the last row the budget
    allowed (`at_bound`, kept even when it does not match): reaching the bound, or keeping
    as many matches as allowed (`keep`), means more matches may exist.
    """
    table = Question._meta.db_table
    newest = group.scans_newest(share)
    filter_sql, filter_params = filters.sql(found_by_text=not newest)
    keep = max(CANDIDATE_LIMIT // share, MIN_SHARE) + 1
    columns, columns_params = _candidate_columns(coverage, rank, tag, keep)
    indexed = group.indexed_clauses(share)
    needs_check = (
        bool(group.excluded)
        or len(indexed) < len(group.clauses)
        or any(term.phrase for clause in group.clauses for term in clause.alternatives)
    )
    shards = () if newest or everywhere else group.newest_shards(share)
    if shards:
        # One condition per shard, so that each is a key to the index: the planner ORs
        # the index's findings for each. The shard must be a bigint, as in the index.
        shard_sql = " OR ".join(f"(q.id / {SEARCH_SHARD_IDS}) = %s::bigint" for _ in shards)
        filter_sql = f"({shard_sql}) AND {filter_sql}"
        filter_params = [*shards, *filter_params]
    if newest:
        examine = SCAN_LIMIT // share
        where_sql, where_params = filter_sql, filter_params
        order = "ORDER BY q.id DESC"
    elif needs_check:
        examine = EXAMINE_LIMIT // share
        coarse_sql, coarse_params = _Sql.each_clause(indexed, coarse=True)
        where_sql = f"{coarse_sql} AND {filter_sql}"
        where_params = [*coarse_params, *filter_params]
        order = ""
    else:
        each_sql, each_params = _Sql.each_clause(group.clauses)
        sql = (
            f"(SELECT {columns}, true AS hit, false AS at_bound FROM {table} q "
            f"WHERE {each_sql} AND {filter_sql} LIMIT {keep})"
        )
        return sql, [*columns_params, *each_params, *filter_params], bool(shards)
    # A bounded run of rows, numbered as read; matches are kept, and so is the last row
    # the budget allows, to tell that the bound was reached.
    exact_sql, exact_params = _Sql.group(group)
    sql = (
        f"(SELECT {columns}, q.search_vector @@ {exact_sql} AS hit, "
        f"q.position = {examine} AS at_bound "
        f"FROM (SELECT q.id, q.slug, q.competency_id, q.question_type, q.search_vector, "
        f"row_number() OVER ({order}) AS position FROM {table} q "
        f"WHERE {where_sql} {order} LIMIT {examine}) AS q "
        f"WHERE q.search_vector @@ {exact_sql} OR q.position = {examine} LIMIT {keep + 1})"
    )
    return sql, [*columns_params, *exact_params, *where_params, *exact_params], bool(shards)


def _load(
    ids: list[int], groups: list[_Group], alias: str, *, by_meaning: set[int] = frozenset()
) -> list[Question]:
    """The window's questions in rank order, with highlights computed for them alone.

    Two `ts_headline` calls per question (text and guidance, every match marked); the
    guidance snippet is cut from the marked guidance here rather than by a third call.
    """
    highlight_sql, highlight_params = _Sql.highlight(groups)
    query = RawSQL(highlight_sql, highlight_params, output_field=SearchQueryField())
    marks = {
        "config": CONFIG,
        "start_sel": HIGHLIGHT_START,
        "stop_sel": HIGHLIGHT_STOP,
        "highlight_all": True,
    }
    questions = (
        Question.objects.using(alias)
        .filter(id__in=ids)
        .select_related("competency")
        .annotate(
            highlighted_text=SearchHeadline("text", query, **marks),
            highlighted_guidance=SearchHeadline("guidance", query, **marks),
        )
    )
    by_id = {question.id: question for question in questions}
    ordered = [by_id[pk] for pk in ids if pk in by_id]
    for question in ordered:
        # Found as alike in meaning, with none of the words.
        question.by_meaning = question.id in by_meaning
        question.guidance_snippet = guidance_snippet(question.highlighted_guidance)
        question.guidance_is_cut = len(question.guidance.split()) > SNIPPET_WORDS
    return ordered


def guidance_snippet(marked: str, *, words: int = SNIPPET_WORDS) -> str:
    """About `words` words of marked-up guidance, starting a little before the first match."""
    tokens = marked.split()
    if len(tokens) <= words:
        return " ".join(tokens)
    first = next((i for i, token in enumerate(tokens) if HIGHLIGHT_START in token), 0)
    start = max(0, min(first - words // 4, len(tokens) - words))
    piece = " ".join(tokens[start : start + words])
    return ("… " if start else "") + piece + (" …" if start + words < len(tokens) else "")
