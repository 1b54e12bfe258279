"""Regrading an exercise's submissions against its current version.

A regrade stores each submission's old grade and new grade side by side in a
RegradeItem; the Submission itself is never rewritten, so what a student saw stays
what it was. Every item is graded by its own Celery task (`regrade_submission`), fanned
out after the items are committed; each task writes its item once (conditional UPDATE
on `done=False`), so a duplicate delivery changes nothing.

One regrade of an exercise runs at a time: a partial unique constraint allows one
Regrade with no `finished_at` per exercise, so two instructors pressing Regrade at once
cannot both start one, on SQLite or PostgreSQL. The last item graded sets `finished_at`;
an instructor may also stop a regrade that cannot finish (no worker for its queue).

Who may regrade (`regrade_allowed`): an instructor who teaches a cohort that uses the
exercise (a cohort on a track holding the exercise's lesson, or a cohort without a
track, whose dashboard shows every exercise), whoever published a version of it, and
superusers. The report lists changed grades only of the viewer's students, counting
only what they submitted after joining (`visibility.submissions_visible_to`); the
counts above it stay whole, and name no one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from exercises import live_topics, signals
from exercises.models import Exercise, ExerciseVersion, Regrade, RegradeItem, Submission
from exercises.services import grading
from exercises.services.cohorts import cohorts_taught, is_instructor
from exercises.services.visibility import submissions_visible_to

logger = logging.getLogger(__name__)
SCORE_EPSILON = 1e-9


class RegradeError(Exception):
    """A regrade could not be started; the message is safe to show."""


def exercises_regradable_by(*, user: AbstractBaseUser) -> QuerySet[Exercise]:
    """The exercises `user` may regrade (see the module's docstring)."""
    if user.is_superuser:
        return Exercise.objects.all()
    if not is_instructor(user):
        return Exercise.objects.none()
    taught = cohorts_taught(user=user)
    used = Q(
        Exists(taught.filter(track__isnull=True)),
    ) | Q(lesson__track__in=taught.filter(track__isnull=False).values("track_id"))
    authored = Exists(ExerciseVersion.objects.filter(exercise=OuterRef("pk"), created_by=user))
    return Exercise.objects.filter(used | Q(authored))


def regrade_allowed(*, user: AbstractBaseUser, exercise: Exercise) -> bool:
    return exercises_regradable_by(user=user).filter(pk=exercise.pk).exists()


def regradable_submissions(*, exercise: Exercise):
    """Graded submit-mode submissions of any version of the exercise."""
    return Submission.objects.filter(
        exercise=exercise, mode=Submission.Mode.SUBMIT, status=Submission.Status.DONE
    )


def regrade_start(*, exercise: Exercise, user: AbstractBaseUser) -> Regrade:
    """Create a regrade of every graded submission against the current version, and send
    one task per submission once the items are committed."""
    from exercises.tasks import regrade_submission

    version = exercise.current_version
    if version is None:
        raise RegradeError(f"{exercise.slug} has no published version to regrade against.")
    with transaction.atomic():
        running = Regrade.objects.filter(exercise=exercise, finished_at=None)
        for run_id in running.values_list("id", flat=True):
            _finish_if_done(regrade_id=run_id)
        try:
            # A savepoint: the constraint's refusal must not end the outer transaction.
            with transaction.atomic():
                regrade = Regrade.objects.create(
                    exercise=exercise, version=version, created_by=user
                )
        except IntegrityError:
            raise RegradeError(_already_running(exercise)) from None
        rows = (
            regradable_submissions(exercise=exercise)
            .order_by("id")
            .values_list("id", "verdict", "score")
        )
        RegradeItem.objects.bulk_create(
            (
                RegradeItem(regrade=regrade, submission_id=pk, old_verdict=verdict, old_score=score)
                for pk, verdict, score in rows.iterator(chunk_size=2000)
            ),
            batch_size=500,
        )
        item_ids = list(regrade.items.order_by("id").values_list("id", flat=True))
        regrade.total = len(item_ids)
        if not item_ids:
            regrade.finished_at = timezone.now()
        regrade.save(update_fields=["total", "finished_at"])
        queue = version.queue_name

        def send() -> None:
            for item_id in item_ids:
                regrade_submission.apply_async(args=[item_id], queue=queue)

        # robust: a broker outage leaves the items pending; "Resend" sends them again.
        transaction.on_commit(send, robust=True)
    return regrade


def _already_running(exercise: Exercise) -> str:
    running = (
        Regrade.objects.filter(exercise=exercise, finished_at=None)
        .select_related("created_by")
        .first()
    )
    if running is None:  # it finished in the meantime
        return f"A regrade of {exercise.slug} was just started; open it below."
    by = f" by {running.created_by.username}" if running.created_by else ""
    at = timezone.localtime(running.created_at)
    started = f"{at:%b} {at.day}, {at:%H:%M}"
    return (
        f"A regrade of {exercise.slug} is already running (started {started}{by}). "
        "Wait for it to finish, or stop it, before starting another."
    )


def _finish_if_done(*, regrade_id: int) -> bool:
    """Mark the regrade finished when none of its items is left to grade."""
    pending = RegradeItem.objects.filter(regrade_id=OuterRef("pk"), done=False)
    updated = (
        Regrade.objects.filter(pk=regrade_id, finished_at=None)
        .filter(~Exists(pending))
        .update(finished_at=timezone.now())
    )
    return updated == 1


def regrade_stop(*, regrade: Regrade) -> bool:
    """Stop a running regrade (its unfinished items stay ungraded in the report), so a
    new one can start. False when it had finished already."""
    stopped = Regrade.objects.filter(pk=regrade.pk, finished_at=None).update(
        finished_at=timezone.now()
    )
    if stopped:
        regrade.refresh_from_db(fields=["finished_at"])
        live_topics.regrade_changed(regrade_id=regrade.pk)
    return stopped == 1


def regrade_resend_pending(*, regrade: Regrade) -> int:
    """Send the tasks of items that are not done yet again (after a broker outage)."""
    from exercises.tasks import regrade_submission

    item_ids = list(regrade.items.filter(done=False).values_list("id", flat=True))
    queue = regrade.version.queue_name
    for item_id in item_ids:
        regrade_submission.apply_async(args=[item_id], queue=queue)
    return len(item_ids)


def regrade_item_run(*, item_id: int) -> bool:
    """Grade one item's submission against the regrade's version and store the new grade.

    Returns False when the item is gone or already done. A failure of the grading
    machinery is stored as an `error` grade, so the regrade still completes.
    """
    item = (
        RegradeItem.objects.select_related("regrade__version", "submission")
        .filter(pk=item_id, done=False)
        .first()
    )
    if item is None:
        return False
    try:
        result = grading.grade_code(
            version=item.regrade.version, code=item.submission.code, visible_only=False
        )
        verdict = result.get("verdict")
        if verdict not in Submission.Verdict.values:
            raise ValueError(f"unknown verdict {verdict!r}")
        score = min(1.0, max(0.0, float(result.get("score") or 0.0)))
    except Exception:
        logger.exception("regrading item %s (submission %s) failed", item_id, item.submission_id)
        verdict, score = Submission.Verdict.ERROR.value, None
    stored = RegradeItem.objects.filter(pk=item_id, done=False).update(
        new_verdict=verdict, new_score=score, done=True
    )
    if stored:
        _finish_if_done(regrade_id=item.regrade_id)
        live_topics.regrade_changed(regrade_id=item.regrade_id)
        signals.notify_grades_changed(user_ids=[item.submission.user_id])
    return stored == 1


@dataclass
class RegradeProgress:
    total: int
    done: int
    changed: int
    dropped: int
    raised: int
    stopped: bool = False  # finished before every item was graded

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.done >= self.total or self.stopped


def _score(value: float | None) -> float:
    return value if value is not None else 0.0


def regrade_progress(*, regrade: Regrade) -> RegradeProgress:
    """How far a regrade is, and how many grades went down or up (one query)."""
    counts = regrade.items.aggregate(
        done=Count("id", filter=Q(done=True)),
        total=Count("id"),
    )
    changed = regrade_changes(regrade=regrade)
    dropped = sum(1 for c in changed if c.delta < 0)
    return RegradeProgress(
        total=counts["total"],
        done=counts["done"],
        changed=len(changed),
        dropped=dropped,
        raised=sum(1 for c in changed if c.delta > 0),
        stopped=regrade.finished_at is not None and counts["done"] < counts["total"],
    )


@dataclass
class RegradeChange:
    item_id: int
    submission_id: int
    username: str
    created_at: object
    version_number: int
    old_verdict: str
    old_score: float | None
    new_verdict: str
    new_score: float | None

    @property
    def delta(self) -> float:
        return _score(self.new_score) - _score(self.old_score)

    @property
    def delta_points(self) -> int:
        """The change in percentage points of the score."""
        return round(100 * self.delta)


def regrade_changes(
    *,
    regrade: Regrade,
    limit: int | None = None,
    visible_to: AbstractBaseUser | None = None,
) -> list[RegradeChange]:
    """Finished items whose verdict or score changed: dropped grades first (largest drop
    first), then raised ones, then verdict-only changes.

    With `visible_to`, only the changes of submissions that instructor may see (their
    students', made after joining): the report names students, so it is scoped.
    """
    items = regrade.items.filter(done=True)
    if visible_to is not None:
        items = items.filter(
            submission_id__in=submissions_visible_to(instructor=visible_to).values("id")
        )
    rows = items.values_list(
        "id",
        "submission_id",
        "submission__user__username",
        "submission__created_at",
        "submission__exercise_version__number",
        "old_verdict",
        "old_score",
        "new_verdict",
        "new_score",
    )
    changes = [
        RegradeChange(*row)
        for row in rows
        if row[5] != row[7] or abs(_score(row[6]) - _score(row[8])) > SCORE_EPSILON
    ]
    changes.sort(key=lambda c: (c.delta >= 0, c.delta if c.delta < 0 else -c.delta, c.item_id))
    return changes[:limit] if limit is not None else changes
