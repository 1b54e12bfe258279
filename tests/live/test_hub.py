"""The hub wakes exactly the streams that follow an announced topic."""

from __future__ import annotations

import json

from django.test import override_settings
from event_loops import run

from live.hub import Follower, hub

# Nothing listens here: the hub's subscription keeps failing and retrying quietly, which
# these tests do not need (they hand announcements to the hub themselves).
NO_REDIS = "redis://127.0.0.1:9/0"


def test_a_follower_collects_the_topics_announced_until_it_asks():
    async def scenario():
        follower = Follower(["a", "b"])
        follower.notify("a")
        follower.notify("b")
        follower.notify("a")
        first = await follower.changed(timeout=1)
        nothing = await follower.changed(timeout=0.01)
        return first, nothing

    first, nothing = run(scenario())

    assert first == {"a", "b"}
    assert nothing == set()


def test_asking_without_waiting_returns_what_is_pending_or_nothing():
    async def scenario():
        follower = Follower(["a"])
        before = await follower.changed(timeout=0)
        follower.notify("a")
        after = await follower.changed(timeout=0)
        return before, after

    assert run(scenario()) == (set(), {"a"})


@override_settings(REDIS_URL=NO_REDIS)
def test_an_announcement_wakes_only_the_followers_of_its_topics():
    async def scenario():
        live = hub()
        with live.follow(["submission:1"]) as mine, live.follow(["submission:2"]) as other:
            live.dispatch(json.dumps({"topics": ["submission:1", "queue"]}))
            return await mine.changed(timeout=1), await other.changed(timeout=0.05)

    mine, other = run(scenario())

    assert mine == {"submission:1"}
    assert other == set()


@override_settings(REDIS_URL=NO_REDIS)
def test_a_stream_that_stops_following_is_forgotten():
    async def scenario():
        live = hub()
        with live.follow(["submission:1", "queue"]):
            during = live.following
        return during, live.following

    assert run(scenario()) == (1, 0)


@override_settings(REDIS_URL=NO_REDIS)
def test_a_malformed_announcement_is_ignored_and_logged(caplog):
    async def scenario():
        live = hub()
        with live.follow(["a"]) as follower:
            live.dispatch(b"not json")
            live.dispatch(json.dumps({"no": "topics"}))
            return await follower.changed(timeout=0.05)

    assert run(scenario()) == set()
    assert "malformed announcement" in caplog.text
