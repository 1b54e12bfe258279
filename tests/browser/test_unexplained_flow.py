"""The bank learns from the class, in the browser, against a real Celery worker.

Three failing momentum submissions share a divergence no known mistake explains (the
student steps w before blending the new gradient into the buffer, and with twice the
learning rate). The instructor opens "Unexplained failures", sees the group and its
count, names it, validates the draft on the worker (the new mistake must be named as
itself), publishes it, and the new version lists the mistake.
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from exercises.models import Cohort, Exercise, ExerciseDraft, Membership, Submission
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank"
# A realistic wrong program no mistake of the bank names: it moves w with the buffer as
# it was before this gradient, and with a doubled learning rate.
EARLY_AND_DOUBLE = """import numpy as np


def momentum_step(w, grad, m, lr, beta=0.9):
    # take the step, then remember the gradient
    w = w - 2 * lr * m
    m = beta * m + (1 - beta) * grad
    return w, m
"""
SIGNATURE = "5f0c2a9e41d7b3c8"


def unexplained_result(relative_error: float) -> dict:
    cases = [("two-speed valley", False), ("rosenbrock", False), ("random quadratic", True)]
    return {
        "verdict": "failed",
        "score": 0.0,
        "message": "0 of 5 cases match.",
        "grader_version": "test",
        "cases": [
            {"name": name, "hidden": hidden, "passed": False, "divergence": {"step": 1}}
            for name, hidden in cases
        ],
        "diagnoses": [],
        "hints": [],
        "unexplained": [
            {
                "case": name,
                "hidden": hidden,
                "step": 1,
                "quantity": None if hidden else "w",
                "relative_error": None if hidden else relative_error,
            }
            for name, hidden in cases
        ],
        "signature": SIGNATURE,
    }


def test_an_instructor_names_an_unexplained_group_validates_and_publishes_it(
    page, live_server, celery_worker, django_user_model, screenshot, tmp_path
):
    # Only the momentum bundle: the test does not depend on the rest of the bank.
    shutil.copytree(BANK / "momentum", tmp_path / "bank" / "momentum")
    call_command("sync_bank", root=tmp_path / "bank", verbosity=0)
    momentum = Exercise.objects.select_related("current_version").get(slug="momentum")
    first_version = momentum.current_version
    assert "mistakes/early-double-step.py" not in first_version.files

    ivy = django_user_model.objects.create_user("ivy", password="ivy-pass-12345")
    ivy.groups.add(Group.objects.get_or_create(name="instructors")[0])
    cohort = Cohort.objects.create(name="Spring", slug="spring")
    cohort.instructors.add(ivy)
    students = [
        django_user_model.objects.create_user(name, password=f"{name}-pass-12345")
        for name in ("sam", "kim")
    ]
    for student in students:
        Membership.objects.create(cohort=cohort, user=student)
    Membership.objects.update(joined_at=timezone.now() - timedelta(days=1))
    for student, error in ((students[0], 0.21), (students[0], 0.23), (students[1], 0.22)):
        Submission.objects.create(
            user=student,
            exercise=momentum,
            exercise_version=first_version,
            code=EARLY_AND_DOUBLE,
            status="done",
            verdict="failed",
            score=0.0,
            result=unexplained_result(error),
        )
    base = live_server.url

    # The instructor finds the group from the exercise list.
    log_in(page, base, "ivy", "ivy-pass-12345")
    page.click("text=Teaching")
    page.click("text=Exercises & authoring")
    page.locator("#exercise-table tr", has_text="momentum").locator(
        "text=Unexplained failures"
    ).click()
    page.wait_for_selector(".unexplained-group")
    assert page.locator(".unexplained-group").count() == 1
    group = page.locator(".unexplained-group").first
    assert group.locator(".group-count").inner_text() == "3 submissions"
    assert group.locator(".group-students").inner_text() == "2 students"
    assert "two-speed valley" in group.inner_text() and "hidden" in group.inner_text()
    assert "w = w - 2 * lr * m" in group.locator(".example-code").inner_text()
    screenshot("instructor-unexplained")

    # One action names it: the example becomes a mistake of a new draft.
    group.locator("input[name=mistake_id]").fill("early-double-step")
    group.locator("input[name=title]").fill(
        "Steps with the old buffer, and with twice the learning rate."
    )
    group.locator("textarea[name=hint]").fill(
        "On the first call your w does not move, and later steps are twice too long: blend "
        "the new gradient into m first, then step with lr (not 2 * lr) times the updated m."
    )
    group.locator("button", has_text="Name this mistake").click()
    page.wait_for_url(re.compile(r".*/instructor/exercises/drafts/\d+/$"))
    assert "Added mistakes/early-double-step.py" in page.inner_text(".messages")
    assert "early-double-step" in page.inner_text("#mistakes")

    # The existing authoring flow: validate on the worker, then publish.
    page.click("#validate-btn")
    page.locator("#validation .verdict-label", has_text="Validation passed").wait_for(
        timeout=120_000
    )
    checks = page.inner_text("#validation-checks")
    assert "mistake early-double-step is named" in checks
    assert "named early-double-step alone" in checks
    assert "FAIL" not in checks
    screenshot("instructor-unexplained-validated")
    page.click("#publish-btn")
    page.wait_for_selector("text=Published momentum version 2")

    momentum.refresh_from_db()
    version = momentum.current_version
    assert version.number == 2
    source = version.files["mistakes/early-double-step.py"]
    assert source.startswith('"""Steps with the old buffer, and with twice the learning rate."""')
    assert not ExerciseDraft.objects.exists()

    # The published version lists the new mistake; its submissions start afresh.
    page.goto(f"{base}/instructor/exercises/momentum/unexplained/")
    assert "early-double-step" in page.inner_text("main .meta")
    assert page.locator(".unexplained-group").count() == 0
    screenshot("instructor-unexplained-published")
