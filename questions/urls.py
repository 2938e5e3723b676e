from django.urls import path

from questions import views

app_name = "questions"

urlpatterns = [
    path("", views.home, name="home"),
    path("competencies/<slug:slug>/", views.competency_detail, name="competency"),
    path("questions/<slug:slug>/", views.question_detail, name="detail"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
    path("search/", views.search, name="search"),
]
