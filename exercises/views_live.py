"""Event streams of the pages that wait: a submission's result, a draft's validation, a
regrade's progress, a class dashboard's rows (live/streams.py). Each pushes what the
page's polling endpoint answers, to whoever that endpoint answers: the same rights, the
same fragment."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from functools import partial

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coursesite import asgi_gate
from exercises import (
    live_topics,
    selectors,
    views,
    views_authoring,
    views_instructor,
    views_regrade,
)
from exercises.models import Cohort, Submission
from exercises.services import cohorts, dashboard
from exercises.view_access import cohort_or_404, instructor_json_required
from live.hub import RESYNC
from live.loops import for_this_loop
from live.streams import Feed, Gone, event_stream, gone_state, view_stream

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
        first = await asgi_gate.run(asgi_gate.PUSH, _submission_state, request, submission_id)
    except Gone as gone:
        return JsonResponse(gone.data, status=gone.status)
    follow = _SubmissionFollower(request, submission_id, first)
    return event_stream(
        request,
        Feed(
            topics=[live_topics.submission(submission_id), live_topics.QUEUE],
            read=follow.read,
            slow_topics=frozenset({live_topics.QUEUE}),
            slow_seconds=follow.queue_push_seconds,
        ),
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
                state = None if position is None else await self._queued_at(position)
                if state is not None:
                    return state
        try:
            self.last = await asgi_gate.run(
                asgi_gate.PUSH, _submission_state, self.request, self.submission_id
            )
        except Gone as gone:
            return gone_state(gone)
        return self.last

    def queue_push_seconds(self) -> float:
        wait = (self.last or {}).get("queue_wait_seconds")
        if not wait:
            return QUEUE_PUSH_SECONDS
        return min(QUEUE_PUSH_MAX_SECONDS, max(QUEUE_PUSH_SECONDS, wait / 10))

    async def _queued_at(self, position: int) -> dict | None:
        """The fragment at `position`; None when the row is gone (a full read says so)."""
        if position == self.position:
            return self.last
        if self.submission is None:
            read = partial(
                selectors.submission_for_user,
                user=self.request.user,
                submission_id=self.submission_id,
            )
            self.submission = await asgi_gate.run(asgi_gate.PUSH, read)
            if self.submission is None:
                return None
        self.last = await asgi_gate.run(
            asgi_gate.PUSH, views.queued_fragment, self.request, self.submission, position
        )
        self.position = position
        return self.last


def _submission_state(request: HttpRequest, submission_id: int) -> dict:
    """What the fragment endpoint answers, to the same people (Gone: 401, 404)."""
    if not request.user.is_authenticated:
        raise Gone(401, {"error": "Log in first."})
    state = views.submission_state(request, submission_id)
    if state is None:
        raise Gone(404, {"error": "No such submission."})
    return state


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
                ids = await asgi_gate.run(asgi_gate.PUSH, selectors.queued_ids_in_order)
                self._positions = {pk: index for index, pk in enumerate(ids, start=1)}
                self._read_at = time.monotonic()
        return self._positions


_boards: dict[tuple, _QueueBoard] = {}


def _queue_board() -> _QueueBoard:
    return for_this_loop(_boards, _QueueBoard)


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


# A dashboard's changed rows are pushed at most this often: at a deadline every student's
# row changes twice within seconds, and one push can carry them all.
DASHBOARD_PUSH_SECONDS = 1.0


@require_GET
@never_cache
@instructor_json_required
def dashboard_rows(request: HttpRequest, slug: str) -> HttpResponse:
    """The progress matrix's rows, by student id: all of them, or those in `?students=`
    (ids, comma-separated). What the dashboard polls where its stream cannot be opened."""
    cohort = cohort_or_404(request, slug)
    try:
        students = [int(part) for part in request.GET.get("students", "").split(",") if part]
    except ValueError:
        return JsonResponse({"error": "students: ids separated by commas."}, status=400)
    return JsonResponse(_Matrix.of(request, cohort).rows_state(students or None))


@dataclass(frozen=True)
class _Matrix:
    """A dashboard's matrix as a page shows it: its cohort, columns and filters (its query
    string), read once for a stream that renders rows from it again and again."""

    cohort: Cohort
    lessons: list
    filters: dashboard.DashboardFilters

    @classmethod
    def of(cls, request: HttpRequest, cohort: Cohort) -> _Matrix:
        lessons = dashboard.cohort_lessons(cohort)
        _, filters = views_instructor.dashboard_filters(request, lessons)
        return cls(cohort, lessons, filters)

    def rows_state(self, user_ids: list[int] | None) -> dict:
        board = dashboard.cohort_dashboard(
            cohort=self.cohort, filters=self.filters, lessons=self.lessons, user_ids=user_ids
        )
        rows = dashboard.matrix_rows_html(board)
        return {"rows": {str(user_id): html for user_id, html in rows.items()}, "done": False}


@require_GET
async def dashboard_events(request: HttpRequest, slug: str) -> HttpResponse:
    """Pushes the rows of students whose submissions changed state ("being graded", then
    passed or failing), with the dashboard's filters (its query string)."""
    try:
        matrix, member_ids = await asgi_gate.run(asgi_gate.PUSH, _dashboard_setup, request, slug)
    except Gone as gone:
        return JsonResponse(gone.data, status=gone.status)
    topics = [live_topics.student(user_id) for user_id in member_ids]

    drawn = False

    async def read(changed: set[str]) -> dict:
        nonlocal drawn
        if not drawn:
            drawn = True
            return {"rows": {}, "done": False}  # the page has just been drawn
        if not changed or RESYNC in changed:
            # A periodic look, or announcements may have been lost: every row again.
            user_ids = member_ids
        else:
            user_ids = [int(topic.partition(":")[2]) for topic in changed]
        return await asgi_gate.run(asgi_gate.PUSH, matrix.rows_state, user_ids)

    return event_stream(
        request,
        Feed(
            topics=topics,
            read=read,
            slow_topics=frozenset(topics),
            slow_seconds=lambda: DASHBOARD_PUSH_SECONDS,
        ),
    )


def _dashboard_setup(request: HttpRequest, slug: str) -> tuple[_Matrix, list[int]]:
    """The cohort's matrix and its students' ids, for an instructor who teaches it; Gone
    (401, 403, 404) for anyone else, as the dashboard's polling endpoint answers them."""
    if not request.user.is_authenticated:
        raise Gone(401, {"error": "Log in first."})
    if not cohorts.is_instructor(request.user):
        raise Gone(403, {"error": "Only instructors can ask for this."})
    cohort = cohorts.cohort_for_instructor(user=request.user, slug=slug)
    if cohort is None:
        raise Gone(404, {"error": "No such cohort."})
    members = cohorts.cohort_members(cohort=cohort).values_list("id", flat=True)
    return _Matrix.of(request, cohort), list(members)
