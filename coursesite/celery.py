"""The Celery application: `celery -A coursesite.celery:app worker -Q cpu -B`."""

import os

from celery import Celery

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
