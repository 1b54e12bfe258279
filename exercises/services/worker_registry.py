"""What Redis knows about the grading machinery: live workers and lost messages.

Every Celery worker's main process announces itself every few seconds with the pool
processes it runs and the queues it consumes (`announce`). /healthz reads that to
tell whether each queue has a live worker. The sweeper reads it to tell a dead lease
holder from a slow one, and to notice two ways messages get lost:

- a worker vanished: the messages it had fetched sit in the broker's unacknowledged
  set until the visibility timeout, so every queued row sent before that moment is
  re-sent at once (a duplicate delivery is harmless: only one claim wins);
- Redis lost its data (a restart without persistence): the epoch key the sweeper
  keeps there is gone, so every queued row sent before now is re-sent.

Both become one number, "re-send queued rows sent before this time", kept in Redis so
that any sweeper may act on it and a sweeper that dies half-way loses nothing.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

PREFIX = "tracelab:"
NODES_KEY = PREFIX + "worker-nodes"
EPOCH_KEY = PREFIX + "broker-epoch"
RESEND_BEFORE_KEY = PREFIX + "resend-queued-before"
# A node that has not announced itself for this long is gone.
NODE_TTL_SECONDS = 10
ANNOUNCE_EVERY_SECONDS = 2

_client = None


def redis_client():
    """The process's client for REDIS_URL, with short timeouts: the sweeper must not hang."""
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
    return _client


def _node_key(node: str) -> str:
    return f"{PREFIX}worker:{node}"


class Registry:
    """Reads and writes the registry in one Redis; `client` is a redis-py client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def announce(
        self, node: str, pids: list[tuple[int, str]], *, queues: list[str] | tuple[str, ...] = ()
    ) -> None:
        value = json.dumps(
            {
                "at": time.time(),
                "pids": [[pid, start] for pid, start in pids],
                "queues": sorted(queues),
            }
        )
        pipe = self.client.pipeline()
        pipe.set(_node_key(node), value, ex=NODE_TTL_SECONDS)
        pipe.sadd(NODES_KEY, node)
        pipe.execute()

    def _announcements(self) -> dict[str, dict | None]:
        """Every known node and its last announcement (None once it has expired)."""
        nodes = sorted(n.decode() for n in self.client.smembers(NODES_KEY))
        values = self.client.mget([_node_key(n) for n in nodes]) if nodes else []
        return {n: None if v is None else json.loads(v) for n, v in zip(nodes, values, strict=True)}

    def live_nodes(self) -> dict[str, dict]:
        return {node: value for node, value in self._announcements().items() if value}

    def resend_queued_before(self, now: float) -> tuple[float | None, dict[str, dict]]:
        """The time before which queued rows' messages may be lost, and the live nodes.

        Records a new loss when Redis came back empty or a known node vanished.
        """
        if self.client.set(EPOCH_KEY, str(now), nx=True):
            logger.warning("the broker has no epoch key (a restart?): re-sending queued rows")
            self._lost_at(now)
        live = {}
        for node, value in self._announcements().items():
            if value is None:
                # SREM returns 1 for one sweeper only, so a vanished node is one loss.
                if self.client.srem(NODES_KEY, node):
                    logger.warning("worker %s vanished: re-sending queued rows", node)
                    self._lost_at(now)
            else:
                live[node] = value
        raw = self.client.get(RESEND_BEFORE_KEY)
        return (float(raw) if raw else None), live

    def _lost_at(self, when: float) -> None:
        # Only ever moves forward: two sweepers recording losses keep the later one.
        script = (
            "local old = tonumber(redis.call('GET', KEYS[1]) or '0') "
            "if tonumber(ARGV[1]) > old then redis.call('SET', KEYS[1], ARGV[1]) end"
        )
        self.client.eval(script, 1, RESEND_BEFORE_KEY, str(when))


def default_registry() -> Registry:
    return Registry(redis_client())


def live_nodes_or_none() -> dict[str, dict] | None:
    """The live worker nodes, or None when Redis cannot be asked."""
    try:
        return default_registry().live_nodes()
    except Exception:  # noqa: BLE001 - without the registry, leases decide alone
        return None
