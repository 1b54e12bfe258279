"""/metrics: every named metric, queue depths from the real Redis, who may read it, and the
multiprocess mode that adds up gunicorn's and Celery's processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import redis
from processes import ROOT, free_port
from prometheus_client import REGISTRY

from coursesite import metrics
from exercises.services import worker_registry

pytestmark = pytest.mark.django_db

NAMED = [
    ("tracelab_http_request_duration_seconds", "histogram"),
    ("tracelab_verdicts_total", "counter"),
    ("tracelab_submission_verdict_seconds", "histogram"),
    ("tracelab_grading_duration_seconds", "histogram"),
    ("tracelab_gradings_in_progress", "gauge"),
    ("tracelab_sandbox_failures_total", "counter"),
    ("tracelab_sandbox_retirements_total", "counter"),
    ("tracelab_queue_depth", "gauge"),
    ("tracelab_queue_unacked", "gauge"),
    ("tracelab_broker_up", "gauge"),
]


@pytest.fixture
def broker(redis_url, monkeypatch):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    monkeypatch.setattr(worker_registry, "_client", client)
    yield client
    client.flushdb()


def scrape(client, **headers) -> str:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return None


def test_every_named_metric_is_exposed(client, broker):
    text = scrape(client)

    for name, kind in NAMED:
        assert f"# TYPE {name} {kind}" in text, name


def test_queue_depth_counts_waiting_messages_of_every_priority_and_unacked_ones(client, broker):
    broker.rpush("cpu", "m1", "m2")
    broker.rpush("cpu\x06\x163", "m3")  # kombu's list for priority step 3
    broker.rpush("housekeeping", "sweep")
    broker.hset("unacked", "tag-1", json.dumps([{"body": "..."}, "cpu", "cpu"]))
    broker.hset("unacked", "tag-2", json.dumps([{"body": "..."}, "gpu", "gpu"]))

    text = scrape(client)

    assert sample(text, "tracelab_queue_depth", queue="cpu") == 3
    assert sample(text, "tracelab_queue_depth", queue="housekeeping") == 1
    assert sample(text, "tracelab_queue_depth", queue="gpu") == 0
    assert sample(text, "tracelab_queue_unacked", queue="cpu") == 1
    assert sample(text, "tracelab_queue_unacked", queue="gpu") == 1
    assert sample(text, "tracelab_broker_up") == 1


def test_broker_down_still_answers_and_says_so(client, monkeypatch):
    unreachable = redis.Redis(port=free_port(), socket_timeout=0.5, socket_connect_timeout=0.5)
    monkeypatch.setattr(worker_registry, "_client", unreachable)

    text = scrape(client)

    assert sample(text, "tracelab_broker_up") == 0
    assert "tracelab_http_request_duration_seconds" in text


def test_a_request_observes_its_latency_by_route_method_and_status(client, broker):
    labels = {"route": "login", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("tracelab_http_request_duration_seconds_count", labels) or 0

    assert client.get("/accounts/login/").status_code == 200

    after = REGISTRY.get_sample_value("tracelab_http_request_duration_seconds_count", labels)
    assert after == before + 1
    text = scrape(client)
    assert sample(text, "tracelab_http_request_duration_seconds_count", **labels) == after


def test_routes_are_view_names_not_paths(client, broker):
    client.get("/submissions/424242/fragment")  # anonymous: 401, but routed
    client.get("/no/such/page/")

    text = scrape(client)
    assert 'route="submission_fragment"' in text
    assert 'route="unmatched"' in text
    assert "424242" not in text


def test_clients_outside_the_allowed_networks_are_refused(client, broker, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.4.0.2").status_code == 200

    settings.TRACELAB_METRICS_NETWORKS = []
    assert client.get("/metrics").status_code == 403


def test_with_a_token_only_bearers_are_answered_from_anywhere(client, broker, settings):
    settings.TRACELAB_METRICS_TOKEN = "scrape-secret-123"

    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret-123"
    )
    assert right.status_code == 200


def _in_subprocess(directory, code: str) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def test_multiprocess_mode_adds_up_processes_and_forgets_dead_ones(tmp_path):
    count_one = """
        from coursesite import metrics
        metrics.verdict_stored(exercise="adamw", verdict="passed", queue="cpu", waited_seconds=0.2)
        metrics.GRADINGS_IN_PROGRESS.inc()  # then the process ends without saying so
    """
    _in_subprocess(tmp_path, count_one)
    _in_subprocess(tmp_path, count_one)

    text = _in_subprocess(
        tmp_path,
        """
        from coursesite import metrics
        print(metrics.exposition(metrics.process_metrics()).decode())
        """,
    )

    assert sample(text, "tracelab_verdicts_total", exercise="adamw", verdict="passed") == 2
    assert sample(text, "tracelab_submission_verdict_seconds_count", queue="cpu") == 2
    assert sample(text, "tracelab_gradings_in_progress") == 0


def test_the_worker_serves_its_own_metrics_on_its_port(tmp_path):
    port = free_port()
    code = f"""
        import urllib.error, urllib.request
        from coursesite import metrics

        def get(path, token=None):
            request = urllib.request.Request("http://127.0.0.1:{port}" + path)
            if token:
                request.add_header("Authorization", "Bearer " + token)
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, ""

        metrics.sandbox_event("retired", "numpy", "timeout")
        server = metrics.WorkerMetricsServer("127.0.0.1:{port}", token="worker-token-1")
        server.start()
        status, body = get("/metrics", "worker-token-1")
        print(get("/metrics")[0], get("/other", "worker-token-1")[0], status)
        print(body)
        server.stop()
    """
    statuses, _, text = _in_subprocess(tmp_path, code).partition("\n")

    assert statuses == "403 404 200"
    retired = sample(text, "tracelab_sandbox_retirements_total", runtime="numpy", reason="timeout")
    assert retired == 1


def test_listen_addresses_parse():
    assert metrics.parse_listen("9808") == ("127.0.0.1", 9808)
    assert metrics.parse_listen("0.0.0.0:9808") == ("0.0.0.0", 9808)
    assert metrics.parse_listen("[::]:9808") == ("::", 9808)
    with pytest.raises(ValueError):
        metrics.parse_listen("0.0.0.0:http")
