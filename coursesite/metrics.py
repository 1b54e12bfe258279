"""Prometheus metrics: what they are, where they are counted, and how they are read.

Counted where things happen: web requests in coursesite/monitoring.py, gradings and
verdicts in the exercises services, sandbox failures and retirements from the engine's
pool events (`sandbox_event`; grader/ itself knows nothing of Prometheus). Queue depths
are read from Redis when Prometheus asks (`QueueCollector`).

gunicorn's workers and Celery's pool processes are separate processes, so the client
runs in multiprocess mode: with PROMETHEUS_MULTIPROC_DIR set (before this module is
imported) every process writes its values to files there, and a scrape adds them up.
Each program has a directory of its own, emptied by its main process when it starts
(gunicorn.conf.py, the worker's `worker_init`), so a restarted program starts from
zero, as any restarted process does. `/metrics` on the web server reads its own
directory and those in TRACELAB_METRICS_EXTRA_DIRS (`./tracelab run`: the worker's);
where the worker runs on another machine or container it serves its own metrics
(`WorkerMetricsServer`, TRACELAB_WORKER_METRICS_LISTEN).
"""

from __future__ import annotations

import glob
import hmac
import ipaddress
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

logger = logging.getLogger(__name__)


def multiprocess_dir() -> str | None:
    """This process's metrics directory, or None when the client keeps values in memory."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


# The client writes a file there as soon as a metric without labels is created (below),
# so the directory must exist first: a one-off command in a container that has the
# variable but never ran the program that creates it would fail here otherwise.
if multiprocess_dir():
    os.makedirs(multiprocess_dir(), exist_ok=True)


def clear_directory(path: str) -> None:
    """Remove the value files of earlier processes (a program's main process, at start)."""
    for name in glob.glob(os.path.join(path, "*.db")):
        try:
            os.remove(name)
        except FileNotFoundError:
            pass


# -- the metrics ---------------------------------------------------------------------
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_GRADING_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_VERDICT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

HTTP_REQUEST_SECONDS = Histogram(
    "tracelab_http_request_duration_seconds",
    "Web requests: time from the first middleware to the response, by route (the view's "
    "name), method and status.",
    ["route", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
VERDICTS = Counter(
    "tracelab_verdicts",
    "Verdicts stored, by exercise and verdict.",
    ["exercise", "verdict"],
)
VERDICT_SECONDS = Histogram(
    "tracelab_submission_verdict_seconds",
    "From a submission's creation (queued) to its verdict stored, by queue.",
    ["queue"],
    buckets=_VERDICT_BUCKETS,
)
GRADING_SECONDS = Histogram(
    "tracelab_grading_duration_seconds",
    "Grading time in the worker process (sandbox run and trace comparison), by queue.",
    ["queue"],
    buckets=_GRADING_BUCKETS,
)
GRADINGS_IN_PROGRESS = Gauge(
    "tracelab_gradings_in_progress",
    "Gradings running now (a killed process's are dropped when it is marked dead).",
    multiprocess_mode="livesum",
)
LIVE_STREAMS_OPEN = Gauge(
    "tracelab_live_streams_open",
    "Server-sent event streams held open by the web server (pages waiting on a change).",
    multiprocess_mode="livesum",
)
SANDBOX_FAILURES = Counter(
    "tracelab_sandbox_failures",
    "Sandboxes that failed: could not start, were lost during a job, or died while idle.",
    ["runtime", "reason"],
)
SANDBOX_RETIREMENTS = Counter(
    "tracelab_sandbox_retirements",
    "Sandboxes retired after a job, by why: max_jobs, timeout, output_flood, "
    "result_overflow, oom, tampered, lost.",
    ["runtime", "reason"],
)

_QUEUE_DEPTH = "tracelab_queue_depth"
_QUEUE_UNACKED = "tracelab_queue_unacked"
_BROKER_UP = "tracelab_broker_up"


def verdict_stored(*, exercise: str, verdict: str, queue: str, waited_seconds: float) -> None:
    VERDICTS.labels(exercise=exercise, verdict=verdict).inc()
    VERDICT_SECONDS.labels(queue=queue).observe(max(0.0, waited_seconds))


def sandbox_event(kind: str, runtime: str, reason: str) -> None:
    """The engine pool's listener (grader.SandboxPool.add_listener)."""
    if kind == "failed":
        SANDBOX_FAILURES.labels(runtime=runtime, reason=reason).inc()
    elif kind == "retired":
        SANDBOX_RETIREMENTS.labels(runtime=runtime, reason=reason).inc()


# -- queue depth, read from the broker at scrape time ---------------------------------
# kombu's Redis transport keeps a queue as lists named after it (one per priority step,
# suffixed with this separator and the step) and every delivered, unacknowledged message
# in one hash, as JSON [message, exchange, routing key].
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)
_UNACKED_HASH = "unacked"


class QueueCollector:
    """tracelab_queue_depth and tracelab_queue_unacked per queue, and tracelab_broker_up.

    `client` returns a redis-py client of the broker; `queues` maps routing key to queue.
    """

    def __init__(self, client: Callable[[], Any], queues: Callable[[], dict[str, str]]) -> None:
        self.client = client
        self.queues = queues

    def collect(self) -> Iterator[GaugeMetricFamily]:
        queues = self.queues()
        depth = GaugeMetricFamily(
            _QUEUE_DEPTH, "Messages waiting in a Celery queue.", labels=["queue"]
        )
        unacked = GaugeMetricFamily(
            _QUEUE_UNACKED,
            "Messages of a queue delivered to a worker and not yet acknowledged (being "
            "graded, or held by a worker that died, until the visibility timeout).",
            labels=["queue"],
        )
        up = GaugeMetricFamily(_BROKER_UP, "1 if the broker answered this scrape, else 0.")
        try:
            waiting, held = self._read(queues)
        except Exception as exc:  # noqa: BLE001 - a scrape must answer while Redis is away
            logger.warning("queue depth not read: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        for queue in sorted(set(queues.values())):
            depth.add_metric([queue], waiting.get(queue, 0))
            unacked.add_metric([queue], held.get(queue, 0))
        up.add_metric([], 1)
        yield from (depth, unacked, up)

    def _read(self, queues: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
        client = self.client()
        names = sorted(set(queues.values()))
        pipe = client.pipeline(transaction=False)
        for name in names:
            pipe.llen(name)
            for step in _PRIORITY_STEPS:
                pipe.llen(f"{name}{_PRIORITY_SEPARATOR}{step}")
        pipe.hvals(_UNACKED_HASH)
        *lengths, unacked = pipe.execute()
        per_queue = len(_PRIORITY_STEPS) + 1
        waiting = {
            name: sum(lengths[i * per_queue : (i + 1) * per_queue]) for i, name in enumerate(names)
        }
        held: dict[str, int] = {}
        for raw in unacked:
            try:
                routing_key = json.loads(raw)[2]
            except (ValueError, TypeError, IndexError):
                continue
            queue = queues.get(routing_key, routing_key)
            held[queue] = held.get(queue, 0) + 1
        return waiting, held


def _broker_client():
    from exercises.services.worker_registry import redis_client

    return redis_client()


def _celery_queues() -> dict[str, str]:
    from django.conf import settings

    return {queue.routing_key: queue.name for queue in settings.CELERY_TASK_QUEUES}


BROKER_QUEUES = QueueCollector(_broker_client, _celery_queues)


# -- exposition -----------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def forget_dead_processes(path: str) -> None:
    """Drop the live gauges of processes that are gone, however they ended.

    gunicorn (child_exit) and Celery (worker_process_shutdown) report the processes they
    see end; a process killed outright reports nothing, and would otherwise count as
    grading for ever. Only for directories of processes on this machine.
    """
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        pid = name[: -len(".db")].rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            mark_process_dead(int(pid), path)


class _FilesCollector:
    """The values in some multiprocess directories, added up as one."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = [path for path in paths if path]

    def collect(self):
        for path in self.paths:
            forget_dead_processes(path)
        files = [name for path in self.paths for name in glob.glob(os.path.join(path, "*.db"))]
        return MultiProcessCollector.merge(files, accumulate=True)


class _Collectors:
    def __init__(self, *collectors: Any) -> None:
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def process_metrics(extra_dirs: Iterable[str] = ()) -> Any:
    """This program's metrics: all its processes' in multiprocess mode, else this one's."""
    path = multiprocess_dir()
    if path is None:
        return REGISTRY
    return _FilesCollector([path, *extra_dirs])


def exposition(*collectors: Any) -> bytes:
    return generate_latest(_Collectors(*collectors))


def token_matches(authorization: str, token: str) -> bool:
    """Whether an Authorization header carries `token` as a bearer token."""
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def address_allowed(
    address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def metrics_view(request):
    """GET /metrics: this web server's metrics, the worker's where they share a machine,
    and the broker's queue depths.

    With TRACELAB_METRICS_TOKEN set, only a request bearing it is answered; without, only
    clients in TRACELAB_METRICS_NETWORKS (loopback and private networks by default).
    """
    from django.conf import settings
    from django.http import HttpResponse

    token = settings.TRACELAB_METRICS_TOKEN
    if token:
        allowed = token_matches(request.headers.get("Authorization", ""), token)
    else:
        allowed = address_allowed(
            request.META.get("REMOTE_ADDR", ""), settings.TRACELAB_METRICS_NETWORKS
        )
    if not allowed:
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body = exposition(process_metrics(settings.TRACELAB_METRICS_EXTRA_DIRS), BROKER_QUEUES)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


# -- the worker's own endpoint --------------------------------------------------------
class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _ThreadingServer6(_ThreadingServer):
    address_family = socket.AF_INET6


def parse_listen(value: str) -> tuple[str, int]:
    """The address and port of "9808", "0.0.0.0:9808" or "[::]:9808"."""
    host, _, port = value.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected [ADDRESS:]PORT, got {value!r}")
    return host, int(port)


class WorkerMetricsServer:
    """GET /metrics on its own port, in a thread of the worker's main process: the values
    its pool processes wrote to the worker's multiprocess directory."""

    def __init__(self, listen: str, *, token: str = "") -> None:
        self.address = parse_listen(listen)
        self.token = token
        self._server: WSGIServer | None = None

    def app(self, environ: dict, start_response: Callable) -> list[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found: the worker serves /metrics\n"]
        if self.token and not token_matches(environ.get("HTTP_AUTHORIZATION", ""), self.token):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"Forbidden\n"]
        body = exposition(process_metrics())
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
        return [body]

    def start(self) -> None:
        host, port = self.address
        server_class = _ThreadingServer6 if ":" in host else _ThreadingServer
        self._server = make_server(host, port, self.app, server_class, _QuietHandler)
        threading.Thread(
            target=self._server.serve_forever, name="metrics-endpoint", daemon=True
        ).start()
        logger.info("worker metrics on http://%s:%s/metrics", host, self.port)

    @property
    def port(self) -> int:
        return self._server.server_port if self._server else self.address[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
