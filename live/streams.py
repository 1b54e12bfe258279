"""A server-sent event stream of one page fragment, sent again each time it changes.

A feed says which topics it follows and how to read its current state: the same JSON
that the page's polling endpoint answers (`html`, `done`, ...), so the page handles
both alike. The stream sends that state at once (a reconnecting page catches up from
it, whatever it missed), then again whenever a followed topic is announced and the
state differs, and ends after the state that says `done`.

Every few seconds the stream reads the state even if nothing was announced (lost
announcements cost a short delay, never a stuck page) and, if nothing changed, sends
a comment line so that proxies keep the connection open. A stream also ends after a
while (the browser reconnects at once): no connection is held forever by one page.

Only the ASGI server (coursesite/asgi.py) holds streams open; served by a WSGI server
(Django's test server, `gunicorn coursesite.wsgi`) a stream is one event long.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from coursesite import asgi_gate
from coursesite.metrics import LIVE_STREAMS_OPEN
from live.hub import hub

# How soon a browser reconnects after the stream ends or breaks.
RETRY_MS = 1000


@dataclass
class Feed:
    """What one stream follows and how it reads its state.

    `read(changed)` returns the JSON-ready state (with a boolean `done`); `changed` is
    the set of topics announced since the last read (empty on the first read and on a
    periodic one). Topics in `slow_topics` (a queue moving, say) are read at most once
    per `slow_seconds()`, so a long queue's every step does not wake every stream.
    """

    topics: list[str]
    read: Callable[[set[str]], Awaitable[dict]]
    slow_topics: frozenset[str] = field(default_factory=frozenset)
    slow_seconds: Callable[[], float] = lambda: 1.0


async def events(feed: Feed) -> AsyncIterator[bytes]:
    lifetime = settings.TRACELAB_LIVE_STREAM_SECONDS
    resync = settings.TRACELAB_LIVE_RESYNC_SECONDS
    ends = time.monotonic() + lifetime
    LIVE_STREAMS_OPEN.inc()
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        with hub().follow(feed.topics) as follower:
            sent, number, changed = None, 0, set()
            while True:
                last_read = time.monotonic()
                state = await feed.read(changed)
                text = json.dumps(state)
                if text != sent:
                    number += 1
                    sent = text
                    yield f"id: {number}\nevent: update\ndata: {text}\n\n".encode()
                elif not changed:
                    yield b": still here\n\n"
                if state.get("done") or time.monotonic() >= ends:
                    return
                changed = await follower.changed(timeout=min(resync, ends - time.monotonic()))
                if changed and changed <= feed.slow_topics:
                    # Only slow news: let more gather until a read is due.
                    wait = last_read + feed.slow_seconds() - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                        changed |= await follower.changed(timeout=0)
    finally:
        LIVE_STREAMS_OPEN.dec()


async def one_event(feed: Feed) -> AsyncIterator[bytes]:
    """The current state and the end of the stream: what a WSGI server (which would hold
    a thread for as long as a stream stays open) answers; the browser asks again after
    RETRY_MS, so the page still follows, a second behind."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    yield f"id: 1\nevent: update\ndata: {json.dumps(await feed.read(set()))}\n\n".encode()


def event_stream(request: HttpRequest, feed: Feed) -> StreamingHttpResponse:
    content = events(feed) if isinstance(request, ASGIRequest) else one_event(feed)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    # Proxies that buffer (nginx) must pass each event on at once.
    response["X-Accel-Buffering"] = "no"
    return response


class Gone(Exception):
    """The followed thing's endpoint stopped answering 200 (deleted, access withdrawn)."""

    def __init__(self, status: int, data: dict) -> None:
        super().__init__(status)
        self.status = status
        self.data = data


def _call_view(view: Callable[..., HttpResponse], request: HttpRequest, kwargs: dict) -> tuple:
    try:
        response = view(request, **kwargs)
    except Http404:
        return 404, {"error": "Not found."}
    except PermissionDenied:
        return 403, {"error": "Not allowed."}
    try:
        data = json.loads(response.content)
    except ValueError:
        data = {"error": f"HTTP {response.status_code}"}
    return response.status_code, data


async def view_state(view: Callable[..., HttpResponse], request: HttpRequest, **kwargs) -> dict:
    """What a page's polling endpoint (a JSON view) answers to this request, read in the
    request's thread. Raises Gone when it answers anything but 200."""
    status, data = await asgi_gate.run(asgi_gate.PUSH, _call_view, view, request, kwargs)
    if status != 200:
        raise Gone(status, data)
    return data


async def view_stream(
    request: HttpRequest,
    view: Callable[..., HttpResponse],
    kwargs: dict,
    *,
    topics: list[str],
) -> HttpResponse:
    """Push what `view` answers to this request, again each time one of `topics` changes.

    The polling endpoint decides who may see what: anyone it refuses gets its refusal
    (401, 403, 404) instead of a stream.
    """
    try:
        first = await view_state(view, request, **kwargs)
    except Gone as gone:
        return JsonResponse(gone.data, status=gone.status)

    sent_first = False

    async def read(changed: set[str]) -> dict:
        nonlocal sent_first
        if not sent_first:
            sent_first = True
            return first
        try:
            return await view_state(view, request, **kwargs)
        except Gone as gone:
            return gone_state(gone)

    return event_stream(request, Feed(topics=topics, read=read))


def gone_state(gone: Gone) -> dict:
    """The last event of a stream whose endpoint stopped answering: the page stops."""
    return {"done": True, "gone": True, "status": gone.status, "error": gone.data}
