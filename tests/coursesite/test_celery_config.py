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


def test_recovery_sweep_runs_every_few_seconds_on_its_own_queue():
    entry = app.conf.beat_schedule["recover-submissions"]
    assert entry["task"] == "exercises.tasks.recover_submissions"
    assert entry["schedule"] <= 5.0
    # Never behind a backlog of gradings, and never piling up while no worker listens.
    assert entry["options"]["queue"] == "housekeeping"
    assert entry["options"]["expires"] == entry["schedule"]
    assert app.amqp.queues["housekeeping"].routing_key == "housekeeping"


def test_broker_visibility_timeout_is_set_deliberately():
    options = app.conf.broker_transport_options
    # Longer than any grading of the bank (30 s wall limits), so live workers' messages
    # are not handed out twice; the sweep, not this timeout, recovers dead workers.
    assert options["visibility_timeout"] >= 120


def test_grading_tasks_are_registered():
    app.loader.import_default_modules()
    assert "exercises.tasks.grade_submission" in app.tasks
    assert "exercises.tasks.recover_submissions" in app.tasks
