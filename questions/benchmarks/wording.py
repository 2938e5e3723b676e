"""How synthetic questions read: the seed's sentences with some words swapped.

Each question is one of the seed's questions (fixtures/questions.json) with
some of its words swapped for other words of the seed with the same ending, drawn as
often as the seed uses them, so the bank keeps the seed's vocabulary and its natural,
Zipf-like spread: a few words ("candidate", "customer") are in a large share of
questions, most in few. Its guidance is the seed question's own, reworded the same way,
sometimes with one more sentence from the same competency, so about as long as the
seed's. About half the questions also name products, teams or markets ("Ask how they
would apply this to Zarvenel.") from a long tail of made-up names drawn with Zipf's law,
the way real banks mention their own tools: this is where the rare words are.
`bench_words()` names a word of each kind; their shares hold at every size.
"""

from __future__ import annotations

import json
import random
import re
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

from django.conf import settings

# Made-up names (products, teams, markets) in the long tail, and the Zipf exponent of their use.
TAIL_SIZE = 50_000
TAIL_EXPONENT = 1.05
# Share of content words swapped for another seed word, and of questions naming tail words.
SWAP_RATE = 0.15
TEXT_CONTEXT_RATE = 0.3
GUIDANCE_FOLLOW_UP_RATE = 0.5
EXTRA_SENTENCE_RATE = 0.3

# Words of the benchmark's query mix, with the share of questions they are in at any size
# (measured on generated banks): a made-up name of the tail in about 4 questions in 10,000;
# a seed word in about 2%; the commonest seed word that means something, in about 60%.
RARE_WORD_RANK = 270
MID_WORD = "forecasting"
COMMON_WORD = "candidate"

COMPETENCY_WEIGHTS = {
    "strategy": 0.16,
    "project-management": 0.18,
    "data-analysis": 0.2,
    "technical": 0.14,
    "customer-service": 0.2,
    "leadership": 0.12,
}
TEXT_CONTEXTS = [
    "Thinking of your work at {t}, ",
    "In a role like the one at {t}, ",
    "For a team such as {t}, ",
    "If you joined us at {t}, ",
]
FOLLOW_UPS = [
    "Ask how they would apply this to {t}.",
    "Follow up on their experience with {t}.",
    "Strong answers mention {t} or {u}.",
    "Probe for specifics about the {t} rollout.",
    "Listen for concrete results from {t} and {u}.",
    "It helps if they have worked with {t}.",
]
# Words never swapped: they carry the grammar, and swapping them reads as noise.
_KEEP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "more",
        "most",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
        "yours",
        "candidate",
        "candidates",
    ]
)
_EDGE = "\"'“”‘’.,;:!?()"
# Endings that roughly tell verbs, nouns, adjectives and adverbs apart, longest first.
_ENDINGS = (
    "ization",
    "ation",
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ing",
    "ies",
    "ed",
    "ly",
    "al",
    "ive",
    "ful",
    "ous",
    "ic",
    "ers",
    "s",
)
_WORD = re.compile(r"^[A-Za-z][A-Za-z/-]*[A-Za-z]$")


def bench_words() -> dict[str, str]:
    """The query mix's single words: rare (a made-up name), mid and common (seed words)."""
    return {"rare": tail_word(RARE_WORD_RANK), "mid": MID_WORD, "common": COMMON_WORD}


def tail_word(rank: int) -> str:
    """The made-up name of this rank (1 = most used) in the long tail."""
    return tail()[rank - 1]


@dataclass
class GeneratedQuestion:
    competency: str
    slug: str
    seed_text: str
    text: str
    guidance: str
    question_type: str
    level: str
    minutes: int


@dataclass
class _Seed:
    """A seed question, ready to be reworded."""

    text: _Template
    guidance: list[_Template]
    slug: str
    fields: dict


@dataclass
class _Template:
    """A seed sentence split into words, with the positions that may be swapped."""

    words: list[str]
    # (position, the word without punctuation, its ending class)
    swappable: list[tuple[int, str, str]]


