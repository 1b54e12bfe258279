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
