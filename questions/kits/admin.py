"""Kits in the admin: staff read any kit to help with it; only its owner changes it, in the
kit pages, where every kit rule applies."""

from django.contrib import admin
from django.http import HttpRequest

from questions.models import Kit, KitItem


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

    # Staff read any kit here to help with it; only its owner changes it, in the kit pages,
    # where every kit rule applies. A superuser may delete one (an account leaving).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Kit | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Kit | None = None) -> bool:
        return request.user.is_superuser
