from coursesite.celery import app


def test_cpu_and_gpu_queues_are_routed_separately():
    queues = app.amqp.queues
    assert (queues["cpu"].exchange.name, queues["cpu"].routing_key) == ("cpu", "cpu")
    assert (queues["gpu"].exchange.name, queues["gpu"].routing_key) == ("gpu", "gpu")
    assert app.conf.task_default_queue == "cpu"


def test_tasks_are_acknowledged_late_and_never_run_eagerly():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_always_eager is False
    assert conf.task_ignore_result is True


def test_stale_submission_sweep_is_scheduled_every_minute():
    entry = app.conf.beat_schedule["requeue-stale-submissions"]
    assert entry["task"] == "exercises.tasks.requeue_stale_submissions"
    assert entry["schedule"] == 60.0


def test_grading_tasks_are_registered():
    app.loader.import_default_modules()
    assert "exercises.tasks.grade_submission" in app.tasks
    assert "exercises.tasks.requeue_stale_submissions" in app.tasks
