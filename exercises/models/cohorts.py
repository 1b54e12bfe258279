"""Cohorts (course offerings), instructors' drafts, and regrades."""

import secrets

from django.conf import settings
from django.db import models


def new_join_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")[:8].upper()


class Cohort(models.Model):
    """A course offering: students join with its code or by accepting an invitation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_cohorts", blank=True
    )
    track = models.ForeignKey(
        "exercises.Track", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "user"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class CohortInvitation(models.Model):
    """An instructor's invitation to join a cohort, waiting for the student's answer.

    It names a username, not a user: the instructor's roster form must not tell whether
    an account exists, so an invitation to a name nobody has looks like any other. It
    grants nothing until the student accepts it (the membership starts then); declining
    keeps the row, so the student is not asked again and the instructor sees no change.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    username = models.CharField(max_length=150)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "username"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "username"], name="invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.username} invited to {self.cohort}"


class ExerciseDraft(models.Model):
    """An exercise being authored in the browser; never visible to students.

    Publishing turns the draft's files into a new ExerciseVersion. A draft belongs to
    its author and the co-authors it is shared with (and is open to superusers); to
    every other instructor it does not exist.
    """

    slug = models.SlugField(max_length=100)
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    files = models.JSONField(default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="shared_drafts", blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The last validation: its report, and the content hash it was run on.
    validation = models.JSONField(null=True, blank=True)
    validation_status = models.CharField(max_length=20, blank=True)
    validated_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft of {self.slug}"


class Regrade(models.Model):
    """Regrading every submission of an exercise against its newest version.

    At most one regrade of an exercise runs at a time: `finished_at` is set when its
    last item is graded (or an instructor stops it), and the database refuses a second
    unfinished one.
    """

    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.CASCADE, related_name="regrades"
    )
    version = models.ForeignKey(
        "exercises.ExerciseVersion", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise"],
                condition=models.Q(finished_at__isnull=True),
                name="regrade_one_running_per_exercise",
            ),
        ]

    def __str__(self) -> str:
        return f"regrade of {self.exercise} against {self.version}"


class RegradeItem(models.Model):
    """One submission's old and new grade; the submission itself is never rewritten."""

    regrade = models.ForeignKey(Regrade, on_delete=models.CASCADE, related_name="items")
    submission = models.ForeignKey(
        "exercises.Submission", on_delete=models.CASCADE, related_name="+"
    )
    old_verdict = models.CharField(max_length=10)
    old_score = models.FloatField(null=True)
    new_verdict = models.CharField(max_length=10, blank=True)
    new_score = models.FloatField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regrade", "submission"], name="regrade_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.old_verdict} -> {self.new_verdict or 'pending'}"
