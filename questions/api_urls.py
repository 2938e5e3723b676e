"""Routes of the versioned API, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from questions import api

app_name = "api"

router = SimpleRouter()
router.register("questions", api.QuestionViewSet, basename="question")
router.register("competencies", api.CompetencyViewSet, basename="competency")
router.register("roles", api.RoleViewSet, basename="role")

urlpatterns = router.urls
