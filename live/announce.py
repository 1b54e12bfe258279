"""Telling the web processes that something changed: one Redis PUBLISH per change.

Best effort by design: a page that misses an announcement (Redis restarting, a web
process reconnecting) still catches up, since every stream looks again on its own
every few seconds. So a failure to publish is logged and never fails the caller: a
verdict must be stored even when nobody can be told at once.
"""

from __future__ import annotations

import json
import logging
import time

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CHANNEL = "tracelab:live"
# How long publishing may hold up the caller (a grading worker storing a verdict).
TIMEOUT_SECONDS = 0.5
# One warning per process per this many seconds while Redis cannot be reached.
WARN_EVERY_SECONDS = 60

_clients: dict[str, redis.Redis] = {}
_last_warning = 0.0


def _client() -> redis.Redis:
    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
    return client


def publish(*topics: str) -> None:
    """Tell every web process now that `topics` changed."""
    global _last_warning
    if not topics:
        return
    try:
        _client().publish(CHANNEL, json.dumps({"topics": list(topics)}))
    except redis.RedisError as exc:
        now = time.monotonic()
        if now - _last_warning > WARN_EVERY_SECONDS:
            _last_warning = now
            logger.warning("live updates not announced (pages catch up on their own): %s", exc)


def announce(*topics: str) -> None:
    """Tell every web process that `topics` changed, once the current transaction commits
    (at once outside a transaction): a stream woken earlier would read the old rows.

    Never touches the database: called just after a write (a verdict stored), it must
    not fail when the database has gone away an instant later. (Django's on_commit
    outside a transaction asks the connection whether it autocommits, which connects.)
    """
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: publish(*topics), robust=True)
    else:
        publish(*topics)
