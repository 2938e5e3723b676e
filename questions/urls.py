from django.urls import include, path

from questions import views

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
    path("", include("questions.kits.urls")),
    path("search/", views.search, name="search"),
    # Loops, candidates, scorecards and debriefs
    path("", include("questions.scorecards.urls")),
]
