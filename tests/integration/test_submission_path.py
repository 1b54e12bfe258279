"""A submission's whole path, all real: HTTP, Django, Redis, a Celery worker, the sandbox."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.management import call_command

from coursesite.http_session import Session
from exercises.models import Submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"


@pytest.fixture
def student(django_user_model, live_server, celery_worker):
    call_command("sync_bank", verbosity=0)
    django_user_model.objects.create_user("casey", password="casey-pass-123")
    session = Session(live_server.url)
    session.login("casey", "casey-pass-123")
    session.request("GET", "/exercises/adamw/")  # sets the CSRF cookie, as the page does
    return session


def submit_and_wait(
    session: Session, code: str, *, mode: str = "submit", timeout: float = 60
) -> dict:
    status, created = session.post_json(
        "/api/exercises/adamw/submissions", {"code": code, "mode": mode}
    )
    assert status == 202, created
    seen = [created["status"]]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, detail = session.get_json(f"/api/submissions/{created['id']}")
        assert status == 200
        seen.append(detail["status"])
        if detail["status"] == "done":
            detail["seen"] = seen
            return detail
        time.sleep(0.1)
    raise AssertionError(f"submission {created['id']} still {seen[-1]} after {timeout} s")


def test_right_adamw_passes_through_the_real_worker(student):
    detail = submit_and_wait(student, (BANK / "solution.py").read_text())
    assert detail["seen"][0] == "queued"
    assert detail["verdict"] == "passed", detail["result"]["message"]
    assert detail["score"] == 1.0
    row = Submission.objects.get(pk=detail["id"])
    assert row.started_at and row.finished_at and row.started_at <= row.finished_at


def test_wrong_adamw_fails_with_first_divergence_and_named_mistake(student):
    detail = submit_and_wait(student, (BANK / "mistakes" / "decay-after-update.py").read_text())
    assert detail["verdict"] == "failed"
    result = detail["result"]
    first = next(c for c in result["cases"] if not c["passed"] and not c["hidden"])
    assert first["divergence"]["step"] >= 1 and first["divergence"]["quantity"] == "w"
    assert [d["mistake"] for d in result["diagnoses"]] == ["decay-after-update"]


def test_run_mode_grades_visible_cases_only(student):
    detail = submit_and_wait(student, (BANK / "solution.py").read_text(), mode="run")
    assert detail["verdict"] == "passed"
    assert not any(c["hidden"] for c in detail["result"]["cases"])


def test_hostile_submission_is_a_result_and_the_worker_keeps_grading(student):
    looping = "while True:\n    pass\n"
    detail = submit_and_wait(student, looping, timeout=90)
    assert detail["verdict"] == "timeout"
    after = submit_and_wait(student, (BANK / "solution.py").read_text())
    assert after["verdict"] == "passed"
