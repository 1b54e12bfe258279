"""An event stream sends a feed's state at once, again when it changes, and ends when done."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.test import override_settings
from event_loops import run

from live.hub import hub
from live.streams import Feed, events

NO_REDIS = "redis://127.0.0.1:9/0"


def _states(chunks: list[bytes]) -> list[dict]:
    return [
        json.loads(line[len(b"data: ") :])
        for chunk in chunks
        for line in chunk.split(b"\n")
        if line.startswith(b"data: ")
    ]


class Script:
    """A feed whose state the test changes; it records what each read was told."""

    def __init__(self, *states: dict) -> None:
        self.states = list(states)
        self.reads: list[set[str]] = []

    async def read(self, changed: set[str]) -> dict:
        self.reads.append(set(changed))
        return self.states[0] if len(self.states) == 1 else self.states.pop(0)


async def _collect(feed: Feed, announce: list[list[str]], pause: float = 0.05) -> list[bytes]:
    chunks: list[bytes] = []

    async def announcer() -> None:
        for topics in announce:
            await asyncio.sleep(pause)
            hub().dispatch(json.dumps({"topics": topics}))

    task = asyncio.create_task(announcer())
    async for chunk in events(feed):
        chunks.append(chunk)
    await task
    return chunks


pytestmark = pytest.mark.usefixtures("quick_streams")


@pytest.fixture
def quick_streams():
    with override_settings(
        REDIS_URL=NO_REDIS, TRACELAB_LIVE_RESYNC_SECONDS=5, TRACELAB_LIVE_STREAM_SECONDS=30
    ):
        yield


def test_the_state_is_sent_at_once_then_on_each_change_until_done():
    script = Script({"html": "queued", "done": False}, {"html": "running", "done": False})
    script.states.append({"html": "passed", "done": True})
    feed = Feed(topics=["submission:7"], read=script.read)

    chunks = run(_collect(feed, [["submission:7"], ["submission:7"]]))

    assert chunks[0].startswith(b"retry: ")
    assert [s["html"] for s in _states(chunks)] == ["queued", "running", "passed"]
    assert script.reads == [set(), {"submission:7"}, {"submission:7"}]
    # Each event has an id, so a browser that reconnects says what it saw last.
    assert b"id: 3\nevent: update\n" in b"".join(chunks)


def test_an_unchanged_state_is_not_sent_again():
    script = Script(
        {"html": "queued", "done": False},
        {"html": "queued", "done": False},
        {"html": "passed", "done": True},
    )
    feed = Feed(topics=["submission:7"], read=script.read)

    chunks = run(_collect(feed, [["submission:7"], ["submission:7"]]))

    assert [s["html"] for s in _states(chunks)] == ["queued", "passed"]


def test_other_topics_do_not_wake_the_stream():
    script = Script({"html": "queued", "done": False}, {"html": "passed", "done": True})
    feed = Feed(topics=["submission:7"], read=script.read)

    chunks = run(_collect(feed, [["submission:8"], ["queue"], ["submission:7"]]))

    assert [s["html"] for s in _states(chunks)] == ["queued", "passed"]
    assert script.reads == [set(), {"submission:7"}]


def test_slow_topics_are_read_at_most_once_per_interval():
    reads: list[set[str]] = []

    async def read(changed: set[str]) -> dict:
        reads.append(set(changed))
        if "submission:7" in changed:
            return {"html": "passed", "done": True}
        return {"html": f"read {len(reads)}", "done": False}

    feed = Feed(
        topics=["submission:7", "queue"],
        read=read,
        slow_topics=frozenset({"queue"}),
        slow_seconds=lambda: 0.3,
    )

    # Eight queue moves within 0.4 s, then the verdict.
    chunks = run(_collect(feed, [["queue"]] * 8 + [["submission:7"]], pause=0.05))

    assert 1 <= len([r for r in reads if r == {"queue"}]) <= 2
    assert _states(chunks)[-1]["html"] == "passed"


def test_with_no_announcement_the_state_is_read_again_after_the_resync_interval():
    script = Script({"html": "queued", "done": False}, {"html": "passed", "done": True})
    feed = Feed(topics=["submission:7"], read=script.read)

    with override_settings(TRACELAB_LIVE_RESYNC_SECONDS=1):
        chunks = run(_collect(feed, []))

    assert [s["html"] for s in _states(chunks)] == ["queued", "passed"]
    assert script.reads == [set(), set()]


def test_a_stream_ends_after_its_lifetime_and_the_browser_reconnects():
    script = Script({"html": "queued", "done": False})
    feed = Feed(topics=["submission:7"], read=script.read)

    with override_settings(TRACELAB_LIVE_STREAM_SECONDS=1, TRACELAB_LIVE_RESYNC_SECONDS=1):
        chunks = run(_collect(feed, []))

    assert [s["html"] for s in _states(chunks)] == ["queued"]
    assert b": still here" in b"".join(chunks)
