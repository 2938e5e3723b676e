"""Addresses of the kit pages (in the questions namespace)."""

from django.urls import path, register_converter

from questions.kits import add_pages, item_pages, pages, sheets


class ShareTokenConverter:
    """A share link's key as rules.kit_share makes them (URL-safe base64); anything else is a 404
    before the database is asked."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ShareTokenConverter, "share_token")

urlpatterns = [
    path("kits/", pages.kit_list, name="kit-list"),
    path("kits/new/", pages.kit_create, name="kit-create"),
    path("kits/add/<slug:slug>/", add_pages.question_add_to_kit, name="question-add-to-kit"),
    path("kits/shared/<share_token:token>/", sheets.kit_shared, name="kit-shared"),
    path("kits/shared/<share_token:token>/kit.pdf", sheets.kit_shared_pdf, name="kit-shared-pdf"),
    path("kits/<uuid:code>/", pages.kit_detail, name="kit-detail"),
    path("kits/<uuid:code>/edit/", pages.kit_edit, name="kit-edit"),
    path("kits/<uuid:code>/balance/", pages.kit_balance, name="kit-balance"),
    path("kits/<uuid:code>/duplicate/", pages.kit_duplicate, name="kit-duplicate"),
    path("kits/<uuid:code>/archive/", pages.kit_archive, name="kit-archive"),
    path("kits/<uuid:code>/delete/", pages.kit_delete, name="kit-delete"),
    path("kits/<uuid:code>/share/", pages.kit_share, name="kit-share"),
    path("kits/<uuid:code>/items/", item_pages.kit_add, name="kit-add"),
    path("kits/<uuid:code>/order/", item_pages.kit_reorder, name="kit-reorder"),
    path(
        "kits/<uuid:code>/items/<int:item_id>/edit/", item_pages.kit_item_edit, name="kit-item-edit"
    ),
    path("kits/<uuid:code>/items/<int:item_id>/move/", item_pages.kit_move, name="kit-move"),
    path("kits/<uuid:code>/items/<int:item_id>/swap/", item_pages.kit_item_swap, name="kit-swap"),
    path("kits/<uuid:code>/items/<int:item_id>/remove/", item_pages.kit_remove, name="kit-remove"),
    path("kits/<uuid:code>/items/restore/", item_pages.kit_restore, name="kit-restore"),
    path(
        "kits/<uuid:code>/items/<int:item_id>/wording/",
        item_pages.kit_item_wording,
        name="kit-item-wording",
    ),
    path("kits/<uuid:code>/view/", sheets.kit_view, name="kit-view"),
    path("kits/<uuid:code>/print/", sheets.kit_print, name="kit-print"),
    path("kits/<uuid:code>/kit.pdf", sheets.kit_pdf, name="kit-pdf"),
    path("kits/<uuid:code>/kit.md", sheets.kit_export, {"fmt": "md"}, name="kit-markdown"),
    path("kits/<uuid:code>/kit.csv", sheets.kit_export, {"fmt": "csv"}, name="kit-csv"),
]
