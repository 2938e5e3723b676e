from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from questions.models import Competency, Kit, KitItem, Question, Role


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "display_order", "question_count"]
    list_editable = ["display_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "description"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_question_count=Count("questions"))

    @admin.display(description="Questions", ordering="_question_count")
    def question_count(self, competency: Competency) -> int:
        return competency._question_count


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "question_count"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "summary"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_question_count=Count("questions"))

    @admin.display(description="Questions", ordering="_question_count")
    def question_count(self, role: Role) -> int:
        return role._question_count


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["short_text", "competency", "question_type", "level", "is_active", "updated_at"]
    list_filter = ["competency", "roles", "question_type", "level", "is_active"]
    list_select_related = ["competency"]
    search_fields = ["text", "guidance", "slug"]
    prepopulated_fields = {"slug": ["text"]}
    filter_horizontal = ["roles"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["retire", "restore"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["text", "guidance", "competency", "roles"]}),
        ("Classification", {"fields": ["question_type", "level", "minutes", "is_active"]}),
        ("Identity", {"fields": ["slug", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Question", ordering="text")
    def short_text(self, question: Question) -> str:
        return str(question)

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = _set_active(queryset, active=False)
        self.message_user(request, f"Retired {changed} question(s).", messages.SUCCESS)

    @admin.action(description="Restore selected questions", permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = _set_active(queryset, active=True)
        self.message_user(request, f"Restored {changed} question(s).", messages.SUCCESS)


def _set_active(queryset: QuerySet, *, active: bool) -> int:
    """Change each question with save() so its update time and any history are recorded."""
    changed = 0
    for question in queryset.filter(is_active=not active):
        question.is_active = active
        question.save(update_fields=["is_active", "updated_at"])
        changed += 1
    return changed


class KitItemInline(admin.TabularInline):
    """A kit's questions, read-only: order and wording change through the kit pages' rules."""

    model = KitItem
    ordering = ["position"]
    fields = ["position", "question", "minutes", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Kit | None = None) -> bool:
        return False


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "role", "target_minutes", "is_archived", "updated_at"]
    list_filter = ["is_archived", "role"]
    list_select_related = ["owner", "role"]
    search_fields = ["title", "notes", "owner__username"]
    readonly_fields = ["code", "share_token", "created_at", "updated_at"]
    fields = [
        "title",
        "owner",
        "role",
        "target_minutes",
        "competencies",
        "notes",
        "is_archived",
        "code",
        "share_token",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["competencies"]
    raw_id_fields = ["owner"]
    inlines = [KitItemInline]
