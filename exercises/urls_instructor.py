"""Instructor pages, included under /instructor/ (namespace "instructor")."""

from django.urls import path

from exercises import views_authoring as authoring
from exercises import views_instructor as views
from exercises import views_live as live
from exercises import views_regrade as regrade
from exercises import views_unexplained as unexplained

app_name = "instructor"

urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<slug:slug>/", views.cohort_dashboard, name="dashboard"),
    path("cohorts/<slug:slug>/rows", live.dashboard_rows, name="dashboard_rows"),
    path("cohorts/<slug:slug>/events", live.dashboard_events, name="dashboard_events"),
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
    path("exercises/", authoring.exercise_list, name="exercises"),
    path("exercises/new/", authoring.draft_new, name="draft_new"),
    path("exercises/import/", authoring.draft_import, name="draft_import"),
    path("exercises/drafts/<int:draft_id>/", authoring.draft_edit, name="draft"),
    path(
        "exercises/drafts/<int:draft_id>/validate", authoring.draft_validate, name="draft_validate"
    ),
    path(
        "exercises/drafts/<int:draft_id>/validation",
        authoring.draft_validation,
        name="draft_validation",
    ),
    path(
        "exercises/drafts/<int:draft_id>/validation/events",
        live.draft_validation_events,
        name="draft_validation_events",
    ),
    path("exercises/drafts/<int:draft_id>/publish", authoring.draft_publish, name="draft_publish"),
    path("exercises/drafts/<int:draft_id>/delete", authoring.draft_delete, name="draft_delete"),
    path("exercises/drafts/<int:draft_id>/share", authoring.draft_share, name="draft_share"),
    path("exercises/<slug:exercise_slug>/edit", authoring.exercise_edit, name="exercise_edit"),
    path("exercises/<slug:exercise_slug>/export.zip", authoring.exercise_export, name="export_zip"),
    path(
        "exercises/<slug:exercise_slug>/unexplained/",
        unexplained.unexplained_page,
        name="unexplained",
    ),
    path(
        "exercises/<slug:exercise_slug>/unexplained/<int:submission_id>/name",
        unexplained.unexplained_name,
        name="unexplained_name",
    ),
    path("exercises/<slug:exercise_slug>/regrade/", regrade.regrade_page, name="regrade"),
    path(
        "exercises/<slug:exercise_slug>/regrade/<int:regrade_id>/",
        regrade.regrade_detail,
        name="regrade_detail",
    ),
    path(
        "exercises/<slug:exercise_slug>/regrade/<int:regrade_id>/progress",
        regrade.regrade_progress,
        name="regrade_progress",
    ),
    path(
        "exercises/<slug:exercise_slug>/regrade/<int:regrade_id>/events",
        live.regrade_events,
        name="regrade_events",
    ),
]
