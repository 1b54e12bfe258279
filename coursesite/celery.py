"""The Celery application: `celery -A coursesite.celery:app worker -Q cpu -B`."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings")

app = Celery("coursesite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The submission row is the source of truth; this sweep re-sends rows whose task was
# lost (broker restart, killed worker). It is idempotent, so running it from more than
# one worker started with -B is harmless.
app.conf.beat_schedule = {
    "requeue-stale-submissions": {
        "task": "exercises.tasks.requeue_stale_submissions",
        "schedule": 60.0,
        "options": {"queue": "cpu"},
    },
}


@worker_process_init.connect
def warm_up_grading(**_: object) -> None:
    """Each worker process starts its sandboxes and prepares the bank before any task."""
    from exercises.services.grading import grading_warm_up

    grading_warm_up()
