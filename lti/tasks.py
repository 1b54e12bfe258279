"""Celery tasks: thin wrappers that take primary keys and call the services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from lti.services.scores import PlatformUnreachable, scores_send


# A platform that is down, slow or overloaded is tried again with growing waits (2 s,
# 4 s, ... up to 5 minutes, with jitter so a class's retries do not arrive at once).
@shared_task(
    name="lti.tasks.send_scores",
    autoretry_for=(PlatformUnreachable, OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def send_scores(user_id: int) -> int:
    return scores_send(user_id=user_id)
