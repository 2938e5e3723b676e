from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("questions.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# A database outage that surfaces outside a view still gets the 503 page, not the 500 one.
handler500 = "interviewbank.middleware.server_error"
