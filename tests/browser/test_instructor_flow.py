"""An instructor runs a class end to end in the browser, against a real Celery worker.

The instructor creates a cohort, a student joins it with the code and submits a known
AdamW mistake, the instructor sees the submission and its named mistake on the class
dashboard, authors a new exercise whose "mistake" passes (validation fails), fixes it,
publishes it, and downloads the grades and submissions as CSV.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from exercises.models import Exercise, ExerciseDraft
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank"
FORGETS_DECAY = '''"""Forgets the weight decay altogether."""

import numpy as np

HINT = "The decay term lr * weight_decay * w is missing from your step."


def sgd_wd_step(w, grad, lr, weight_decay):
    return w - lr * grad
'''
NOT_A_MISTAKE = '''"""Looks like a mistake, but is the reference."""

import numpy as np

HINT = "This one should never be named."


def sgd_wd_step(w, grad, lr, weight_decay):
    return w - lr * (grad + weight_decay * w)
'''


def type_into_editor(page, editor, code: str) -> None:
    """Replace the text of one CodeMirror editor the way a person does."""
    editor.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    # The editor auto-indents on Enter, so the code goes in as one text insertion.
    page.keyboard.insert_text(code)


def wait_for_validation(page, expected: str) -> None:
    # Locator waits, not wait_for_function: the pages' CSP forbids evaluating strings.
    label = page.locator("#validation .verdict-label", has_text=re.compile(re.escape(expected)))
    label.wait_for(timeout=90_000)


def test_instructor_runs_a_class_authors_an_exercise_and_exports_grades(
    page, browser, live_server, celery_worker, django_user_model, screenshot, tmp_path
):
    # Only the AdamW bundle: the test does not depend on the rest of the bank.
    shutil.copytree(BANK / "adamw", tmp_path / "bank" / "adamw")
    call_command("sync_bank", root=tmp_path / "bank", verbosity=0)
    ivy = django_user_model.objects.create_user("ivy", password="ivy-pass-12345")
    ivy.groups.add(Group.objects.get_or_create(name="instructors")[0])
    django_user_model.objects.create_user("sam", password="sam-pass-12345")
    base = live_server.url

    # The instructor creates a cohort and reads its join code.
    log_in(page, base, "ivy", "ivy-pass-12345")
    page.click("text=Teaching")
    page.fill("#cohort-form input[name=name]", "Optimization — spring")
    page.click("#cohort-form button[type=submit]")
    page.wait_for_selector("#join-code")
    code = page.inner_text("#join-code").strip()
    assert len(code) == 8
    screenshot("instructor-roster")

    # The student joins with the code and submits a known AdamW mistake.
    student = browser.new_context(viewport={"width": 1280, "height": 900})
    student_page = student.new_page()
    student_page.set_default_timeout(30_000)
    try:
        log_in(student_page, base, "sam", "sam-pass-12345")
        student_page.goto(base + "/cohorts/join/")
        student_page.fill("input[name=code]", code.lower())
        student_page.click("#join-form button[type=submit]")
        assert "You joined Optimization — spring" in student_page.inner_text(".messages")

        student_page.goto(base + "/exercises/adamw/")
        student_page.wait_for_selector(".tl-editor .cm-content")
        type_into_editor(
            student_page,
            student_page.locator(".workbench"),
            (BANK / "adamw" / "mistakes" / "coupled-l2.py").read_text(),
        )
        student_page.click("#submit-btn")
        student_page.wait_for_selector("#result .verdict-banner", timeout=60_000)
        assert "coupled-l2" in student_page.inner_text("#result")
    finally:
        student.close()

    # The instructor sees the submission and its named mistake on the dashboard.
    page.click("text=Teaching")
    page.click("text=Optimization — spring")
    page.wait_for_selector("#matrix")
    row = page.locator("#matrix tbody tr", has_text="sam")
    assert "failing" in row.inner_text() and "1 try" in row.inner_text()
    adamw_stats = page.locator("#exercise-stats tr", has_text="Adam with decoupled weight decay")
    assert "coupled-l2" in adamw_stats.inner_text()
    assert adamw_stats.locator("svg.mistake-chart").count() == 1
    screenshot("instructor-dashboard")

    page.click("#exercise-stats >> text=AdamW: Adam with decoupled weight decay")
    page.wait_for_selector("#submission-list")
    listing = page.inner_text("#submission-list")
    assert "sam" in listing and "coupled-l2" in listing and "Failed" in listing
    screenshot("instructor-exercise-submissions")
    dashboard_url = page.url.split("/exercises/")[0] + "/"

    # Authoring: a new exercise whose extra "mistake" passes fails validation.
    page.click("text=Exercises & authoring")
    page.click("#new-exercise")
    page.wait_for_selector("#draft-form .tl-editor .cm-content")
    toml = page.input_value("#id_exercise_toml")
    page.fill("#id_exercise_toml", toml.replace('id = "my-exercise"', 'id = "sgd-weight-decay"'))
    page.click("text=Add a mistake")
    added = page.locator("#mistakes .file-fieldset").last
    added.locator("input.file-id").fill("not-a-mistake")
    added.locator(".tl-editor .cm-content").wait_for()
    type_into_editor(page, added, NOT_A_MISTAKE)
    page.click("#validate-btn")
    wait_for_validation(page, "Validation failed")
    checks = page.inner_text("#validation-checks")
    assert "mistake not-a-mistake is named" in checks
    assert "passes every case" in checks
    assert page.locator("#publish-btn").is_disabled()
    screenshot("instructor-authoring-invalid")

    # The fix: the mistake becomes a real one; validation passes and it is published.
    fixed = page.locator("#mistakes .file-fieldset", has_text="not-a-mistake")
    fixed.locator("input.file-id").fill("forgets-decay")
    type_into_editor(page, fixed, FORGETS_DECAY)
    page.click("#validate-btn")
    wait_for_validation(page, "Validation passed")
    assert "FAIL" not in page.inner_text("#validation-checks")
    screenshot("instructor-authoring-valid")
    page.click("#publish-btn")
    page.wait_for_selector("text=Published sgd-weight-decay version 1")
    exercise = Exercise.objects.get(slug="sgd-weight-decay")
    assert exercise.current_version.number == 1
    assert "mistakes/forgets-decay.py" in exercise.current_version.files
    assert not ExerciseDraft.objects.exists()

    # A regrade of AdamW fans out to the worker; the progress bar fills and reports.
    page.goto(base + "/instructor/exercises/adamw/regrade/")
    page.click("#regrade-btn")
    page.wait_for_selector("#regrade-bar")
    page.locator("#regrade", has_text=re.compile("regraded: done")).wait_for(timeout=60_000)
    assert "1 of 1 regraded" in page.inner_text("#regrade")
    assert "No grade changed" in page.inner_text("#regrade")
    screenshot("instructor-regrade")

    # Exports: the grades and the submissions, as a spreadsheet would open them.
    page.goto(dashboard_url)
    with page.expect_download() as grades_info:
        page.click("#export-grades")
    grades = Path(grades_info.value.path()).read_bytes()
    assert grades.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(grades.decode("utf-8-sig"))))
    header, sam = rows[0], next(r for r in rows if r[0] == "sam")
    assert "adamw (best %)" in header
    adamw_score = float(sam[header.index("adamw (best %)")])
    assert 0 <= adamw_score < 100

    with page.expect_download() as submissions_info:
        page.click("#export-submissions")
    text = Path(submissions_info.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][-1] == "named mistakes"
    assert any(r[1] == "sam" and r[2] == "adamw" and r[-1] == "coupled-l2" for r in lines[1:])
