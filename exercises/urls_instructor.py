"""Instructor pages, included under /instructor/ (namespace "instructor")."""

from django.urls import path

from exercises import views_instructor as views

app_name = "instructor"

urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<slug:slug>/", views.cohort_dashboard, name="dashboard"),
    path("cohorts/<slug:slug>/roster/", views.roster, name="roster"),
    path(
        "cohorts/<slug:slug>/students/<str:username>/",
        views.student_timeline,
        name="student",
    ),
    path(
        "cohorts/<slug:slug>/exercises/<slug:exercise_slug>/",
        views.exercise_submissions,
        name="cohort_exercise",
    ),
    path("cohorts/<slug:slug>/export/grades.csv", views.export_grades, name="export_grades"),
    path(
        "cohorts/<slug:slug>/export/submissions.csv",
        views.export_submissions,
        name="export_submissions",
    ),
    path("exercises/", views.exercise_list, name="exercises"),
    path("exercises/new/", views.draft_new, name="draft_new"),
    path("exercises/import/", views.draft_import, name="draft_import"),
    path("exercises/drafts/<int:draft_id>/", views.draft_edit, name="draft"),
    path("exercises/drafts/<int:draft_id>/validate", views.draft_validate, name="draft_validate"),
    path(
        "exercises/drafts/<int:draft_id>/validation",
        views.draft_validation,
        name="draft_validation",
    ),
    path("exercises/drafts/<int:draft_id>/publish", views.draft_publish, name="draft_publish"),
    path("exercises/drafts/<int:draft_id>/delete", views.draft_delete, name="draft_delete"),
    path("exercises/<slug:exercise_slug>/edit", views.exercise_edit, name="exercise_edit"),
    path("exercises/<slug:exercise_slug>/export.zip", views.exercise_export, name="export_zip"),
    path("exercises/<slug:exercise_slug>/regrade/", views.regrade_page, name="regrade"),
    path(
        "exercises/<slug:exercise_slug>/regrade/<int:regrade_id>/",
        views.regrade_detail,
        name="regrade_detail",
    ),
    path(
        "exercises/<slug:exercise_slug>/regrade/<int:regrade_id>/progress",
        views.regrade_progress,
        name="regrade_progress",
    ),
]
