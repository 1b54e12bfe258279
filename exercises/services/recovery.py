"""The sweep: every few seconds, find submissions whose message or worker was lost.

The row is the source of truth; the broker is not. A row can be stranded in three
ways, and each is recognised from facts, not from a flat age:

- running, but its holder is gone (a pool process or a whole worker killed) or its
  lease ran out with the holder not known to be alive: put back in the queue;
- queued, but its message was lost (Redis restarted empty, or it sat prefetched in
  a worker that vanished): re-sent; the worker registry says since when
  (services/worker_registry.py);
- queued for longer than TRACELAB_RESEND_QUEUED_SECONDS for any other reason (a
  send that failed while the broker was briefly unreachable): re-sent.

A duplicate delivery is harmless (only one claim wins), so re-sending errs on the side
of sending. A row re-sent MAX_RESENDS times is finished with an `error` verdict.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exercises import live_topics
from exercises.models import Submission
from exercises.services import leases
from exercises.services.submissions import (
    GRADING_FAILED_REPEATEDLY_MESSAGE,
    error_result,
    submission_send,
)
from exercises.services.worker_registry import Registry

logger = logging.getLogger(__name__)

MAX_RESENDS = 5
# A row just re-sent is left alone this long, so its new message can arrive.
RESEND_GRACE = timedelta(seconds=5)
_RESEND_FIELDS = ("id", "user_id", "claims", "attempts", "exercise_version__device")


@dataclass
class SweepReport:
    requeued_running: int = 0
    resent_queued: int = 0
    given_up: int = 0

    @property
    def total(self) -> int:
        return self.requeued_running + self.resent_queued + self.given_up


def submissions_recover(*, registry: Registry | None, now: datetime | None = None) -> SweepReport:
    """Re-send every submission whose grading cannot arrive otherwise; see the module."""
    now = now or timezone.now()
    report = SweepReport()
    resend_before, live_nodes = None, None
    if registry is not None:
        try:
            marker, live_nodes = registry.resend_queued_before(now.timestamp())
            if marker is not None:
                resend_before = datetime.fromtimestamp(marker, tz=now.tzinfo)
        except Exception:  # noqa: BLE001 - Redis down: the database alone still decides
            logger.warning("worker registry unavailable; sweeping from the database alone")

    grace = now - RESEND_GRACE
    for row in (
        Submission.objects.filter(status=Submission.Status.RUNNING, queued_at__lt=grace)
        .select_related("exercise_version")
        .only(*_RESEND_FIELDS, "lease_owner", "lease_expires_at")
        .order_by("id")
    ):
        why = leases.takeover_reason(
            owner=row.lease_owner,
            expires_at=row.lease_expires_at,
            now=now,
            live_nodes=lambda: live_nodes,
        )
        if why is not None:
            outcome = _resend(row, now=now, why=why, status=Submission.Status.RUNNING)
            report.requeued_running += outcome == "resent"
            report.given_up += outcome == "given up"

    stale = Q(queued_at__lt=now - timedelta(seconds=settings.TRACELAB_RESEND_QUEUED_SECONDS))
    if resend_before is not None:
        stale |= Q(queued_at__lt=min(resend_before, grace))
    for row in (
        Submission.objects.filter(stale, status=Submission.Status.QUEUED)
        .select_related("exercise_version")
        .only(*_RESEND_FIELDS)
        .order_by("id")
    ):
        outcome = _resend(row, now=now, why="message lost", status=Submission.Status.QUEUED)
        report.resent_queued += outcome == "resent"
        report.given_up += outcome == "given up"
    if report.total:
        logger.warning(
            "sweep: %s running rows re-queued, %s queued rows re-sent, %s given up",
            report.requeued_running,
            report.resent_queued,
            report.given_up,
        )
    return report


def _resend(row: Submission, *, now: datetime, why: str, status: str) -> str:
    # Matching on what was read means a row that a worker claimed or finished in the
    # meantime, or that another sweeper handled, is left alone.
    unchanged = Submission.objects.filter(
        id=row.id, status=status, claims=row.claims, attempts=row.attempts
    )
    with transaction.atomic():
        if row.attempts >= MAX_RESENDS:
            updated = unchanged.update(
                status=Submission.Status.DONE,
                verdict=Submission.Verdict.ERROR,
                score=0.0,
                result=error_result(message=GRADING_FAILED_REPEATEDLY_MESSAGE),
                finished_at=now,
                lease_expires_at=None,
            )
            if updated:
                logger.error("submission %s: re-sent %s times; giving up", row.id, MAX_RESENDS)
                live_topics.submission_changed(
                    submission_id=row.id, user_id=row.user_id, left_queue=False
                )
            return "given up" if updated else "changed"
        updated = unchanged.update(
            status=Submission.Status.QUEUED,
            attempts=row.attempts + 1,
            queued_at=now,
            lease_expires_at=None,
        )
        if not updated:
            return "changed"
        live_topics.submission_changed(submission_id=row.id, user_id=row.user_id, left_queue=False)
        queue = row.exercise_version.queue_name
        logger.warning("submission %s: %s; re-sending (attempt %s)", row.id, why, row.attempts + 1)
        transaction.on_commit(
            lambda: submission_send(submission_id=row.id, queue=queue), robust=True
        )
    return "resent"
