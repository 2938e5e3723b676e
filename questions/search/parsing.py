"""What a person typed, made safe and split into terms as PostgreSQL's
`websearch_to_tsquery` would: plain words, "quoted phrases", -excluded words and `or`."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

# Longer queries are cut here, with a notice: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 200
# Words and phrases beyond this many are ignored, with a notice.
MAX_TERMS = 12

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


def consecutive_words(cleaned: str, run: list[Term]) -> bool:
    if any(term.phrase or term.negated or term.span is None for term in run):
        return False
    return all(
        cleaned[before.span[1] : after.span[0]].isspace()
        for before, after in itertools.pairwise(run)
    )


def limit_terms(groups: list[list[Term]]) -> tuple[list[list[Term]], bool]:
    """Keep the first MAX_TERMS terms; say whether any were dropped."""
    kept: list[list[Term]] = []
    room = MAX_TERMS
    for group in groups:
        kept.append(group[: max(room, 0)])
        room -= len(group)
    kept = [group for group in kept if any(not term.negated for term in group)]
    return kept, room < 0
