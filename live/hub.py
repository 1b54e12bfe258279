"""One Redis subscription per web process, fanned out to the streams that process holds.

Five hundred students waiting on their verdicts are five hundred open streams, but
one subscriber connection to Redis per web process: each announcement is read once
and wakes only the streams that follow one of its topics.

When the subscription breaks (Redis restarting), the hub reconnects with a growing
pause and, once subscribed again, wakes every stream: an announcement may have been
lost in between, so each looks again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import redis.asyncio as aioredis
from django.conf import settings

from live.announce import CHANNEL
from live.loops import for_this_loop

logger = logging.getLogger(__name__)

RECONNECT_FIRST_SECONDS = 0.2
RECONNECT_MAX_SECONDS = 5.0


class Follower:
    """What one stream waits on: the topics it follows that changed since it last asked."""

    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = frozenset(topics)
        self._changed: set[str] = set()
        self._event = asyncio.Event()

    def notify(self, topic: str) -> None:
        self._changed.add(topic)
        self._event.set()

    async def changed(self, timeout: float) -> set[str]:
        """The topics that changed, waiting up to `timeout` seconds; empty if none did."""
        if not self._event.is_set():
            if timeout <= 0:
                return set()
            try:
                await asyncio.wait_for(self._event.wait(), timeout)
            except TimeoutError:
                return set()
        self._event.clear()
        changed, self._changed = self._changed, set()
        return changed


# Waking a follower with this topic means: messages may have been lost, look again.
RESYNC = "*resync*"


class Hub:
    def __init__(self, url: str) -> None:
        self.url = url
        self.loop = asyncio.get_running_loop()
        self.connected = False
        self._followers: dict[str, set[Follower]] = defaultdict(set)
        self._task: asyncio.Task | None = None

    @contextmanager
    def follow(self, topics: Iterable[str]) -> Iterator[Follower]:
        follower = Follower(topics)
        for topic in follower.topics:
            self._followers[topic].add(follower)
        if self._task is None or self._task.done():
            self._task = self.loop.create_task(self._listen(), name="live-hub")
        try:
            yield follower
        finally:
            for topic in follower.topics:
                followers = self._followers.get(topic)
                if followers is not None:
                    followers.discard(follower)
                    if not followers:
                        del self._followers[topic]

    @property
    def following(self) -> int:
        return len({f for followers in self._followers.values() for f in followers})

    def dispatch(self, data: bytes | str) -> None:
        try:
            topics = json.loads(data)["topics"]
        except (ValueError, KeyError, TypeError):
            logger.warning("live: ignored a malformed announcement %r", data[:200])
            return
        for topic in topics:
            for follower in tuple(self._followers.get(topic, ())):
                follower.notify(topic)

    def _wake_everyone(self) -> None:
        for followers in tuple(self._followers.values()):
            for follower in tuple(followers):
                follower.notify(RESYNC)

    async def _listen(self) -> None:
        pause = RECONNECT_FIRST_SECONDS
        while self._followers:
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    if not self.connected:
                        self.connected = True
                        self._wake_everyone()
                    pause = RECONNECT_FIRST_SECONDS
                    while self._followers:
                        message = await pubsub.get_message(timeout=5.0)
                        if message is not None and message["type"] == "message":
                            self.dispatch(message["data"])
            except (aioredis.RedisError, OSError) as exc:
                if self.connected:
                    logger.warning("live: lost the Redis subscription (%s); reconnecting", exc)
                self.connected = False
                await asyncio.sleep(pause)
                pause = min(2 * pause, RECONNECT_MAX_SECONDS)
            finally:
                await client.aclose()
        # Nobody follows anything: the subscription is dropped until someone does.
        self.connected = False


_hubs: dict[tuple, Hub] = {}


def hub() -> Hub:
    """This event loop's hub for the configured Redis (one per web process)."""
    url = settings.REDIS_URL
    return for_this_loop(_hubs, lambda: Hub(url), url)
