"""Regrading an exercise's submissions against its current version.

A regrade stores each submission's old grade and new grade side by side in a
RegradeItem; the Submission itself is never rewritten, so what a student saw stays
what it was. Every item is graded by its own Celery task (`regrade_submission`), fanned
out after the items are committed; each task writes its item once (conditional UPDATE
on `done=False`), so a duplicate delivery changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q

from exercises.models import Exercise, Regrade, RegradeItem, Submission
from exercises.services import grading

logger = logging.getLogger(__name__)
SCORE_EPSILON = 1e-9


class RegradeError(Exception):
    """A regrade could not be started; the message is safe to show."""


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
        regrade = Regrade.objects.create(exercise=exercise, version=version, created_by=user)
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
        regrade.save(update_fields=["total"])
        queue = version.queue_name

        def send() -> None:
            for item_id in item_ids:
                regrade_submission.apply_async(args=[item_id], queue=queue)

        # robust: a broker outage leaves the items pending; "Resend" sends them again.
        transaction.on_commit(send, robust=True)
    return regrade


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
    return stored == 1


@dataclass
class RegradeProgress:
    total: int
    done: int
    changed: int
    dropped: int
    raised: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.done >= self.total


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


def regrade_changes(*, regrade: Regrade, limit: int | None = None) -> list[RegradeChange]:
    """Finished items whose verdict or score changed: dropped grades first (largest drop
    first), then raised ones, then verdict-only changes."""
    rows = regrade.items.filter(done=True).values_list(
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
