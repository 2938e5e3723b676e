"""Which way a search collects its candidates, with work bounded whatever the bank's size.

A query's groups of words (`Group`, each word a `Clause` with its related words and an
estimate of the questions using it) decide the path: the GIN index for words rare enough,
the newest questions for common ones, only the newest shards of ids when the index's lists
are long, and a share of the budget per word when a search is relaxed. `candidate_query()`
writes one group's bounded candidate query; `questions.search.ranking` ranks what they find.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from questions.models import SEARCH_SHARD_IDS, Competency, Question
from questions.search.parsing import Term
from questions.search.tsquery import TsQuery

# Matches ranked per search. Above it, totals and facet counts become lower bounds.
CANDIDATE_LIMIT = 1000
# Words in more questions than this are not looked up through the GIN index (whose cost
# grows with the number of questions using the word) but among the newest SCAN_LIMIT
# questions. Chosen where both paths cost about the same, and less on either side of it,
# at 10k or 1M questions alike (the README's "Performance" has the per-row costs).
GIN_MAX_POSTINGS = 30_000
SCAN_LIMIT = 8_000
# Several common words together can be rare: "handle warehouse delays holiday sale" is in
# 54 of a million questions, so the newest SCAN_LIMIT hold almost none of them and the
# search would wrongly say no question has every word. When the words' shares (taken as
# independent) promise fewer than CANDIDATE_LIMIT // 10 matches among the scanned rows,
# the GIN index is used instead. It reads every listed question of the words it is given
# (related words included), so it is given the rarest words whose lists add up to at
# most this many; the rows it finds are checked for the other words.
GIN_POSTINGS_BUDGET = 150_000
# Rows at most whose phrases, exclusions or other words are checked after the GIN index
# found them.
EXAMINE_LIMIT = 4_000
# Even within that budget, the lists the GIN index reads grow with the bank. When they
# hold more than this many questions (about what they hold at 100,000 questions), the index
# looks only in the newest shards of ids (models.SEARCH_SHARD_IDS each) whose part of the
# lists fits, taking the words as spread evenly, and counts become lower bounds. GIN skips
# through the lists straight to those shards' questions, so reading the newest shards of
# a long list costs a fraction of reading all of it.
SHARD_POSTINGS = 30_000
# The least number of candidates each word of a relaxed search may contribute.
MIN_SHARE = 100
# Fewer strict matches than this and the search is relaxed (when it has several words).
RELAX_BELOW = 3


@dataclass(frozen=True)
class Filters:
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
        rows or to check each one: most of such a search's time at a million questions.
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
class Clause:
    """A positive term and the related words that also satisfy it."""

    term: Term
    related: tuple[Term, ...] = ()
    # Questions estimated to match, from the vocabulary's word counts (an upper bound).
    matches: int = 0

    @property
    def alternatives(self) -> list[Term]:
        return [self.term, *self.related]


@dataclass(frozen=True)
class Group:
    clauses: tuple[Clause, ...]
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

    def indexed_clauses(self, share: int) -> tuple[Clause, ...]:
        """The rarest words whose lists of questions fit GIN_POSTINGS_BUDGET (at least
        one): those the GIN index looks up; the others are checked on the rows found."""
        budget = GIN_POSTINGS_BUDGET // share
        chosen: list[Clause] = []
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


def _candidate_columns(
    coverage: tuple[str, list], rank: tuple[str, list], tag: int, keep: int
) -> tuple[str, list]:
    columns = (
        f"q.id, q.slug, q.competency_id, q.question_type, {coverage[0]} AS coverage, "
        f"{rank[0]} AS rank, {tag} AS tag, {keep} AS keep"
    )
    return columns, [*coverage[1], *rank[1]]


def candidate_query(
    group: Group,
    filters: Filters,
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

    The three paths' SQL side by side, so that a reader sees what differs between them.
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
        coarse_sql, coarse_params = TsQuery.each_clause(indexed, coarse=True)
        where_sql = f"{coarse_sql} AND {filter_sql}"
        where_params = [*coarse_params, *filter_params]
        order = ""
    else:
        each_sql, each_params = TsQuery.each_clause(group.clauses)
        sql = (
            f"(SELECT {columns}, true AS hit, false AS at_bound FROM {table} q "
            f"WHERE {each_sql} AND {filter_sql} LIMIT {keep})"
        )
        return sql, [*columns_params, *each_params, *filter_params], bool(shards)
    # A bounded run of rows, numbered as read; matches are kept, and so is the last row
    # the budget allows, to tell that the bound was reached.
    exact_sql, exact_params = TsQuery.group(group)
    sql = (
        f"(SELECT {columns}, q.search_vector @@ {exact_sql} AS hit, "
        f"q.position = {examine} AS at_bound "
        f"FROM (SELECT q.id, q.slug, q.competency_id, q.question_type, q.search_vector, "
        f"row_number() OVER ({order}) AS position FROM {table} q "
        f"WHERE {where_sql} {order} LIMIT {examine}) AS q "
        f"WHERE q.search_vector @@ {exact_sql} OR q.position = {examine} LIMIT {keep + 1})"
    )
    return sql, [*columns_params, *exact_params, *where_params, *exact_params], bool(shards)
