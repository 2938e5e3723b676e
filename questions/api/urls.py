"""Routes of the versioned API, included under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from questions.bank import api as bank_api
from questions.kits import api as kit_api
from questions.kits import api_downloads
from questions.scorecards.api import LoopViewSet
from questions.scorecards.api_candidates import CandidateViewSet
from questions.scorecards.api_scorecards import ScorecardViewSet

app_name = "api"

router = SimpleRouter()
router.register("questions", bank_api.QuestionViewSet, basename="question")
router.register("competencies", bank_api.CompetencyViewSet, basename="competency")
router.register("roles", bank_api.RoleViewSet, basename="role")
router.register("kits", kit_api.KitViewSet, basename="kit")
router.register("loops", LoopViewSet, basename="loop")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("scorecards", ScorecardViewSet, basename="scorecard")

urlpatterns = [
    *router.urls,
    # Downloads are files, so their addresses end in the file's extension.
    path("kits/<int:id>/export.pdf", api_downloads.KitPdfView.as_view(), name="kit-pdf"),
    path("kits/<int:id>/export.md", api_downloads.KitMarkdownView.as_view(), name="kit-markdown"),
    path("kits/<int:id>/export.csv", api_downloads.KitCsvView.as_view(), name="kit-csv"),
]
