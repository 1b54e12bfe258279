"""What a student sees of their assignments: what is due, when, and how they stand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from courses.grading import AssignmentGrade, grades, window_for
from courses.models import Assignment, Extension
from courses.policy import Window
from exercises.models import Exercise


@dataclass
class StudentAssignment:
    assignment: Assignment
    grade: AssignmentGrade
    now: datetime

    @property
    def window(self):
        return self.grade.window

    @property
    def state(self) -> str:
        """upcoming, open, late (past due, still accepted), or closed."""
        window = self.window
        if self.now < window.opens_at:
            return "upcoming"
        if self.now <= window.due_at:
            return "open"
        if window.closes_at is None or self.now <= window.closes_at:
            return "late"
        return "closed"

    @property
    def due_phrase(self) -> str:
        return due_phrase(self.window.due_at, self.now)


def _assignments_of(user, exercise: Exercise | None) -> list[Assignment]:
    found = Assignment.objects.filter(cohort__memberships__user=user).select_related("cohort")
    if exercise is not None:
        found = found.filter(items__exercise=exercise)
    return list(found.distinct().order_by("due_at", "id"))


def windows_for(*, user, exercise: Exercise) -> list[tuple[Assignment, Window]]:
    """The student's window in each assignment holding the exercise: two queries, no
    grades (asked on every submission)."""
    assignments = _assignments_of(user, exercise)
    if not assignments:
        return []
    extended = dict(
        Extension.objects.filter(assignment__in=assignments, user=user).values_list(
            "assignment_id", "due_at"
        )
    )
    return [(a, window_for(a, extended.get(a.pk))) for a in assignments]


def assignments_for(
    *, user, now: datetime | None = None, exercise: Exercise | None = None
) -> list[StudentAssignment]:
    """The assignments of the student's cohorts (those holding `exercise`, if given),
    soonest due first."""
    now = now or timezone.now()
    assignments = _assignments_of(user, exercise)
    by_key = grades(assignments=assignments, user_ids=[user.pk])
    listed = [
        StudentAssignment(assignment=a, grade=by_key[(user.pk, a.pk)], now=now) for a in assignments
    ]
    # An extension can reorder: sort by the student's own due time.
    return sorted(listed, key=lambda entry: (entry.window.due_at, entry.assignment.pk))


def assignment_for(*, user, assignment_id: int) -> StudentAssignment | None:
    """The assignment if it is one of the student's cohorts'; None otherwise (404)."""
    assignment = (
        Assignment.objects.filter(pk=assignment_id)
        .filter(Q(cohort__memberships__user=user))
        .select_related("cohort")
        .first()
    )
    if assignment is None:
        return None
    grade = grades(assignments=[assignment], user_ids=[user.pk])[(user.pk, assignment.pk)]
    return StudentAssignment(assignment=assignment, grade=grade, now=timezone.now())


def due_phrase(due_at: datetime, now: datetime) -> str:
    """ "due in 2 days", "due in 5 hours", "due in 12 minutes", "3 hours late"."""
    delta = due_at - now
    if delta >= timedelta(0):
        return f"due in {_span(delta)}"
    return f"{_span(-delta)} past due"


def _span(delta: timedelta) -> str:
    """Rounded to its largest unit: 47 hours is "2 days", 100 minutes "2 hours"."""
    seconds = delta.total_seconds()
    if seconds >= 36 * 3600:
        return _count(round(seconds / 86400), "day")
    if seconds >= 90 * 60:
        return _count(round(seconds / 3600), "hour")
    if seconds >= 60:
        return _count(round(seconds / 60), "minute")
    return "less than a minute"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"
