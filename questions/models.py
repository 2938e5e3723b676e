"""The app's models, as Django reads them: each capability keeps its own beside its code.

Imported here, in this order, so that Django registers every one with this app and
`questions.models.X` names any of them.
"""

from questions.bank.models import (  # noqa: F401
    GUIDANCE_MAX_LENGTH,
    QUESTION_TEXT_MAX_LENGTH,
    SEARCH_SHARD_IDS,
    SLUG_BASE_LENGTH,
    SLUG_MAX_LENGTH,
    Competency,
    CompetencyManager,
    Level,
    Question,
    QuestionManager,
    QuestionQuerySet,
    QuestionType,
    Role,
    RoleManager,
    unique_question_slug,
)
from questions.curation.models import ImportUpload  # noqa: F401
from questions.kits.models import (  # noqa: F401
    KIT_ITEM_MINUTES_MAX,
    KIT_ITEM_MINUTES_MIN,
    KIT_TARGET_MAX,
    KIT_TARGET_MIN,
    Kit,
    KitItem,
    KitQuerySet,
)
from questions.scorecards.models import (  # noqa: F401
    Candidate,
    Loop,
    LoopInterview,
    Rating,
    RatingScale,
    Scorecard,
)
from questions.search.models import (  # noqa: F401
    EnglishWord,
    QuestionVector,
    RealField,
    SearchTerm,
    Synonym,
    SynonymKind,
)
