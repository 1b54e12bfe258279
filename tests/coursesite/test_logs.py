"""JSON log lines that say what they are about: the request, the task, the submission."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from log_capture import json_lines

from coursesite import celery as celery_hooks
from coursesite import logs

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """Every log line written while the test runs, as the configured handler formats it."""
    with json_lines(level=logging.DEBUG) as read:
        yield read


def test_a_line_is_one_json_object_with_time_level_logger_and_message(lines):
    logging.getLogger("exercises.example").warning("grading %s slow", 7, extra={"ms": 812})

    (line,) = lines()
    assert line["message"] == "grading 7 slow"
    assert (line["level"], line["logger"], line["ms"]) == ("WARNING", "exercises.example", 812)
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert isinstance(line["pid"], int)


def test_a_scope_labels_every_line_inside_it_and_none_after(lines):
    log = logging.getLogger("exercises.example")
    with logs.scope(request_id="req-1234abcd"):
        log.info("before")
        logs.annotate(submission_id=42)
        log.info("after")
    log.info("outside")

    before, after, outside = lines()
    assert before["request_id"] == "req-1234abcd" and "submission_id" not in before
    assert (after["request_id"], after["submission_id"]) == ("req-1234abcd", 42)
    assert "request_id" not in outside and "submission_id" not in outside


def test_annotating_outside_any_scope_changes_nothing(lines):
    logs.annotate(submission_id=42)
    logging.getLogger("exercises.example").info("a command's line")

    assert "submission_id" not in lines()[0]


def test_the_text_format_keeps_the_fields_readable():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "graded", (), None)
    with logs.scope(submission_id=42, task_id="t-1"):
        logs.ContextFilter().filter(record)
    assert logs.TextFormatter().format(record).endswith("x: graded [task_id=t-1 submission_id=42]")


def test_exceptions_come_out_as_one_line(lines):
    try:
        raise ValueError("bad trace")
    except ValueError:
        logging.getLogger("exercises.example").exception("grading failed")

    (line,) = lines()
    assert "ValueError: bad trace" in line["exc_info"]


def test_each_request_writes_one_line_with_route_status_duration_and_user(client, lines):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-request-0001")

    (line,) = [line for line in lines() if line["logger"] == "coursesite.request"]
    assert response["X-Request-ID"] == "lb-request-0001"
    assert line["request_id"] == "lb-request-0001"
    assert (line["method"], line["route"], line["path"]) == ("GET", "login", "/accounts/login/")
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["message"].startswith("GET /accounts/login/ 200 ")


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, lines):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID='x" forged\nline')

    assert response["X-Request-ID"] != 'x" forged\nline'
    assert len(response["X-Request-ID"]) == 32


def test_a_logged_in_users_request_names_the_user(client, django_user_model, lines):
    user = django_user_model.objects.create_user("erin", password="erin-pass-123")
    client.force_login(user)

    client.get("/")

    (line,) = [line for line in lines() if line["logger"] == "coursesite.request"]
    assert line["user_id"] == user.pk


def test_health_checks_are_quiet_when_healthy(client, lines, monkeypatch):
    monkeypatch.setattr("coursesite.health.health_report", lambda **_: (True, {"status": "ok"}))

    client.get("/healthz")

    (line,) = [line for line in lines() if line["logger"] == "coursesite.request"]
    assert line["level"] == "DEBUG" and line["route"] == "healthz"


# -- Celery: the task's message carries the request's fields; the task's lines show them --
def test_a_task_sent_within_a_request_carries_its_request_and_submission():
    headers: dict = {}
    with logs.scope(request_id="req-1234abcd", submission_id=42):
        celery_hooks.stamp_log_context(headers=headers)

    assert headers == {"tracelab_request_id": "req-1234abcd", "tracelab_submission_id": 42}


def test_a_task_sent_outside_any_request_adds_no_headers():
    headers: dict = {}
    celery_hooks.stamp_log_context(headers=headers)
    assert headers == {}


def test_a_grading_task_labels_its_lines_with_its_submission(lines):
    from exercises.tasks import grade_submission

    grade_submission.push_request(tracelab_request_id="req-1234abcd")
    try:
        celery_hooks.open_task_log_scope(
            task_id="task-1", task=grade_submission, args=(42,), kwargs={}
        )
        logging.getLogger("exercises.services.submissions").info("submission 42 graded")
        celery_hooks.close_task_log_scope(task_id="task-1")
    finally:
        grade_submission.pop_request()
    logging.getLogger("celery.worker").info("between tasks")

    inside, after = [line for line in lines() if line["logger"] != "celery.utils.functional"]
    assert inside["submission_id"] == 42
    assert (inside["task_id"], inside["task"]) == ("task-1", "exercises.tasks.grade_submission")
    assert inside["request_id"] == "req-1234abcd"
    assert not {"submission_id", "task_id", "request_id"} & set(after)


def test_a_task_without_a_submission_argument_takes_it_from_the_headers(lines):
    task = SimpleNamespace(
        name="exercises.tasks.recover_submissions",
        run=lambda: None,
        request=SimpleNamespace(tracelab_submission_id=7),
    )
    celery_hooks.open_task_log_scope(task_id="task-2", task=task, args=(), kwargs={})
    logging.getLogger("x").info("inside")
    celery_hooks.close_task_log_scope(task_id="task-2")

    assert [line["submission_id"] for line in lines() if line["logger"] == "x"] == [7]


def test_the_logging_config_rejects_unknown_formats_and_levels():
    with pytest.raises(ValueError):
        logs.logging_config(format="xml")
    with pytest.raises(ValueError):
        logs.logging_config(level="LOUD")
    config = logs.logging_config(format="text", level="debug")
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["gunicorn.access"]["handlers"] == []
