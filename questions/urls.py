from django.urls import include, path, register_converter

from questions import kit_views, views


class ShareTokenConverter:
    """A share link's key as kits.kit_share makes them (URL-safe base64); anything else is a 404
    before the database is asked."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ShareTokenConverter, "share_token")

app_name = "questions"

urlpatterns = [
    path("", views.home, name="home"),
    path("competencies/<slug:slug>/", views.competency_detail, name="competency"),
    path("questions/<slug:slug>/", views.question_detail, name="detail"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
    path("accounts/profile/", views.account, name="account"),
    path("accounts/profile/token/", views.account_token_create, name="account-token-create"),
    path("accounts/profile/token/revoke/", views.account_token_revoke, name="account-token-revoke"),
    # Interview kits
    path("kits/", kit_views.kit_list, name="kit-list"),
    path("kits/new/", kit_views.kit_create, name="kit-create"),
    path("kits/shared/<share_token:token>/", kit_views.kit_shared, name="kit-shared"),
    path(
        "kits/shared/<share_token:token>/kit.pdf", kit_views.kit_shared_pdf, name="kit-shared-pdf"
    ),
    path("kits/<uuid:code>/", kit_views.kit_detail, name="kit-detail"),
    path("kits/<uuid:code>/edit/", kit_views.kit_edit, name="kit-edit"),
    path("kits/<uuid:code>/balance/", kit_views.kit_balance, name="kit-balance"),
    path("kits/<uuid:code>/duplicate/", kit_views.kit_duplicate, name="kit-duplicate"),
    path("kits/<uuid:code>/archive/", kit_views.kit_archive, name="kit-archive"),
    path("kits/<uuid:code>/delete/", kit_views.kit_delete, name="kit-delete"),
    path("kits/<uuid:code>/share/", kit_views.kit_share, name="kit-share"),
    path("kits/<uuid:code>/items/", kit_views.kit_add, name="kit-add"),
    path("kits/<uuid:code>/order/", kit_views.kit_reorder, name="kit-reorder"),
    path(
        "kits/<uuid:code>/items/<int:item_id>/edit/", kit_views.kit_item_edit, name="kit-item-edit"
    ),
    path("kits/<uuid:code>/items/<int:item_id>/move/", kit_views.kit_move, name="kit-move"),
    path("kits/<uuid:code>/items/<int:item_id>/remove/", kit_views.kit_remove, name="kit-remove"),
    path("kits/<uuid:code>/items/restore/", kit_views.kit_restore, name="kit-restore"),
    path(
        "kits/<uuid:code>/items/<int:item_id>/wording/",
        kit_views.kit_item_wording,
        name="kit-item-wording",
    ),
    path("kits/<uuid:code>/view/", kit_views.kit_view, name="kit-view"),
    path("kits/<uuid:code>/print/", kit_views.kit_print, name="kit-print"),
    path("kits/<uuid:code>/kit.pdf", kit_views.kit_pdf, name="kit-pdf"),
    path("kits/<uuid:code>/kit.md", kit_views.kit_export, {"fmt": "md"}, name="kit-markdown"),
    path("kits/<uuid:code>/kit.csv", kit_views.kit_export, {"fmt": "csv"}, name="kit-csv"),
    path("search/", views.search, name="search"),
    # Loops, candidates, scorecards and debriefs
    path("", include("questions.scorecards.urls")),
]
