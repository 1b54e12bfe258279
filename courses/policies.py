"""How assignments take part in exercises' pages and submissions (exercises.hooks)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from courses.student import assignments_for, windows_for
from exercises import hooks
from exercises.models import Submission
from exercises.services.submissions import SubmissionNotAllowed


class AssignmentClosed(SubmissionNotAllowed):
    pass


def install() -> None:
    hooks.add_submission_check(refuse_after_close)
    hooks.add_panel("home", home_panel)
    hooks.add_panel("exercise", exercise_panel)
    hooks.add_panel("cohort", cohort_links)


def refuse_after_close(*, user, exercise, mode: str) -> None:
    """A graded submission to an exercise whose every opened assignment is closed to this
    student is refused; running the visible cases stays open, as does an exercise in no
    assignment (or only in ones not open yet: that is practice)."""
    if mode != Submission.Mode.SUBMIT:
        return
    now = timezone.now()
    started = [(a, w) for a, w in windows_for(user=user, exercise=exercise) if w.opens_at <= now]
    if not started or any(window.is_open(now) for _, window in started):
        return
    assignment, window = max(started, key=lambda pair: pair[1].closes_at or pair[1].due_at)
    closed_at = window.closes_at or window.due_at
    when = f"{closed_at:%Y-%m-%d %H:%M} UTC"
    if assignment.late_policy == assignment.LatePolicy.NONE:
        reason = f"“{assignment.title}” was due {when} and takes no late submissions."
    else:
        reason = f"“{assignment.title}” closed {when}; it takes no more submissions."
    raise AssignmentClosed(f"{reason} You can still run the visible cases.")


def home_panel(request, **_) -> str:
    now = timezone.now()
    entries = [
        entry
        for entry in assignments_for(user=request.user, now=now)
        if entry.state in ("open", "late")
    ]
    if not entries:
        return ""
    return render_to_string(
        "courses/_due_panel.html", {"entries": entries, "now": now}, request=request
    )


def exercise_panel(request, *, exercise, **_) -> str:
    if not request.user.is_authenticated:
        return ""
    entries = [
        entry
        for entry in assignments_for(user=request.user, exercise=exercise)
        if entry.state != "upcoming"
    ]
    if not entries:
        return ""
    return render_to_string(
        "courses/_exercise_panel.html",
        {"entries": entries, "exercise": exercise},
        request=request,
    )


def cohort_links(request, *, cohort, **_) -> str:
    return render_to_string("courses/instructor/_cohort_links.html", {"cohort": cohort})
