"""The Celery application: `celery -A coursesite worker -Q cpu,housekeeping` and `... beat`."""

import inspect
import logging
import logging.config
import os

from celery import Celery, bootsteps
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_process_shutdown,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings")

logger = logging.getLogger(__name__)

app = Celery("coursesite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerAnnouncer(bootsteps.StartStopStep):
    """The worker's main process tells the registry, every few seconds, that it is alive
    and which pool processes it runs (exercises/services/worker_registry.py)."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None
        self.worker = worker

    def start(self, worker) -> None:
        from exercises.services.worker_registry import ANNOUNCE_EVERY_SECONDS

        self.worker = worker
        self.announce()
        self.timer_ref = worker.timer.call_repeatedly(ANNOUNCE_EVERY_SECONDS, self.announce)

    def stop(self, worker) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()

    def announce(self) -> None:
        from exercises.services import leases, worker_registry

        try:
            worker_registry.default_registry().announce(
                leases.node_identity(),
                leases.child_processes(os.getpid()),
                queues=self.queues(),
            )
        except Exception as exc:  # noqa: BLE001 - Redis down: the next tick tries again
            logger.warning("could not announce this worker: %s", exc)

    def queues(self) -> list[str]:
        """The queues this worker consumes now (-Q, and any added or cancelled since)."""
        consumer = getattr(getattr(self.worker, "consumer", None), "task_consumer", None)
        if consumer is not None and consumer.queues:
            return sorted(queue.name for queue in consumer.queues)
        return sorted(self.worker.app.amqp.queues.consume_from or {})


class WorkerMetrics(bootsteps.StartStopStep):
    """The worker's metrics (coursesite/metrics.py): its directory starts empty, before
    any pool process exists, and with TRACELAB_WORKER_METRICS_LISTEN set the main process
    serves them on that port."""

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        from coursesite import metrics

        self.server = None
        if metrics.multiprocess_dir():
            metrics.clear_directory(metrics.multiprocess_dir())

    def start(self, worker) -> None:
        from django.conf import settings

        from coursesite import metrics

        listen = settings.TRACELAB_WORKER_METRICS_LISTEN
        if not listen:
            return
        if metrics.multiprocess_dir() is None:
            logger.warning(
                "PROMETHEUS_MULTIPROC_DIR is not set: the metrics endpoint shows only the "
                "main process, not the pool processes that grade"
            )
        self.server = metrics.WorkerMetricsServer(listen, token=settings.TRACELAB_METRICS_TOKEN)
        self.server.start()

    def stop(self, worker) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


app.steps["worker"].add(WorkerAnnouncer)
app.steps["worker"].add(WorkerMetrics)


@setup_logging.connect
def configure_logging(loglevel: int | None = None, **_: object) -> None:
    """Celery logs through the site's configuration (JSON lines, coursesite/logs.py)
    instead of its own; --loglevel still sets the level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


# The request that sent a task, and the submission it is about, travel in the message's
# headers, so the worker's lines name them too.
_REQUEST_HEADER = "tracelab_request_id"
_SUBMISSION_HEADER = "tracelab_submission_id"
_open_scopes: dict[str, object] = {}


@before_task_publish.connect
def stamp_log_context(headers: dict | None = None, **_: object) -> None:
    from coursesite import logs

    if headers is None:
        return
    fields = logs.current()
    if fields.get("request_id"):
        headers.setdefault(_REQUEST_HEADER, fields["request_id"])
    if fields.get("submission_id") is not None:
        headers.setdefault(_SUBMISSION_HEADER, fields["submission_id"])


def _submission_argument(task, args, kwargs) -> object:
    """The task's `submission_id` argument, if it takes one."""
    if kwargs and "submission_id" in kwargs:
        return kwargs["submission_id"]
    try:
        names = list(inspect.signature(task.run).parameters)
    except (TypeError, ValueError):
        return None
    if "submission_id" in names and args:
        position = names.index("submission_id")
        if position < len(args):
            return args[position]
    return None


@task_prerun.connect
def open_task_log_scope(task_id=None, task=None, args=(), kwargs=None, **_: object) -> None:
    from coursesite import logs

    request = getattr(task, "request", None)
    submission_id = _submission_argument(task, args or (), kwargs or {})
    if submission_id is None and request is not None:
        submission_id = getattr(request, _SUBMISSION_HEADER, None)
    _open_scopes[task_id] = logs.open_scope(
        request_id=getattr(request, _REQUEST_HEADER, None) if request is not None else None,
        task_id=task_id,
        task=getattr(task, "name", None),
        submission_id=submission_id,
    )


@task_postrun.connect
def close_task_log_scope(task_id=None, **_: object) -> None:
    from coursesite import logs

    token = _open_scopes.pop(task_id, None)
    if token is not None:
        logs.close_scope(token)


@worker_process_init.connect
def warm_up_grading(**_: object) -> None:
    """Each worker process starts its sandboxes and prepares the bank before any task."""
    import grader
    from coursesite import metrics
    from exercises.services.grading import grading_warm_up

    grader.default_pool().add_listener(metrics.sandbox_event)
    grading_warm_up()


@worker_process_shutdown.connect
def forget_pool_process(pid: int | None = None, **_: object) -> None:
    """A pool process that ends is no longer grading (its live gauges are dropped)."""
    from coursesite import metrics

    path = metrics.multiprocess_dir()
    if path:
        metrics.mark_process_dead(pid or os.getpid(), path)
