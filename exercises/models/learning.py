"""Tracks, lessons, practice problems, quizzes and each student's progress."""

from django.conf import settings
from django.db import models


class Track(models.Model):
    """An ordered series of lessons ("step 4 of 12")."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    minutes = models.PositiveIntegerField(default=10)
    body = models.TextField(help_text="Markdown with $math$")
    # Extra files referenced by the body (figures), by name.
    assets = models.JSONField(default=dict, blank=True)
    concepts = models.JSONField(default=list, blank=True)
    exercise_slugs = models.JSONField(default=list, blank=True)
    pass_percent = models.PositiveIntegerField(default=75)
    content_hash = models.CharField(max_length=64, blank=True)
    # A lesson dropped from its track's file is retired, never deleted, so the progress
    # and quiz attempts that refer to it keep their meaning.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["track", "position"]
        constraints = [
            models.UniqueConstraint(fields=["track", "position"], name="lesson_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class PracticeProblem(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="practice")
    position = models.PositiveIntegerField()
    question = models.TextField()
    answer = models.TextField()

    class Meta:
        ordering = ["lesson", "position"]

    def __str__(self) -> str:
        return f"{self.lesson.slug} practice {self.position}"


class QuizItem(models.Model):
    """One multiple-choice question; `key` is stable across edits of the lesson file."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quiz_items")
    key = models.SlugField(max_length=100)
    position = models.PositiveIntegerField()
    question = models.TextField()
    options = models.JSONField()
    answer = models.PositiveIntegerField(help_text="index of the correct option")
    explanation = models.TextField()
    concepts = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="quiz_item_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.slug}/{self.key}"


class QuizAttempt(models.Model):
    """One sitting of a lesson's quiz: the option order shown, the answers, the score."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="quiz_attempts")
    # {item_key: [original option indexes in the order shown]}
    order = models.JSONField()
    # {item_key: original index chosen, or null}
    answers = models.JSONField(default=dict, blank=True)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lesson", "user"], name="quiz_attempt_lesson_user")]

    def __str__(self) -> str:
        return f"{self.user} on {self.lesson.slug} quiz ({self.created_at:%Y-%m-%d %H:%M})"


class LessonProgress(models.Model):
    """Where one student stands in one lesson; kept up to date by the services."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    best_quiz_score = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.lesson.slug}: {self.get_state_display()}"
