"""Search: `questions.search.queries.question_search()` is the one entry point.

- `queries`: the entry point, its cache and its transaction; the plan, step by step.
- `parsing`: what a person typed, cleaned and split into terms.
- `vocabulary`: synonyms, typo corrections and word counts, in one look-up.
- `planning`: which index path each group of words takes, within bounded work.
- `tsquery`: the tsquery fragments every step builds from terms.
- `ranking`: the one query that ranks the candidates and takes a window and facets.
- `results`: what a search returns, with highlights and snippets.
- `synonyms`: how curated synonym entries are written and checked.
- `meaning`, `embeddings`, `encoder`: sentence vectors, the model that makes them, and the
  process that shares one model per server.

The package imports nothing itself, so the encoder process, which runs without Django, can
load `embeddings` and `encoder` alone.
"""
