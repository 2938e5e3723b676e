"""What a search returns: the window of questions, highlighted, with counts and notices.

Highlights come back with sentinel characters around matched words; the `highlight`
template filter escapes the text first and only then turns the sentinels into `<mark>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQueryField
from django.db.models.expressions import RawSQL

from questions.models import Question
from questions.search.tsquery import CONFIG, TsQuery

if TYPE_CHECKING:
    from questions.search.planning import Group

# Length of the guidance snippet shown under each result.
SNIPPET_WORDS = 28

# Private-use characters that never occur in typed text; see the `highlight` filter.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


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


def load_window(
    ids: list[int], groups: list[Group], alias: str, *, by_meaning: set[int] = frozenset()
) -> list[Question]:
    """The window's questions in rank order, with highlights computed for them alone.

    Two `ts_headline` calls per question (text and guidance, every match marked); the
    guidance snippet is cut from the marked guidance here rather than by a third call.
    """
    highlight_sql, highlight_params = TsQuery.highlight(groups)
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
