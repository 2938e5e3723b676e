"""Rating scales are curated here; loops, candidates and scorecards are only looked up.

Ratings change through the scorecard pages, where blind submission and amendments apply;
a superuser may delete a candidate (and with them their scorecards) when asked to.
"""

from django.contrib import admin
from django.http import HttpRequest

from questions.curation.history import HistoryAdmin
from questions.scorecards.models import Candidate, Loop, LoopInterview, RatingScale, Scorecard

SCALE_HELP = (
    "What an answer at each level looks like, in a line: interviewers see these beside the "
    "rating buttons, and a kit keeps the scale it was given."
)


class RatingScaleInline(admin.StackedInline):
    """On a question's page: its anchored scale, if it has one."""

    model = RatingScale
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name = "rating scale"
    fields = ["level_1", "level_2", "level_3", "level_4", "level_5"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["level_1"].help_text = SCALE_HELP
        return formset


@admin.register(RatingScale)
class RatingScaleAdmin(HistoryAdmin):
    list_display = ["question", "added_by_project", "updated_at"]
    list_filter = ["added_by_project"]
    list_select_related = ["question"]
    search_fields = ["question__text", "level_1", "level_3", "level_5"]
    raw_id_fields = ["question"]
    fields = ["question", "level_1", "level_2", "level_3", "level_4", "level_5"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look things up to help; the owners change them in the product's own pages."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class LoopInterviewInline(admin.TabularInline):
    model = LoopInterview
    fields = ["position", "kit", "interviewers"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Loop)
class LoopAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "role", "updated_at"]
    list_select_related = ["owner", "role"]
    search_fields = ["title", "owner__username"]
    fields = ["title", "owner", "role", "competencies", "code", "created_at", "updated_at"]
    inlines = [LoopInterviewInline]


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["reference", "display_name", "loop", "created_at"]
    list_select_related = ["loop"]
    search_fields = ["reference", "display_name"]
    fields = ["reference", "display_name", "loop", "code", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A candidate's data is deleted on request: their scorecards go with them.
        return request.user.is_superuser


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "interview", "interviewer", "recommendation", "submitted_at"]
    list_select_related = ["candidate", "interview__kit", "interview__loop", "interviewer"]
    list_filter = ["recommendation"]
    fields = [
        "candidate",
        "interview",
        "interviewer",
        "recommendation",
        "summary",
        "submitted_at",
        "amended_at",
    ]
