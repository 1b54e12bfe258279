"""What pages follow, and who announces it (live/ pushes each change to open pages).

A submission's page follows its row and the queue ahead of it; a class dashboard
follows its students; an author's draft page its validation; a regrade page its run.
"""

from __future__ import annotations

from live.announce import announce

# Any submission left the queue (claimed by a worker): every queued one moved up.
QUEUE = "queue"


def submission(submission_id: int) -> str:
    return f"submission:{submission_id}"


def student(user_id: int) -> str:
    return f"student:{user_id}"


def draft(draft_id: int) -> str:
    return f"draft:{draft_id}"


def regrade(regrade_id: int) -> str:
    return f"regrade:{regrade_id}"


def submission_changed(*, submission_id: int, user_id: int | None, left_queue: bool) -> None:
    topics = [submission(submission_id)]
    if user_id is not None:
        topics.append(student(user_id))
    if left_queue:
        topics.append(QUEUE)
    announce(*topics)


def draft_changed(*, draft_id: int) -> None:
    announce(draft(draft_id))


def regrade_changed(*, regrade_id: int) -> None:
    announce(regrade(regrade_id))
