"""tsquery fragments built from a query's terms, for finding, ranking and highlighting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from questions.search.parsing import Term

if TYPE_CHECKING:
    from questions.search.planning import Clause, Group

CONFIG = "english"
# How much a match through a related word counts against a match of the word itself.
RELATED_WEIGHT = 0.5


class TsQuery:
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
    def clause(cls, clause: Clause, *, coarse: bool = False) -> tuple[str, list]:
        return cls.any_of(clause.alternatives, coarse=coarse)

    @classmethod
    def group(cls, group: Group) -> tuple[str, list]:
        """Every clause of the group, phrases exact, and none of its excluded terms."""
        parts = [cls.clause(clause) for clause in group.clauses]
        parts += [("!!" + sql, params) for sql, params in map(cls.term, group.excluded)]
        return cls.join("&&", parts)

    @classmethod
    def each_clause(cls, clauses: tuple[Clause, ...], *, coarse: bool = False) -> tuple[str, list]:
        """`q.search_vector` matches each clause, rarest first, one condition per clause.

        Each condition is a key of its own to the GIN index, which then skips through the
        commoner words' lists to the rows the rarer ones have. Given one tsquery of all the
        clauses, it merged every list of words and related words instead, which took
        nearly twice as long for a sentence of common words.
        """
        ordered = sorted(clauses, key=lambda clause: clause.matches)
        parts = [cls.clause(clause, coarse=coarse) for clause in ordered]
        sql = " AND ".join(f"q.search_vector @@ {part}" for part, _ in parts)
        return sql, [param for _, params in parts for param in params]

    @classmethod
    def rank(cls, groups: list[Group]) -> tuple[str, list]:
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
    def coverage(cls, groups: list[Group]) -> tuple[str, list]:
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
    def highlight(cls, groups: list[Group]) -> tuple[str, list]:
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
