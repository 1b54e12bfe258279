"""gunicorn's settings for the web server, read from ./gunicorn.conf.py wherever gunicorn is
started from the repository root (`./tracelab run`, the container image). The command
line sets the address.

- Workers: uvicorn's (ASGI), one per core by default, at most 8 (TRACELAB_WEB_WORKERS).
  Each serves many connections at once: an open event stream costs a socket and a
  little memory, not a worker; pages run in TRACELAB_WEB_CONCURRENCY threads of each
  (coursesite/asgi.py). On a bigger machine, one per core still; more threads only
  where pages wait on a remote database rather than on the CPU (measure with
  bench_deadline).
- Stopping: open event streams never finish by themselves, so a stopping worker waits
  at most graceful_timeout for them; the pages reconnect to the new workers at once.
- Logs: gunicorn's own lines go through the site's logging configuration (JSON lines,
  coursesite/logs.py); its access log is off, since the request middleware writes one
  line per request with more in it.
- Metrics: the workers are separate processes, so Prometheus's client runs in
  multiprocess mode (coursesite/metrics.py). PROMETHEUS_MULTIPROC_DIR names the web
  server's own directory (a fresh temporary one when unset), emptied when the master
  starts; a worker that exits is marked dead.
"""

import glob
import os
import shutil
import tempfile

# Before anything imports prometheus_client: the variable decides how it keeps values.
_own_directory = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _own_directory = tempfile.mkdtemp(prefix="tracelab-metrics-web-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_directory

from coursesite.logs import logging_config  # noqa: E402

worker_class = "uvicorn_worker.UvicornWorker"
# One per core this process may run on (a container's cpuset, not the host's count), at
# most 8 by default: each holds its own copy of the site in memory (about 100 MB).
workers = int(
    os.environ.get("TRACELAB_WEB_WORKERS", "").strip() or min(8, len(os.sched_getaffinity(0)))
)
graceful_timeout = 5
# Idle keep-alive connections are kept this long (gunicorn's default, 2 s, is for sync
# workers that hold a worker per connection): a page's next request, a click after
# reading for a while, reuses its connection instead of racing the server's close.
keepalive = 30

logconfig_dict = logging_config(
    format=os.environ.get("TRACELAB_LOG_FORMAT", "").strip() or "json",
    level=os.environ.get("TRACELAB_LOG_LEVEL", "").strip() or "INFO",
)


def on_starting(server) -> None:
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(path, exist_ok=True)
    for name in glob.glob(os.path.join(path, "*.db")):
        os.remove(name)


def post_fork(server, worker) -> None:
    # A worker whose master is killed (SIGKILL, an OOM kill) must not live on holding the
    # port: the master's replacement could never bind it. gunicorn's own workers notice
    # a new parent on their next beat; uvicorn's never look, so the kernel tells them.
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != server.pid:  # the master died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def child_exit(server, worker) -> None:
    from prometheus_client.multiprocess import mark_process_dead

    mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _own_directory is not None:
        shutil.rmtree(_own_directory, ignore_errors=True)
