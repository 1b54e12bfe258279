from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse

from exercises import selectors
from exercises.models import Submission
from exercises.services.submissions import submission_claim, submission_create
from exercises.views import queued_fragment

pytestmark = pytest.mark.django_db

CODE = "def step(params, grads, state, lr):\n    return params\n"


def _finish(submission: Submission, result: dict) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        status="done", verdict=result["verdict"], score=result["score"], result=result
    )


def _fragment(client, submission: Submission) -> dict:
    response = client.get(reverse("submission_fragment", args=[submission.pk]))
    assert response.status_code == 200
    return response.json()


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_with_nothing_graded_lately_no_wait_is_promised(alice, alice_client, exercise):
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    data = _fragment(alice_client, mine)

    assert data["queue_wait_seconds"] is None
    assert "graded in about" not in data["html"]


def test_queued_fragment_shows_position(alice, bob, alice_client, exercise):
    submission_create(user=bob, exercise=exercise, code=CODE, mode="submit")
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    data = _fragment(alice_client, mine)

    assert (data["status"], data["done"]) == ("queued", False)
    assert "Queued (position 2)" in data["html"]


def forget_the_grading_rate(monkeypatch) -> None:
    """The rate is measured once every few seconds: a test that changes it asks anew."""
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(selectors, "_rate_seen", (-1e9, 0.0))


def test_a_queued_page_is_told_to_ask_again_about_when_its_turn_comes(
    alice, bob, alice_client, exercise, django_user_model, settings, monkeypatch
):
    from django.utils import timezone

    settings.TRACELAB_SUBMISSIONS_PER_MINUTE = 100
    forget_the_grading_rate(monkeypatch)
    # Nothing graded lately: the page keeps its own pace.
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    assert _fragment(alice_client, mine)["poll_after_ms"] == 400

    # 30 graded in the last 15 s (2 a second), and 9 queued ahead of this one.
    done = submission_create(user=bob, exercise=exercise, code=CODE, mode="submit")
    _finish(done, {"verdict": "passed", "score": 1.0})
    Submission.objects.filter(pk=done.pk).update(finished_at=timezone.now())
    for _ in range(29):
        other = submission_create(user=bob, exercise=exercise, code=CODE, mode="run")
        Submission.objects.filter(pk=other.pk).update(
            status="done", verdict="passed", finished_at=timezone.now()
        )
    Submission.objects.filter(pk=mine.pk).delete()
    for i in range(9):
        user = django_user_model.objects.create_user(f"ahead-{i}")
        submission_create(user=user, exercise=exercise, code=CODE, mode="submit")
    mine = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    forget_the_grading_rate(monkeypatch)

    data = _fragment(alice_client, mine)

    assert "Queued (position 10)" in data["html"]
    assert data["poll_after_ms"] == 3000  # 70% of the expected 5 s, capped at 3 s
    # The page says how long the wait is expected to be, at the measured rate.
    assert data["queue_wait_seconds"] == pytest.approx(5.0)
    assert "graded in about 5 s" in data["html"]
    # What a stream pushes as the queue moves, without reading the row again.
    pushed = queued_fragment(_request(alice), mine, queue_position=4)
    assert "Queued (position 4)" in pushed["html"] and "graded in about 2 s" in pushed["html"]
    assert (pushed["status"], pushed["done"]) == ("queued", False)

    submission_claim(submission_id=mine.pk, lease=timedelta(seconds=20))
    assert _fragment(alice_client, mine)["poll_after_ms"] == 150
    _finish(mine, {"verdict": "passed", "score": 1.0})
    assert "poll_after_ms" not in _fragment(alice_client, mine)


