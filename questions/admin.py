"""The admin as Django finds it: each capability registers its own models."""

from questions.curation import admin as curation_admin  # noqa: F401
from questions.kits import admin as kits_admin  # noqa: F401
from questions.scorecards import admin as scorecards_admin  # noqa: F401
