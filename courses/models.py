"""Assignments: what a cohort must do by when, and what it is worth."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Assignment(models.Model):
    """Exercises and lesson quizzes due together for one cohort.

    Times are stored in UTC; `time_zone` is the zone the instructor set them in, used
    only to show them back in the editing form. Students see them in their own zone.
    """

    class LatePolicy(models.TextChoices):
        NONE = "none", "No credit after the due time"
        PENALTY = "penalty", "A penalty per day late, up to a cap"
        ACCEPT = "accept", "Full credit until a hard close"

    cohort = models.ForeignKey(
        "exercises.Cohort", on_delete=models.CASCADE, related_name="assignments"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # After it nothing more is accepted. Required by ACCEPT, optional for PENALTY (without
    # it late work is accepted for ever at the capped penalty), unused by NONE.
    closes_at = models.DateTimeField(null=True, blank=True)
    late_policy = models.CharField(
        max_length=10, choices=LatePolicy.choices, default=LatePolicy.NONE
    )
    penalty_percent_per_day = models.PositiveSmallIntegerField(default=0)
    penalty_cap_percent = models.PositiveSmallIntegerField(default=100)
    time_zone = models.CharField(max_length=64, default="UTC")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("opens_at")), name="assignment_due_after_open"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gte=models.F("due_at")),
                name="assignment_close_after_due",
            ),
            models.CheckConstraint(
                condition=Q(late_policy__in=["none", "penalty", "accept"]),
                name="assignment_late_policy_valid",
            ),
            models.CheckConstraint(
                condition=Q(penalty_percent_per_day__lte=100) & Q(penalty_cap_percent__lte=100),
                name="assignment_penalty_percent",
            ),
            models.CheckConstraint(
                condition=~Q(late_policy="accept") | Q(closes_at__isnull=False),
                name="assignment_accept_has_close",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.cohort})"


class AssignmentItem(models.Model):
    """One exercise or one lesson's mastery quiz in an assignment, and its points."""

    class Counts(models.TextChoices):
        BEST = "best", "Best attempt"
        LAST = "last", "Last attempt before the deadline"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    lesson = models.ForeignKey(
        "exercises.Lesson", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    points = models.PositiveIntegerField(default=10)
    counts = models.CharField(max_length=10, choices=Counts.choices, default=Counts.BEST)

    class Meta:
        ordering = ["assignment", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(exercise__isnull=False, lesson__isnull=True)
                    | Q(exercise__isnull=True, lesson__isnull=False)
                ),
                name="assignment_item_exercise_or_quiz",
            ),
            models.UniqueConstraint(
                fields=["assignment", "exercise"], name="assignment_item_unique_exercise"
            ),
            models.UniqueConstraint(
                fields=["assignment", "lesson"], name="assignment_item_unique_quiz"
            ),
            models.CheckConstraint(
                condition=Q(counts__in=["best", "last"]), name="assignment_item_counts_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} in {self.assignment.title}"

    @property
    def label(self) -> str:
        if self.exercise_id is not None:
            return self.exercise.title
        return f"Quiz: {self.lesson.title}"


class Extension(models.Model):
    """A later due time for one student; a hard close moves with it when it is earlier."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_extensions"
    )
    due_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "user"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="extension_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} until {self.due_at:%Y-%m-%d %H:%M} for {self.assignment.title}"
