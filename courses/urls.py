"""Assignments: the student's pages, and the instructor's under /instructor/cohorts/."""

from django.urls import path

from courses import views_instructor as teach
from courses import views_student as student

app_name = "courses"

COHORT = "instructor/cohorts/<slug:slug>"

urlpatterns = [
    path("assignments/", student.assignment_list, name="assignments"),
    path("assignments/<int:assignment_id>/", student.assignment_detail, name="assignment"),
    path(f"{COHORT}/assignments/", teach.assignment_list, name="instructor_assignments"),
    path(f"{COHORT}/assignments/new/", teach.assignment_new, name="assignment_new"),
    path(f"{COHORT}/assignments/<int:assignment_id>/", teach.assignment_overview, name="overview"),
    path(
        f"{COHORT}/assignments/<int:assignment_id>/edit/",
        teach.assignment_edit,
        name="assignment_edit",
    ),
    path(
        f"{COHORT}/assignments/<int:assignment_id>/delete",
        teach.assignment_delete,
        name="assignment_delete",
    ),
    path(
        f"{COHORT}/assignments/<int:assignment_id>/extensions",
        teach.extension_grant,
        name="extension_grant",
    ),
    path(
        f"{COHORT}/assignments/<int:assignment_id>/extensions/<int:extension_id>/revoke",
        teach.extension_revoke,
        name="extension_revoke",
    ),
    path(f"{COHORT}/gradebook/", teach.gradebook, name="gradebook"),
    path(f"{COHORT}/gradebook.csv", teach.gradebook_csv, name="gradebook_csv"),
]
