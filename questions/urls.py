from django.urls import include, path

from questions import account
from questions.bank import pages as bank
from questions.search import pages as search

app_name = "questions"

urlpatterns = [
    path("", bank.home, name="home"),
    path("competencies/<slug:slug>/", bank.competency_detail, name="competency"),
    path("questions/<slug:slug>/", bank.question_detail, name="detail"),
    path("roles/<slug:slug>/", bank.role_detail, name="role"),
    path("accounts/profile/", account.account, name="account"),
    path("accounts/profile/token/", account.account_token_create, name="account-token-create"),
    path(
        "accounts/profile/token/revoke/",
        account.account_token_revoke,
        name="account-token-revoke",
    ),
    # Interview kits
    path("", include("questions.kits.urls")),
    path("search/", search.search, name="search"),
    # Loops, candidates, scorecards and debriefs
    path("", include("questions.scorecards.urls")),
]
