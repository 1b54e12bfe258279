"""A submission seen from operations: its verdict counted, its latency observed, and its id
on the log lines of the request that created it and the requests that follow it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from log_capture import json_lines
from prometheus_client import REGISTRY

from exercises.models import Submission
from exercises.services import grading
from exercises.services.submissions import submission_create, submission_grade

pytestmark = pytest.mark.django_db

CODE = "def step(params, grads, state, lr):\n    return params\n"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def request_lines():
    with json_lines("coursesite.request") as read:
        yield read


def test_a_graded_submission_counts_its_verdict_and_how_long_its_student_waited(
    alice, exercise, fake_grader
):
    verdicts = value("tracelab_verdicts_total", exercise="adamw", verdict="passed")
    waits = value("tracelab_submission_verdict_seconds_count", queue="cpu")
    waited = value("tracelab_submission_verdict_seconds_sum", queue="cpu")
    submission = submission_create(user=alice, exercise=exercise, code=CODE)
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(seconds=3)
    )

    submission_grade(submission_id=submission.pk)

    assert value("tracelab_verdicts_total", exercise="adamw", verdict="passed") == verdicts + 1
    assert value("tracelab_submission_verdict_seconds_count", queue="cpu") == waits + 1
    assert 3 <= value("tracelab_submission_verdict_seconds_sum", queue="cpu") - waited < 10


def test_a_verdict_stored_twice_is_counted_once(alice, exercise, fake_grader):
    fake_grader.result["verdict"] = "failed"
    before = value("tracelab_verdicts_total", exercise="adamw", verdict="failed")
    submission = submission_create(user=alice, exercise=exercise, code=CODE)

    submission_grade(submission_id=submission.pk)
    submission_grade(submission_id=submission.pk)  # a duplicate delivery

    assert value("tracelab_verdicts_total", exercise="adamw", verdict="failed") == before + 1


def test_grading_time_is_observed_by_queue(make_exercise, monkeypatch):
    exercise = make_exercise("gpu-adamw", device="gpu")
    monkeypatch.setattr(grading, "bundle_for_version", lambda *, version: object())
    monkeypatch.setattr(
        "grader.grade",
        lambda bundle, code, visible_only: SimpleNamespace(to_dict=lambda: {"verdict": "passed"}),
    )
    before = value("tracelab_grading_duration_seconds_count", queue="gpu")

    grading.grade_code(version=exercise.current_version, code=CODE, visible_only=False)

    assert value("tracelab_grading_duration_seconds_count", queue="gpu") == before + 1
    assert value("tracelab_gradings_in_progress") == 0


def test_the_creating_request_and_the_polls_log_the_submission_id(
    alice, alice_client, exercise, request_lines
):
    created = alice_client.post(
        "/api/exercises/adamw/submissions",
        data={"code": CODE},
        content_type="application/json",
        HTTP_X_REQUEST_ID="web-request-0001",
    )
    assert created.status_code == 202
    submission_id = created.json()["id"]
    alice_client.get(f"/api/submissions/{submission_id}")
    alice_client.get(f"/submissions/{submission_id}/fragment")

    create, detail, fragment = request_lines()
    assert (create["route"], create["status"]) == ("api_submission_create", 202)
    assert create["request_id"] == "web-request-0001"
    assert create["user_id"] == alice.pk
    assert [line["submission_id"] for line in (create, detail, fragment)] == [submission_id] * 3
    assert [detail["route"], fragment["route"]] == ["api_submission_detail", "submission_fragment"]


def test_a_refused_submission_logs_no_submission_id(alice_client, exercise, request_lines):
    response = alice_client.post(
        "/api/exercises/adamw/submissions",
        data={"code": "x" * 70_000},
        content_type="application/json",
    )
    assert response.status_code == 413

    (line,) = request_lines()
    assert "submission_id" not in line
