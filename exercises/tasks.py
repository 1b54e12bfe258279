"""Celery tasks: thin wrappers that take primary keys and call the services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from exercises.services.recovery import submissions_recover
from exercises.services.submissions import submission_grade
from exercises.services.worker_registry import default_registry

# Only infrastructure faults are retried: a database that is restarting or refusing
# connections. A student's mistake, crash or timeout is a result, never an exception.
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    name="exercises.tasks.grade_submission",
    autoretry_for=INFRASTRUCTURE_ERRORS,
    retry_backoff=1,
    retry_backoff_max=8,
    retry_jitter=False,
    max_retries=8,
)
def grade_submission(self, submission_id: int) -> None:
    submission_grade(submission_id=submission_id, task=self.request.id or "")


@shared_task(name="exercises.tasks.recover_submissions")
def recover_submissions() -> int:
    return submissions_recover(registry=default_registry()).total


@shared_task(name="exercises.tasks.validate_draft")
def validate_draft(draft_id: int) -> str | None:
    from exercises.services.authoring import draft_validate

    return draft_validate(draft_id=draft_id)


@shared_task(name="exercises.tasks.regrade_submission")
def regrade_submission(item_id: int) -> bool:
    from exercises.services.regrade import regrade_item_run

    return regrade_item_run(item_id=item_id)