class Writer:
    """Writes questions like the seed's: its sentences, its words, its spread of words."""

    def __init__(self, seed_questions: list[dict]) -> None:
        frequency: Counter[str] = Counter()
        self.seeds: dict[str, list[_Seed]] = defaultdict(list)
        self.extra_guidance: dict[str, list[_Template]] = defaultdict(list)
        for question in seed_questions:
            competency = question["competency"][0]
            sentences = [
                self._template(sentence, frequency)
                for sentence in re.split(r"(?<=[.?!])\s+", question["guidance"].strip())
            ]
            self.seeds[competency].append(
                _Seed(
                    text=self._template(question["text"], frequency),
                    guidance=sentences,
                    slug="-".join(re.findall(r"[a-z0-9]+", question["text"].lower())[:7]),
                    fields=question,
                )
            )
            self.extra_guidance[competency] += sentences
        # Swapped-in words are drawn as often as the seed uses them (its natural spread),
        # among words of the same ending, so a verb in -ing stays one and the sentence reads.
        self.swap_words: dict[str, list[str]] = defaultdict(list)
        self.swap_weights: dict[str, list[float]] = {}
        for word in frequency:
            self.swap_words[_shape(word)].append(word)
        for shape, words in self.swap_words.items():
            self.swap_weights[shape] = list(accumulate(frequency[word] for word in words))
        self.tail = tail()
        self.tail_weights = list(
            accumulate(1 / rank**TAIL_EXPONENT for rank in range(1, len(self.tail) + 1))
        )
        self.competencies = list(COMPETENCY_WEIGHTS)
        self.competency_weights = list(accumulate(COMPETENCY_WEIGHTS.values()))

    @staticmethod
    def _template(sentence: str, frequency: Counter[str]) -> _Template:
        words = sentence.split()
        swappable = []
        for position, word in enumerate(words):
            core = _core(word)
            if len(core) >= 5 and _WORD.match(core) and core.lower() not in _KEEP:
                swappable.append((position, core, _shape(core.lower())))
                frequency[core.lower()] += 1
        return _Template(words, swappable)

    def questions(self, rng: random.Random, count: int) -> Iterator[GeneratedQuestion]:
        seen: set[int] = set()
        for _ in range(count):
            competency = self._pick(rng, self.competencies, self.competency_weights)
            seed = rng.choice(self.seeds[competency])
            text = self._reword(rng, seed.text)
            if rng.random() < TEXT_CONTEXT_RATE:
                text = self._with_context(rng, text)
            # Texts are unique in the bank (case-insensitively): add context until new.
            while hash(text.lower()) in seen:
                text = self._with_context(rng, self._reword(rng, seed.text))
            seen.add(hash(text.lower()))
            # The seed question's own guidance, sometimes with a sentence from another
            # question of the competency, and often a follow-up naming products or teams.
            guidance = [self._reword(rng, sentence) for sentence in seed.guidance]
            if rng.random() < EXTRA_SENTENCE_RATE:
                guidance.append(self._reword(rng, rng.choice(self.extra_guidance[competency])))
            if rng.random() < GUIDANCE_FOLLOW_UP_RATE:
                guidance.append(
                    rng.choice(FOLLOW_UPS).format(t=self._tail_word(rng), u=self._tail_word(rng))
                )
            fields = seed.fields
            yield GeneratedQuestion(
                competency=competency,
                slug=seed.slug,
                seed_text=seed.fields["text"],
                text=text,
                guidance=" ".join(guidance),
                question_type=fields["question_type"]
                if rng.random() < 0.8
                else rng.choice(("behavioural", "situational", "technical", "approach")),
                level=fields["level"]
                if rng.random() < 0.8
                else rng.choice(("junior", "mid", "senior", "lead")),
                minutes=max(2, min(15, fields["minutes"] + rng.choice((-1, 0, 0, 0, 1, 2)))),
            )

    def _reword(self, rng: random.Random, template: _Template) -> str:
        words = template.words
        swaps = [swap for swap in template.swappable if rng.random() < SWAP_RATE]
        if not swaps:
            return " ".join(words)
        words = list(words)
        for position, core, shape in swaps:
            new = self._pick(rng, self.swap_words[shape], self.swap_weights[shape])
            if core[:1].isupper():
                new = new[:1].upper() + new[1:]
            words[position] = words[position].replace(core, new, 1)
        return " ".join(words)

    def _with_context(self, rng: random.Random, text: str) -> str:
        first = text.split(" ", 1)[0]
        # Lower-case the old first word unless it is a name or an acronym ("I", "KPIs").
        if first[1:2].islower():
            text = text[:1].lower() + text[1:]
        return rng.choice(TEXT_CONTEXTS).format(t=self._tail_word(rng)) + text

    def _tail_word(self, rng: random.Random) -> str:
        return self._pick(rng, self.tail, self.tail_weights).capitalize()

    @staticmethod
    def _pick(rng: random.Random, population: list[str], cumulative: list[float]) -> str:
        return population[bisect(cumulative, rng.random() * cumulative[-1])]


def _core(word: str) -> str:
    return word.strip(_EDGE)


def _shape(word: str) -> str:
    """A rough part of speech from the ending: what a word may be swapped with."""
    return next((ending for ending in _ENDINGS if word.endswith(ending)), "")


@cache
def _seed_questions() -> list[dict]:
    path = Path(settings.FIXTURE_DIRS[0]) / "questions.json"
    return [entry["fields"] for entry in json.loads(path.read_text(encoding="utf-8"))]


@cache
def writer() -> Writer:
    return Writer(_seed_questions())


@cache
def tail() -> list[str]:
    """TAIL_SIZE made-up, pronounceable names, in a fixed order, none a seed word."""
    rng = random.Random(7)
    onsets = [
        "b",
        "d",
        "f",
        "g",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "dr",
        "gr",
        "kr",
        "pl",
        "st",
        "tr",
        "th",
        "ch",
        "sh",
    ]
    vowels = ["a", "e", "i", "o", "u", "a", "e", "o"]
    codas = ["", "", "", "n", "r", "l", "s", "x", "m"]
    seed_words = {
        _core(word).lower()
        for question in _seed_questions()
        for word in f"{question['text']} {question['guidance']}".split()
    }
    names: dict[str, None] = {}
    while len(names) < TAIL_SIZE:
        syllables = rng.choice((2, 3, 3, 4))
        name = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        name += rng.choice(codas)
        if name not in seed_words:
            names.setdefault(name, None)
    return list(names)
