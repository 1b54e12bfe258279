from django.conf import settings
from django.db import models
from django.utils import timezone


class Exercise(models.Model):
    """A named exercise; its content lives in immutable versions."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    # The lesson it is practised in (from the bundle's `lesson` key), if loaded.
    lesson = models.ForeignKey(
        "exercises.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exercises",
    )
    position = models.PositiveIntegerField(default=0)
    current_version = models.ForeignKey(
        "ExerciseVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title or self.slug


class ExerciseVersion(models.Model):
    """One published state of an exercise bundle; never edited once written."""

    class Runtime(models.TextChoices):
        NUMPY = "numpy"
        TORCH = "torch"

    class Device(models.TextChoices):
        CPU = "cpu"
        GPU = "gpu"
        ANY = "any"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    files = models.JSONField()
    title = models.CharField(max_length=200)
    prompt = models.TextField()
    starter = models.TextField()
    runtime = models.CharField(max_length=10, choices=Runtime.choices)
    device = models.CharField(max_length=10, choices=Device.choices)
    points = models.PositiveIntegerField()
    lesson_slug = models.SlugField(max_length=100, blank=True)
    concepts = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "content_hash"], name="exercise_version_unique_hash"
            ),
            models.UniqueConstraint(
                fields=["exercise", "number"], name="exercise_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise.slug} v{self.number}"

    @property
    def queue_name(self) -> str:
        """The Celery queue that grades submissions to this version."""
        return "gpu" if self.device == self.Device.GPU else "cpu"


class Submission(models.Model):
    """A student's code sent for grading; the row is the source of truth for its state."""

    class Mode(models.TextChoices):
        SUBMIT = "submit"
        RUN = "run", "Run visible cases"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"

    class Verdict(models.TextChoices):
        PASSED = "passed"
        FAILED = "failed"
        ERROR = "error"
        TIMEOUT = "timeout", "Timed out"
        REJECTED = "rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    # Denormalised from exercise_version so progress and dashboards need no join.
    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="submissions", null=True
    )
    code = models.TextField()
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SUBMIT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    score = models.FloatField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the row was last (re)sent to the broker; the sweeper measures staleness of
    # queued rows from here, so a re-sent row gets a full period before the next resend.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times the row was re-sent after its message or its worker was lost.
    attempts = models.PositiveIntegerField(default=0)
    # The lease of the grading in progress: which worker process holds the row and
    # until when. A re-sent task may take the row over only when the holder is known
    # to be gone or the lease has run out (see services/leases.py).
    lease_owner = models.CharField(max_length=200, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # How many gradings were started; the result is stored only by the latest one.
    claims = models.PositiveIntegerField(default=0)
    # The first named mistake of the result, copied when the result is stored, so the
    # class dashboard counts mistakes from an index without reading result documents.
    named_mistake = models.CharField(max_length=100, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="submission_status_created"),
            # The recent grading rate (how long a queued student should wait).
            models.Index(fields=["finished_at"], name="submission_finished"),
            models.Index(fields=["user", "exercise_version"], name="submission_user_version"),
            models.Index(
                fields=["exercise", "user", "created_at"], name="submission_exercise_user"
            ),
            # Covers every column the class dashboard aggregates, so it never reads rows.
            models.Index(
                fields=[
                    "user",
                    "exercise",
                    "mode",
                    "named_mistake",
                    "created_at",
                    "status",
                    "verdict",
                    "score",
                ],
                name="submission_dashboard",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=["submit", "run"]), name="submission_mode_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done"]),
                name="submission_status_valid",
            ),
            # A verdict exists exactly when grading is done.
            models.CheckConstraint(
                condition=(
                    models.Q(status="done") & ~models.Q(verdict="")
                    | ~models.Q(status="done") & models.Q(verdict="")
                ),
                name="submission_verdict_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} by {self.user_id} ({self.status})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE
