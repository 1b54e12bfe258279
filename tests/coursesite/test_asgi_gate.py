"""The gate lets in as many requests as it has threads, and pages before writes."""

from __future__ import annotations

import asyncio

from event_loops import run

from coursesite.asgi_gate import ConcurrencyGate


class Recorder:
    """An ASGI app that notes when each request starts and holds it until released."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    async def __call__(self, scope, receive, send) -> None:
        name = scope["path"]
        self.started.append(name)
        await self.release.setdefault(name, asyncio.Event()).wait()


def _scope(path: str, method: str) -> dict:
    return {"type": "http", "path": path, "method": method}


async def _noop(*args) -> None:
    return None


def test_waiting_pages_go_in_before_waiting_writes_and_no_more_than_the_limit_at_once():
    async def scenario():
        app = Recorder()
        gate = ConcurrencyGate(app, limit=1)
        first = asyncio.create_task(gate(_scope("/post-1", "POST"), _noop, _noop))
        await asyncio.sleep(0.01)
        # Queued while the first is served: two writes, then a page.
        waiting = [
            asyncio.create_task(gate(_scope(path, method), _noop, _noop))
            for path, method in [("/post-2", "POST"), ("/post-3", "POST"), ("/page", "GET")]
        ]
        await asyncio.sleep(0.01)
        assert app.started == ["/post-1"]
        for name in ["/post-1", "/page", "/post-2", "/post-3"]:
            app.release.setdefault(name, asyncio.Event()).set()
            await asyncio.sleep(0.01)
        await asyncio.gather(first, *waiting)
        return app.started, gate.busy

    started, busy = run(scenario())

    assert started == ["/post-1", "/page", "/post-2", "/post-3"]
    assert busy == 0


def test_event_streams_go_around_the_gate_to_djangos_async_handler():
    from coursesite.asgi import ByPath

    async def scenario():
        pages, streams = Recorder(), Recorder()
        router = ByPath(ConcurrencyGate(pages, limit=1), streams)
        held = asyncio.create_task(router(_scope("/exercises/adamw/", "GET"), _noop, _noop))
        stream = asyncio.create_task(router(_scope("/submissions/7/events", "GET"), _noop, _noop))
        waiting = asyncio.create_task(router(_scope("/", "GET"), _noop, _noop))
        await asyncio.sleep(0.01)
        seen = (list(pages.started), list(streams.started))
        for recorder in (pages, streams):
            for name in ["/exercises/adamw/", "/submissions/7/events", "/"]:
                recorder.release.setdefault(name, asyncio.Event()).set()
        await asyncio.gather(held, stream, waiting)
        return seen

    pages, streams = run(scenario())

    # The page thread is busy and one page waits, yet the stream is already served.
    assert pages == ["/exercises/adamw/"]
    assert streams == ["/submissions/7/events"]


def test_a_request_cancelled_while_waiting_gives_up_its_place():
    async def scenario():
        app = Recorder()
        gate = ConcurrencyGate(app, limit=1)
        first = asyncio.create_task(gate(_scope("/a", "GET"), _noop, _noop))
        await asyncio.sleep(0.01)
        gone = asyncio.create_task(gate(_scope("/gone", "GET"), _noop, _noop))
        after = asyncio.create_task(gate(_scope("/b", "GET"), _noop, _noop))
        await asyncio.sleep(0.01)
        gone.cancel()
        app.release.setdefault("/a", asyncio.Event()).set()
        app.release.setdefault("/b", asyncio.Event()).set()
        await asyncio.gather(first, after)
        return app.started, gate.busy

    started, busy = run(scenario())

    assert started == ["/a", "/b"]
    assert busy == 0
