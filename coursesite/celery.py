"""The Celery application: `celery -A coursesite worker -Q cpu,housekeeping` and `... beat`."""

import logging
import os

from celery import Celery, bootsteps
from celery.signals import worker_process_init

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

    def start(self, worker) -> None:
        from exercises.services.worker_registry import ANNOUNCE_EVERY_SECONDS

        self.announce()
        self.timer_ref = worker.timer.call_repeatedly(ANNOUNCE_EVERY_SECONDS, self.announce)

    def stop(self, worker) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()

    def announce(self) -> None:
        from exercises.services import leases, worker_registry

        try:
            worker_registry.default_registry().announce(
                leases.node_identity(), leases.child_processes(os.getpid())
            )
        except Exception as exc:  # noqa: BLE001 - Redis down: the next tick tries again
            logger.warning("could not announce this worker: %s", exc)


app.steps["worker"].add(WorkerAnnouncer)


@worker_process_init.connect
def warm_up_grading(**_: object) -> None:
    """Each worker process starts its sandboxes and prepares the bank before any task."""
    from exercises.services.grading import grading_warm_up

    grading_warm_up()
