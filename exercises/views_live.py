"""Event streams of the pages that wait: a submission's result, a draft's validation, a
regrade's progress (live/streams.py). Each pushes what the page's polling endpoint
answers, to whoever that endpoint answers: the same rights, the same fragment."""

from __future__ import annotations

import asyncio
import time

from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from coursesite import asgi_gate
from exercises import live_topics, selectors, views, views_authoring, views_regrade
from exercises.models import Submission
from live.streams import Feed, Gone, event_stream, gone_state, view_state, view_stream

# A queued submission's position is pushed at most every QUEUE_PUSH_SECONDS, less often
# the longer its wait (a tenth of it, up to QUEUE_PUSH_MAX_SECONDS): the queue moves with
# every grading that starts, and five hundred waiting pages need not hear of each one.
QUEUE_PUSH_SECONDS = 2.0
QUEUE_PUSH_MAX_SECONDS = 10.0
# One read of the whole queue serves every stream of this process for this long.
QUEUE_READ_SECONDS = 0.5


@require_GET
async def submission_events(request: HttpRequest, submission_id: int) -> HttpResponse:
    try:
        first = await view_state(views.submission_fragment, request, submission_id=submission_id)
    except Gone as gone:
        return JsonResponse(gone.data, status=gone.status)
    follow = _SubmissionFollower(request, submission_id, first)
    return event_stream(
        Feed(
            topics=[live_topics.submission(submission_id), live_topics.QUEUE],
            read=follow.read,
            slow_topics=frozenset({live_topics.QUEUE}),
            slow_seconds=follow.queue_push_seconds,
        )
    )


class _SubmissionFollower:
    """Reads a submission's fragment; while it waits in the queue and only the queue
    moved, from this process's shared view of the queue instead of its own queries."""

    def __init__(self, request: HttpRequest, submission_id: int, first: dict) -> None:
        self.request = request
        self.submission_id = submission_id
        self.last: dict | None = None
        self.first: dict | None = first
        self.submission: Submission | None = None
        self.position: int | None = None

    async def read(self, changed: set[str]) -> dict:
        if self.first is not None:
            self.last, self.first = self.first, None
            return self.last
        if self.last and self.last.get("status") == Submission.Status.QUEUED:
            if changed and changed <= {live_topics.QUEUE}:
                position = (await _queue_board().positions()).get(self.submission_id)
                if position is not None:
                    return await self._queued_at(position)
        try:
            self.last = await view_state(
                views.submission_fragment, self.request, submission_id=self.submission_id
            )
        except Gone as gone:
            return gone_state(gone)
        return self.last

    def queue_push_seconds(self) -> float:
        wait = (self.last or {}).get("queue_wait_seconds")
        if not wait:
            return QUEUE_PUSH_SECONDS
        return min(QUEUE_PUSH_MAX_SECONDS, max(QUEUE_PUSH_SECONDS, wait / 10))

    async def _queued_at(self, position: int) -> dict:
        if position == self.position:
            return self.last
        if self.submission is None:
            self.submission = await asgi_gate.run(
                asgi_gate.PUSH, _read_submission, self.request.user, self.submission_id
            )
        self.last = await asgi_gate.run(
            asgi_gate.PUSH, _queued_fragment, self.request, self.submission, position
        )
        self.position = position
        return self.last


def _read_submission(user, submission_id: int) -> Submission | None:
    try:
        return selectors.submission_for_user(user=user, submission_id=submission_id)
    finally:
        close_old_connections()


def _queued_fragment(request: HttpRequest, submission: Submission, position: int) -> dict:
    try:
        return views.queued_fragment(request, submission, queue_position=position)
    finally:
        close_old_connections()


def _queued_ids() -> list[int]:
    try:
        return selectors.queued_ids_in_order()
    finally:
        close_old_connections()


class _QueueBoard:
    """Every queued submission's position, read at most every QUEUE_READ_SECONDS for all
    the streams of this process together."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._read_at = -QUEUE_READ_SECONDS
        self._positions: dict[int, int] = {}

    async def positions(self) -> dict[int, int]:
        async with self._lock:
            if time.monotonic() - self._read_at >= QUEUE_READ_SECONDS:
                ids = await asgi_gate.run(asgi_gate.PUSH, _queued_ids)
                self._positions = {pk: index for index, pk in enumerate(ids, start=1)}
                self._read_at = time.monotonic()
        return self._positions


_boards: dict[asyncio.AbstractEventLoop, _QueueBoard] = {}


def _queue_board() -> _QueueBoard:
    loop = asyncio.get_running_loop()
    board = _boards.get(loop)
    if board is None:
        for old in [old for old in _boards if old.is_closed()]:
            del _boards[old]
        board = _boards[loop] = _QueueBoard()
    return board


@require_GET
async def draft_validation_events(request: HttpRequest, draft_id: int) -> HttpResponse:
    return await view_stream(
        request,
        views_authoring.draft_validation,
        {"draft_id": draft_id},
        topics=[live_topics.draft(draft_id)],
    )


@require_GET
async def regrade_events(request: HttpRequest, exercise_slug: str, regrade_id: int) -> HttpResponse:
    return await view_stream(
        request,
        views_regrade.regrade_progress,
        {"exercise_slug": exercise_slug, "regrade_id": regrade_id},
        topics=[live_topics.regrade(regrade_id)],
    )
