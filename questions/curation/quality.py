"""Quality checks on a question's wording: fairness, yes/no and leading questions, duplicates.

The word lists live here and nowhere else. The checks only warn: an editor decides.
Patterns are matched case-insensitively on word boundaries, so "team" does not match "tea"
and "manage" does not match "age"; phrases common in e-commerce that merely contain a
sensitive word ("race condition", "good faith", "Black Friday") are left out on purpose.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import QuerySet

from questions.models import Question

# Characteristics an interview must not ask about, with the words that usually reveal them.
PROTECTED_CHARACTERISTICS: dict[str, list[str]] = {
    "age": [
        r"how old",
        r"age",
        r"aged",
        r"your age",
        r"date of birth",
        r"year of birth",
        r"when were you born",
        r"birthday",
        r"retire",
        r"retirement",
        r"young(?:er)?",
        r"elderly",
        r"millennials?",
        r"boomers?",
        r"gen ?z",
        r"digital natives?",
    ],
    "family or marital status": [
        r"married",
        r"marriage",
        r"marital",
        r"spouses?",
        r"husbands?",
        r"wife",
        r"wives",
        r"girlfriend",
        r"boyfriend",
        r"fianc[eé]e?",
        r"divorced?",
        r"widow(?:ed|er)?",
        r"single parent",
        r"maiden name",
        r"child",
        r"children",
        r"kids",
        r"childcare",
        r"babysitter",
        r"(?<!product )famil(?:y|ies)",
        r"caring responsibilities",
        r"dependants",
        r"dependents",
    ],
    "pregnancy": [
        r"pregnant",
        r"pregnancy",
        r"maternity",
        r"paternity",
        r"parental leave",
        r"expecting a baby",
        r"having a baby",
        r"ivf",
    ],
    "health or disability": [
        r"disabled",
        r"disability",
        r"disabilities",
        r"handicap(?:ped)?",
        r"impairment",
        r"health (?:condition|problem|issue)s?",
        r"mental health",
        r"your health",
        r"medical",
        r"medication",
        r"illness(?:es)?",
        r"sick",
        r"sickness",
        r"diagnos[a-z]*",
        r"wheelchair",
        r"therapy",
        r"depression",
        r"injur(?:y|ies)",
    ],
    "religion or belief": [
        r"religion",
        r"religious",
        r"church",
        r"mosque",
        r"synagogue",
        r"temple",
        r"pray(?:er|ers|ing)?",
        r"(?<!good )faith",
        r"sabbath",
        r"worship",
        r"christians?",
        r"muslims?",
        r"islam",
        r"jewish",
        r"hindus?",
        r"buddhists?",
        r"sikhs?",
        r"atheists?",
        r"ramadan",
        r"god",
    ],
    "nationality or origin": [
        r"nationality",
        r"national origin",
        r"citizens?",
        r"citizenship",
        r"where are you from",
        r"where were you born",
        r"born in",
        r"country of origin",
        r"native (?:language|speaker|tongue)",
        r"mother tongue",
        r"first language",
        r"accent",
        r"immigrants?",
        r"immigration status",
        r"foreigners?",
        r"ancestry",
        r"heritage",
        r"passport",
    ],
    "race or ethnicity": [
        r"race(?! conditions?)",
        r"races",
        r"racial",
        r"ethnic",
        r"ethnicity",
        r"skin colou?r",
        r"complexion",
    ],
    "sexual orientation or gender identity": [
        r"sexual orientation",
        r"sexuality",
        r"gay",
        r"lesbian",
        r"bisexual",
        r"homosexual",
        r"heterosexual",
        r"transgender",
        r"gender identity",
        r"lgbt[a-z+]*",
    ],
    "sex": [
        r"gender",
        r"man or (?:a )?woman",
        r"male or female",
    ],
}

# Openings that suggest the answer the interviewer wants to hear.
LEADING_PATTERNS: list[str] = [
    r"don[’']t you (?:think|agree|feel|believe)",
    r"wouldn[’']t you (?:agree|say)",
    r"isn[’']t it (?:true|fair|right)",
    r"aren[’']t you",
    r"you (?:would|[’']d) agree",
    r"surely",
    r"obviously",
    r"of course you",
    r"i[’']m sure you",
    r"i assume you",
    r"presumably",
    r"how much do you (?:love|enjoy)",
    r"(?:,|—) right\?",
    r"(?:,|—) correct\?",
]

# A question opening with one of these can be answered "yes" or "no"...
CLOSED_OPENERS = {
    *("am", "are", "is", "was", "were", "do", "does", "did", "have", "has", "had"),
    *("can", "could", "will", "would", "should", "shall", "may", "might", "must"),
    *("don't", "doesn't", "didn't", "haven't", "hasn't", "won't", "wouldn't"),
    *("can't", "couldn't", "isn't", "aren't"),
}
# ...unless it is a polite request ("Can you describe…") for an open answer.
REQUEST_VERBS = {
    *("describe", "discuss", "explain", "tell", "walk", "share", "give", "provide", "talk"),
    *("outline", "elaborate", "detail", "take", "think", "recall", "summarise", "summarize"),
    *("identify", "list", "name", "show", "expand", "compare"),
}
# A follow-up sentence opening with one of these makes the whole question open again.
OPEN_OPENERS = {
    *("how", "what", "why", "which", "when", "where", "who", "in"),
    *("describe", "explain", "tell", "walk", "discuss", "give", "share", "talk", "outline"),
}

# How alike two texts must be (pg_trgm similarity, 0 to 1) to be called near-duplicates: light
# rewordings score 0.65 to 0.85, while the most alike distinct seed questions score 0.61.
NEAR_DUPLICATE_SIMILARITY = 0.65
NEAR_DUPLICATE_LIMIT = 3


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


_PROTECTED = {name: _compile(patterns) for name, patterns in PROTECTED_CHARACTERISTICS.items()}
_LEADING = re.compile("|".join(LEADING_PATTERNS), re.IGNORECASE)
_WORD = re.compile(r"[a-z’']+", re.IGNORECASE)


@dataclass(frozen=True)
class ProtectedMatch:
    """A protected characteristic a text may touch, and the words that suggest it."""

    characteristic: str
    words: tuple[str, ...]


def protected_characteristics(text: str) -> list[ProtectedMatch]:
    """The protected characteristics the text may touch on, in the order of the list above."""
    found = []
    for characteristic, pattern in _PROTECTED.items():
        words = tuple(dict.fromkeys(match.group(0).lower() for match in pattern.finditer(text)))
        if words:
            found.append(ProtectedMatch(characteristic, words))
    return found


def is_leading(text: str) -> bool:
    """Whether the question suggests its own answer ("Don't you agree that…")."""
    return bool(_LEADING.search(text))


def _words(sentence: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(sentence)]


def is_yes_no(text: str) -> bool:
    """Whether the question can be answered with a plain yes or no.

    "Do you have experience with Agile?" is closed; "Can you describe…" is a polite request,
    and "Have you led a migration? How did it go?" is opened again by its follow-up.
    """
    sentences = [s for s in re.split(r"(?<=[?.!])\s+", text.strip()) if _words(s)]
    if not sentences:
        return False
    first = _words(sentences[0])
    if first[0] not in CLOSED_OPENERS:
        return False
    # "Can you describe", "Could you please walk me through": the verb after the pronoun.
    after = [w for w in first[1:4] if w not in {"you", "we", "i", "please", "briefly"}]
    if after and after[0] in REQUEST_VERBS:
        return False
    return not any(_words(s)[0] in OPEN_OPENERS for s in sentences[1:])


def wording_warnings(*, text: str, guidance: str = "") -> list[str]:
    """Plain-language warnings about a question's wording; empty when nothing stands out."""
    warnings = [
        f"This question may touch on {match.characteristic} "
        f"({', '.join(f'“{word}”' for word in match.words)}). "
        "Ask only about what the job needs."
        for match in protected_characteristics(f"{text}\n{guidance}")
    ]
    if is_yes_no(text):
        warnings.append(
            "This reads as a yes/no question. Ask for an example instead "
            "(“Tell me about a time…”, “How would you…”)."
        )
    if is_leading(text):
        warnings.append(
            "This reads as a leading question: it suggests the answer. Ask it neutrally."
        )
    return warnings


def similar_questions(text: str, *, exclude_pk: int | None = None) -> QuerySet[Question]:
    """The questions whose text is very similar to `text`, most similar first.

    Each carries a `similarity` between 0 and 1 (pg_trgm trigram similarity).
    """
    questions = Question.objects.all()
    if exclude_pk is not None:
        questions = questions.exclude(pk=exclude_pk)
    return (
        questions.annotate(similarity=TrigramSimilarity("text", text))
        .filter(similarity__gte=NEAR_DUPLICATE_SIMILARITY)
        .order_by("-similarity", "id")[:NEAR_DUPLICATE_LIMIT]
    )
