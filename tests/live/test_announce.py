"""Announcements go out once the transaction commits, and never fail the caller."""

from __future__ import annotations

import json

import pytest
import redis
from django.db import transaction

from live import announce


class FakeRedis:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.fail = fail

    def publish(self, channel: str, message: str) -> None:
        if self.fail:
            raise redis.ConnectionError("Connection refused")
        self.sent.append((channel, json.loads(message)))


@pytest.fixture
def fake(monkeypatch):
    client = FakeRedis()
    monkeypatch.setattr(announce, "_client", lambda: client)
    return client


@pytest.mark.django_db(transaction=True)
def test_an_announcement_waits_for_the_commit(fake):
    with transaction.atomic():
        announce.announce("submission:1", "queue")
        assert fake.sent == []

    assert fake.sent == [(announce.CHANNEL, {"topics": ["submission:1", "queue"]})]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_announced(fake):
    with pytest.raises(RuntimeError), transaction.atomic():
        announce.announce("submission:1")
        raise RuntimeError("the write failed")

    assert fake.sent == []


def test_with_redis_unreachable_publishing_logs_once_and_returns(monkeypatch, caplog):
    monkeypatch.setattr(announce, "_client", lambda: FakeRedis(fail=True))
    monkeypatch.setattr(announce, "_last_warning", 0.0)

    announce.publish("submission:1")
    announce.publish("submission:2")

    warnings = [r for r in caplog.records if "not announced" in r.getMessage()]
    assert len(warnings) == 1


def test_outside_a_transaction_announcing_never_touches_the_database(fake, monkeypatch):
    """Just after a verdict is stored the database may be gone: telling the pages must
    not need it."""
    from django.db import connection

    def unreachable(*args, **kwargs):
        raise AssertionError("the database was asked")

    monkeypatch.setattr(connection, "ensure_connection", unreachable)

    announce.announce("submission:3")

    assert fake.sent == [(announce.CHANNEL, {"topics": ["submission:3"]})]
