"""Curated synonyms (`questions.models.Synonym`): how entries are written and checked.

Editors keep the table in the admin. A search reads it in the same query that analyses
the words (`questions.search.vocabulary.analyse`), so an edit applies to the next search without a
restart, and expansion needs nothing from the database server beyond plain full-text
search. Every change also bumps the bank version, so cached results are renewed.
"""

from __future__ import annotations

# Longest phrase, in words, that is looked up as one term.
MAX_WORDS = 4
# Stripped from the ends of each word; "-" and "/" stay ("e-commerce", "a/b testing").
PUNCTUATION = "\"'`.,;:!?()[]{}<>*&|\\@#$%^~=+"


class SynonymError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise(text: str) -> str:
    """Lower-case words without surrounding punctuation, one space apart."""
    words = (word.strip(PUNCTUATION) for word in str(text).lower().split())
    return " ".join(word for word in words if word)


def split_synonyms(synonyms: str) -> list[str]:
    parts: list[str] = []
    for part in map(normalise, synonyms.split(",")):
        if part and part not in parts:
            parts.append(part)
    return parts


def normalised_entry(term: str, synonyms: str) -> tuple[str, str]:
    """An entry's term and synonyms as stored: normalised, checked, without repeats."""
    term = normalise(term)
    if not term:
        raise SynonymError("term", "Enter a word or short phrase.")
    if len(term.split()) > MAX_WORDS:
        raise SynonymError("term", f"Use at most {MAX_WORDS} words.")
    parts = [part for part in split_synonyms(synonyms) if part != term]
    if not parts:
        raise SynonymError("synonyms", "Enter at least one synonym that differs from the term.")
    if any(len(part.split()) > MAX_WORDS for part in parts):
        raise SynonymError("synonyms", f"Use at most {MAX_WORDS} words in each synonym.")
    return term, ", ".join(parts)
