"""The worker registry against a real redis-server: live nodes and lost messages."""

from __future__ import annotations

import time

import pytest
import redis

from exercises.services import worker_registry
from exercises.services.worker_registry import Registry


@pytest.fixture
def registry(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield Registry(client)
    client.flushdb()


def test_an_announced_worker_is_live_with_its_pool_processes_and_queues(registry):
    registry.announce("host|10", [(11, "500"), (12, "501")], queues=["housekeeping", "cpu"])
    assert registry.live_nodes() == {
        "host|10": {
            "at": pytest.approx(time.time(), abs=5),
            "pids": [[11, "500"], [12, "501"]],
            "queues": ["cpu", "housekeeping"],
        }
    }


def test_an_empty_broker_is_a_loss_of_every_message_sent_before_now(registry):
    now = time.time()
    marker, live = registry.resend_queued_before(now)
    assert marker == pytest.approx(now)
    assert live == {}
    # The same epoch is no loss: a later sweep keeps the first marker.
    assert registry.resend_queued_before(now + 3)[0] == pytest.approx(now)


def test_a_vanished_worker_is_a_loss_counted_once(registry):
    registry.resend_queued_before(100.0)
    registry.announce("host|10", [])
    registry.announce("host|20", [])
    assert set(registry.resend_queued_before(200.0)[1]) == {"host|10", "host|20"}

    # A worker that stops announcing itself expires; here its key is removed at once.
    registry.client.delete(worker_registry._node_key("host|20"))
    marker, live = registry.resend_queued_before(300.0)
    assert (marker, set(live)) == (300.0, {"host|10"})
    assert registry.resend_queued_before(400.0)[0] == 300.0


def test_a_restarted_broker_is_noticed_by_the_missing_epoch(registry):
    registry.resend_queued_before(100.0)
    registry.client.flushdb()  # what redis-server without persistence looks like after a restart
    assert registry.resend_queued_before(250.0)[0] == 250.0


def test_announcements_expire(registry):
    registry.announce("host|10", [])
    assert 0 < registry.client.ttl(worker_registry._node_key("host|10")) <= 10
