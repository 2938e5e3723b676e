"""The judged set (`tests/search/judged_queries.py`): how often a right question is in the top K."""

from collections import Counter

from questions.search.queries import question_search
from tests.search.judged_queries import JUDGED_QUERIES, TOP_K

# The share of judged searches with a right question in the first TOP_K results.
REQUIRED_HIT_RATE = 0.9


def judge() -> tuple[float, Counter, list[tuple[str, list[str]]]]:
    hits: Counter = Counter()
    misses = []
    for kind, query, answers in JUDGED_QUERIES:
        result = question_search(query, limit=TOP_K)
        # As the page lists them: the matches, then the questions close in meaning.
        shown = [question.slug for question in [*result.questions, *result.closest]]
        if answers & set(shown[:TOP_K]):
            hits[kind] += 1
        else:
            misses.append((query, shown))
    return sum(hits.values()) / len(JUDGED_QUERIES), hits, misses


def test_the_judged_set_is_forty_queries_of_four_kinds():
    kinds = Counter(kind for kind, _, _ in JUDGED_QUERIES)
    assert len(JUDGED_QUERIES) == 40
    assert set(kinds.values()) == {10}


def test_a_right_question_is_in_the_top_k_for_nine_in_ten(seed_bank):
    rate, hits, misses = judge()
    print(f"\nJudged set: {rate:.0%} in the top {TOP_K}; by kind: {dict(hits)}")
    for query, shown in misses:
        print(f"  missed: {query!r} -> {shown}")
    assert rate >= REQUIRED_HIT_RATE, misses
