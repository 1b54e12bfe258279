"""/healthz: 200 when the database, Redis and a worker on every expected queue answer.

Redis is real (the session's redis-server); the database fault is patched at its one
seam, the cursor the check asks for.
"""

from __future__ import annotations

import pytest
import redis
from django.db import OperationalError
from processes import free_port

from exercises.services import worker_registry
from exercises.services.worker_registry import Registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(redis_url, monkeypatch):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    registry = Registry(client)
    monkeypatch.setattr(worker_registry, "default_registry", lambda: registry)
    yield registry
    client.flushdb()


@pytest.fixture
def both_queues_served(registry):
    registry.announce("host|10", [(11, "500")], queues=["cpu", "housekeeping"])
    return registry


def test_healthy_deployment_answers_200_with_workers_per_queue(client, both_queues_served):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
        "workers": {"cpu": 1, "housekeeping": 1},
    }


def test_healthz_is_anonymous_uncached_and_sets_no_cookie(client, both_queues_served):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_healthz_answers_a_load_balancer_asking_by_address(client, both_queues_served, settings):
    # Pages refuse hosts outside ALLOWED_HOSTS (400); a load balancer asks by address.
    settings.ALLOWED_HOSTS = ["tracelab.example.org"]
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400

    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200


def test_database_down_answers_503_with_the_reason(client, both_queues_served, monkeypatch):
    class Refusing:
        def cursor(self):
            raise OperationalError("connection to server at 10.0.0.5 failed: Connection refused")

    monkeypatch.setattr("coursesite.health.connection", Refusing())

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unavailable"
    assert body["reasons"] == ["database unavailable"]
    assert "10.0.0.5" not in response.content.decode()  # details go to the log only


def test_queue_without_live_worker_answers_503_naming_the_queue(client, registry):
    registry.announce("host|10", [], queues=["cpu"])

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["reasons"] == ["no live worker consumes the housekeeping queue"]
    assert response.json()["workers"] == {"cpu": 1, "housekeeping": 0}


def test_no_worker_at_all_names_every_expected_queue(client, registry):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["reasons"] == [
        "no live worker consumes the cpu queue",
        "no live worker consumes the housekeeping queue",
    ]


def test_a_worker_that_stopped_announcing_is_not_live(client, both_queues_served):
    both_queues_served.client.delete(worker_registry._node_key("host|10"))  # its key expired

    assert client.get("/healthz").status_code == 503


def test_gpu_queue_is_required_only_where_expected(client, both_queues_served, settings):
    assert client.get("/healthz").status_code == 200

    settings.TRACELAB_EXPECTED_QUEUES = ["cpu", "gpu", "housekeeping"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["no live worker consumes the gpu queue"]

    both_queues_served.announce("gpu-host|20", [], queues=["gpu", "housekeeping"])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["workers"] == {"cpu": 1, "gpu": 1, "housekeeping": 2}


def test_redis_down_answers_503_with_the_reason(client, monkeypatch):
    unreachable = redis.Redis(port=free_port(), socket_timeout=0.5, socket_connect_timeout=0.5)
    monkeypatch.setattr(worker_registry, "default_registry", lambda: Registry(unreachable))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["redis"]) == ("ok", "unavailable")
    assert body["reasons"] == ["redis unavailable", "workers unknown: the registry is in redis"]


def test_only_get_and_head_are_answered(client, both_queues_served):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
