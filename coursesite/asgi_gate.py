"""How many requests each web process works on at once, and in which order the rest wait.

Pages are served by a few threads per process (coursesite/asgi.py). At a deadline five
hundred submissions arrive in the same second; served in arrival order, every page
opened then would wait for all of them. The gate lets as many requests in as there are
threads, queues the others on the event loop, where waiting costs nothing, and lets
reads (GET, HEAD) in before writes: a page a student opens is answered before the
hundreds of submissions queued ahead of it are accepted, and accepting a submission
a second later does not make its verdict later, since it joins the back of a queue.

Event streams do not pass the gate (coursesite/asgi.py sends them around it): they stay
open for minutes, so holding a place for that long would shut everyone out. Each of
their reads waits its turn instead and runs in the gate's own threads (`run`): pages
first, then pushing news, then accepting submissions (a pushed verdict is a student's
wait ending; a submission accepted a moment later joins the back of the queue all the
same).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections

T = TypeVar("T")

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAGE, PUSH, WRITE = 0, 1, 2

_installed: ConcurrencyGate | None = None


async def run(priority: int, function: Callable[..., T], *args: Any) -> T:
    """Run synchronous work done outside a request (an event stream's read) in one of the
    gate's threads, in its turn. Where no gate serves this event loop (tests, Django's
    own test client) it runs as Django runs any synchronous code from async code."""
    gate = _installed
    if gate is None or gate.loop is not asyncio.get_running_loop():
        return await sync_to_async(function)(*args)
    await gate.enter(priority)
    try:
        return await gate.loop.run_in_executor(gate.executor, _as_a_request, function, args)
    finally:
        gate.leave()


def _as_a_request(function: Callable[..., T], args: tuple) -> T:
    # The thread's database connection is checked and kept or closed (CONN_MAX_AGE, the
    # pool) before and after, as Django does around each request.
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


class ConcurrencyGate:
    def __init__(self, app, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.busy = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        # Threads that live as long as the process, for `run`: their database
        # connections are kept, as the page threads' are.
        self.executor = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="gate")
        # (priority, arrival, future): reads first, then first come first served.
        self._waiting: list[tuple[int, int, asyncio.Future]] = []
        self._arrivals = itertools.count()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        priority = PAGE if scope.get("method") in READ_METHODS else WRITE
        await self.enter(priority)
        try:
            await self.app(scope, receive, send)
        finally:
            self.leave()

    def install(self) -> ConcurrencyGate:
        """Make this the gate `run` waits at (one per process: the server's loop's)."""
        global _installed
        _installed = self
        return self

    async def enter(self, priority: int) -> None:
        self.loop = asyncio.get_running_loop()
        if self.busy < self.limit and not self._waiting:
            self.busy += 1
            return
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._arrivals), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.leave()  # our turn came as we were cancelled: pass it on
            raise

    def leave(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)  # the place passes on; busy stays the same
                return
        self.busy -= 1
