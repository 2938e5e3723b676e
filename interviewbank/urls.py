from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from interviewbank.auth import AdminSignInForm, SignInForm

admin.site.login_form = AdminSignInForm

# Resetting a password by email needs a mail server; without one (EMAIL_HOST unset) those
# pages would promise an email that never comes, so they do not exist and an admin sets
# the password instead.
PASSWORD_RESET_PAGES = {
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
account_patterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    *(
        pattern
        for pattern in auth_urls.urlpatterns
        if pattern.name != "login"
        and (settings.EMAIL_HOST or pattern.name not in PASSWORD_RESET_PAGES)
    ),
]

urlpatterns = [
    path("", include("questions.urls")),
    path("accounts/", include(account_patterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("questions.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="questions/api_docs.html"
        ),
        name="api-docs",
    ),
    # Browsers ask every site for /favicon.ico: answer with the icon rather than a logged 404.
    # Lazy, so the hashed static name is looked up per request, not when the URLs load.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("questions/favicon.svg"))),
]

# JSON errors under /api/, the site's own pages elsewhere; a database outage that surfaces
# outside a view still gets the 503 page rather than the 500 one.
handler404 = "questions.api.errors.not_found"
handler500 = "interviewbank.middleware.server_error"