def test_running_fragment_says_running(alice, alice_client, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    submission_claim(submission_id=submission.pk, lease=timedelta(seconds=20))

    data = _fragment(alice_client, submission)

    assert (data["status"], data["done"]) == ("running", False)
    assert "Running" in data["html"]


def test_done_fragment_shows_verdict_divergence_and_diagnosis(alice, alice_client, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    _finish(
        submission,
        {
            "verdict": "failed",
            "score": 0.25,
            "message": "Your trace left the reference at step 4.",
            "cases": [
                {
                    "name": "rosenbrock",
                    "hidden": False,
                    "passed": False,
                    "steps_compared": 4,
                    "error": None,
                    "divergence": {
                        "step": 4,
                        "quantity": "exp_avg_sq",
                        "index": [1, 2],
                        "expected": 0.0314159,
                        "got": 0.0271828,
                        "error": 0.0042,
                    },
                }
            ],
            "diagnoses": [
                {"mistake": "no-bias-correction", "hint": "Divide the moments by 1 - beta^t."}
            ],
            "stdout": "",
            "stderr": "",
        },
    )

    data = _fragment(alice_client, submission)
    html = data["html"]

    assert (data["status"], data["done"]) == ("done", True)
    assert "verdict-failed" in html
    assert "25%" in html
    assert "Your trace left the reference at step 4." in html
    assert "exp_avg_sq" in html and "0.0314159" in html and "0.0271828" in html
    assert "What went wrong" in html
    assert "no-bias-correction" in html and "Divide the moments by 1 - beta^t." in html
    assert "<pre" not in html  # no empty output blocks


def test_fragment_hides_hidden_case_values(alice, alice_client, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    _finish(
        submission,
        {
            "verdict": "failed",
            "score": 0.5,
            "message": "",
            "cases": [
                {
                    "name": "hidden-wide-lr",
                    "hidden": True,
                    "passed": False,
                    "steps_compared": 7,
                    "error": "hidden detail 0.987654",
                    "divergence": {
                        "step": 7,
                        "quantity": "param_secret_q",
                        "index": [3],
                        "expected": 0.987654,
                        "got": 0.123321,
                        "error": 0.8,
                    },
                }
            ],
            "diagnoses": [],
            "stdout": "",
            "stderr": "",
        },
    )

    html = _fragment(alice_client, submission)["html"]

    assert "hidden-wide-lr" in html and "failed" in html
    for leaked in ("0.987654", "0.123321", "param_secret_q", "hidden detail"):
        assert leaked not in html


def test_fragment_escapes_script_in_student_output(alice, alice_client, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    _finish(
        submission,
        {
            "verdict": "error",
            "score": 0.0,
            "message": "<b>crashed</b>",
            "cases": [
                {
                    "name": "<img src=x onerror=alert(1)>",
                    "hidden": False,
                    "passed": False,
                    "steps_compared": 0,
                    "error": "<script>alert('case')</script>",
                    "divergence": None,
                }
            ],
            "diagnoses": [],
            "stdout": "<script>alert('out')</script>",
            "stderr": "</pre><script>alert('err')</script>",
        },
    )

    html = _fragment(alice_client, submission)["html"]

    assert "<script" not in html
    assert "<img" not in html
    assert "<b>crashed" not in html
    assert "&lt;script&gt;alert(&#x27;out&#x27;)&lt;/script&gt;" in html
    assert "&lt;/pre&gt;&lt;script&gt;" in html


def test_fragment_shows_heuristic_hints_when_no_mistake_is_named(alice, alice_client, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="run")
    _finish(
        submission,
        {
            "verdict": "failed",
            "score": 0.0,
            "message": "",
            "cases": [
                {
                    "name": "valley",
                    "hidden": False,
                    "passed": False,
                    "steps_compared": 2,
                    "steps_total": 25,
                    "error": None,
                    "divergence": {
                        "step": 3,
                        "quantity": None,
                        "index": None,
                        "expected": None,
                        "got": None,
                        "error": None,
                        "reason": "ended early",
                    },
                }
            ],
            "diagnoses": [],
            "hints": [{"heuristic": "drift", "hint": "Check the state you carry between steps."}],
        },
    )

    html = _fragment(alice_client, submission)["html"]

    assert "What went wrong" in html
    assert "Check the state you carry between steps." in html
    assert "2 of 25" in html
    assert "ended early" in html
    assert "None" not in html
    assert "visible cases only" in html
