"""Celery tasks: thin wrappers that take primary keys and call the services."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from exercises.services.submissions import submission_grade, submissions_requeue_stale


@shared_task(name="exercises.tasks.grade_submission")
def grade_submission(submission_id: int) -> None:
    submission_grade(submission_id=submission_id)


@shared_task(name="exercises.tasks.requeue_stale_submissions")
def requeue_stale_submissions() -> int:
    return submissions_requeue_stale(
        older_than=timedelta(seconds=settings.TRACELAB_STALE_SUBMISSION_SECONDS)
    )


@shared_task(name="exercises.tasks.validate_draft")
def validate_draft(draft_id: int) -> str | None:
    from exercises.services.authoring import draft_validate

    return draft_validate(draft_id=draft_id)


@shared_task(name="exercises.tasks.regrade_submission")
def regrade_submission(item_id: int) -> bool:
    from exercises.services.regrade import regrade_item_run

    return regrade_item_run(item_id=item_id)
