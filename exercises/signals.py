"""What other apps may follow: a student's grades may have changed.

Apps beside this one (an assignment's gradebook, the learning platform's grade
service) recompute from the rows; the signal only says whose grades to look at.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `user_ids` (a list of ints) once the change is committed: a verdict stored,
# a quiz attempt scored, a regrade item graded, an extension granted or changed.
grades_changed = Signal()


def notify_grades_changed(*, user_ids: Iterable[int]) -> None:
    """Tell the receivers, after the commit; a receiver's failure is logged, never raised,
    because the change it follows is already stored."""
    ids = sorted({int(pk) for pk in user_ids if pk is not None})
    if not ids:
        return
    for receiver, outcome in grades_changed.send_robust(sender=None, user_ids=ids):
        if isinstance(outcome, Exception):
            logger.warning(
                "grades of %d students changed: %s failed: %r",
                len(ids),
                getattr(receiver, "__qualname__", receiver),
                outcome,
            )
