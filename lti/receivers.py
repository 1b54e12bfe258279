"""Receivers of other apps' signals."""

from __future__ import annotations

import logging
from typing import Any

from lti.models import LtiIdentity
from lti.tasks import send_scores

logger = logging.getLogger(__name__)


def send_scores_of_lti_students(sender: Any, *, user_ids: list[int], **kwargs: Any) -> None:
    """Queue a score update for each of `user_ids` who came from a learning platform.

    Runs where the grade was stored (a grading worker, a web request): one indexed
    query and a message per platform student, never an exception, since the grade it
    follows is already stored.
    """
    try:
        platform_students = sorted(
            set(LtiIdentity.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
        )
        for user_id in platform_students:
            send_scores.apply_async(args=[user_id], queue="housekeeping")
    except Exception:  # noqa: BLE001 - the database or the broker away: the grade is stored
        logger.warning("LTI scores of users %s not queued", user_ids, exc_info=True)
