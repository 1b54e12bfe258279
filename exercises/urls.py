from django.urls import include, path

from exercises import views, views_instructor, views_learning, views_live

urlpatterns = [
    path("", views_learning.home, name="home"),
    path("tracks/<slug:slug>/", views_learning.track_detail, name="track_detail"),
    path("lessons/<slug:slug>/", views_learning.lesson_detail, name="lesson_detail"),
    path(
        "lessons/<slug:slug>/figures/<str:name>",
        views_learning.lesson_figure,
        name="lesson_figure",
    ),
    path("lessons/<slug:slug>/complete/", views_learning.lesson_complete, name="lesson_complete"),
    path("lessons/<slug:slug>/quiz/", views_learning.quiz, name="lesson_quiz"),
    path(
        "lessons/<slug:slug>/quiz/attempts/<int:attempt_id>/",
        views_learning.quiz_result,
        name="lesson_quiz_result",
    ),
    path("me/progress/", views_learning.my_progress, name="my_progress"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise_detail"),
    path("exercises/<slug:slug>/history/", views.exercise_history, name="exercise_history"),
    path(
        "exercises/<slug:slug>/history/compare",
        views.submission_compare,
        name="submission_compare",
    ),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission_detail"),
    path(
        "submissions/<int:submission_id>/diff/<int:other_id>/",
        views.submission_diff,
        name="submission_diff",
    ),
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
    path(
        "submissions/<int:submission_id>/events",
        views_live.submission_events,
        name="submission_events",
    ),
    path("instructor/", include("exercises.urls_instructor")),
    path("cohorts/join/", views_instructor.cohort_join, name="cohort_join"),
    path(
        "cohorts/invitations/<int:invitation_id>/",
        views_instructor.invitation_answer,
        name="cohort_invitation",
    ),
]
