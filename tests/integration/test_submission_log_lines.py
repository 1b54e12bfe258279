"""One submission followed through the JSON log lines of a real web server and a real Celery
worker: the request that created it, the task and the grading in the worker, the polls."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from log_capture import json_lines

from coursesite.http_session import Session

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"
REQUEST_ID = "it-request-0001"


@pytest.fixture
def web_lines():
    """The live server's request lines (it runs in this process), as JSON."""
    with json_lines("coursesite.request") as read:
        yield read


def worker_lines(path: Path) -> list[dict]:
    lines = []
    for text in path.read_text(errors="replace").splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
    return lines


def test_one_submission_id_runs_through_web_task_worker_and_polls(
    django_user_model, live_server, celery_worker, web_lines
):
    call_command("sync_bank", verbosity=0)
    django_user_model.objects.create_user("gale", password="gale-pass-123")
    session = Session(live_server.url)
    session.login("gale", "gale-pass-123")
    session.request("GET", "/exercises/adamw/")

    status, raw = session.request(
        "POST",
        "/api/exercises/adamw/submissions",
        data=json.dumps({"code": (BANK / "solution.py").read_text()}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": session._csrf(),
            "X-Request-ID": REQUEST_ID,
        },
    )
    assert status == 202, raw
    submission_id = json.loads(raw)["id"]
    deadline = time.monotonic() + 60
    while session.get_json(f"/api/submissions/{submission_id}")[1]["status"] != "done":
        assert time.monotonic() < deadline, "not graded in 60 s"
        time.sleep(0.1)

    # The web: the creating request and every poll name the submission.
    web = [line for line in web_lines() if line.get("submission_id") == submission_id]
    assert web[0]["route"] == "api_submission_create" and web[0]["request_id"] == REQUEST_ID
    assert {line["route"] for line in web[1:]} == {"api_submission_detail"}

    # The worker: the task's and the grading's lines name it and the creating request.
    def graded() -> list[dict]:
        return [
            line
            for line in worker_lines(celery_worker.log)
            if line.get("submission_id") == submission_id
        ]

    deadline = time.monotonic() + 10
    while not any(line["logger"] == "celery.app.trace" for line in graded()):
        assert time.monotonic() < deadline, "no task line for the submission in the worker log"
        time.sleep(0.2)
    lines = graded()
    loggers = {line["logger"] for line in lines}
    assert {"exercises.services.submissions", "celery.app.trace"} <= loggers, loggers
    assert {line["request_id"] for line in lines} == {REQUEST_ID}
    assert {line["task"] for line in lines} == {"exercises.tasks.grade_submission"}
    (stored,) = [line for line in lines if line["logger"] == "exercises.services.submissions"]
    assert f"submission {submission_id} graded" in stored["message"]
    assert "passed" in stored["message"]
