from django.urls import path

from exercises import views

urlpatterns = [
    path("", views.home, name="home"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise_detail"),
    path(
        "api/exercises/<slug:slug>/submissions",
        views.api_submission_create,
        name="api_submission_create",
    ),
    path(
        "api/submissions/<int:submission_id>",
        views.api_submission_detail,
        name="api_submission_detail",
    ),
    path(
        "submissions/<int:submission_id>/fragment",
        views.submission_fragment,
        name="submission_fragment",
    ),
]
