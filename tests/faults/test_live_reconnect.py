"""Redis restarting under open event streams: the web process subscribes again, wakes
every stream to look again (announcements may have been lost), and later announcements
arrive as before."""

from __future__ import annotations

import asyncio
import time

from django.test import override_settings
from event_loops import run

from live import announce
from live.hub import RESYNC, hub
from tests.faults.conftest import Redis


async def _until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_streams_catch_up_after_redis_restarts(tmp_path):
    redis = Redis(tmp_path)
    redis.start()
    try:
        with override_settings(REDIS_URL=redis.url):

            async def scenario() -> tuple[set[str], set[str]]:
                live = hub()
                with live.follow(["submission:5"]) as follower:
                    await _until(lambda: live.connected, timeout=10)
                    await follower.changed(timeout=0)  # the wake-up of the first subscribe

                    redis.stop()
                    await _until(lambda: not live.connected, timeout=10)
                    redis.start()
                    await _until(lambda: live.connected, timeout=15)
                    after_restart = await follower.changed(timeout=1)

                    heard: set[str] = set()
                    deadline = time.monotonic() + 10
                    while "submission:5" not in heard and time.monotonic() < deadline:
                        # The publishing side reconnects on its own as well.
                        await asyncio.to_thread(announce.publish, "submission:5")
                        heard |= await follower.changed(timeout=0.5)
                    return after_restart, heard

            after_restart, heard = run(scenario())
    finally:
        redis.stop()

    assert after_restart == {RESYNC}
    assert "submission:5" in heard
