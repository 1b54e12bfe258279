"""A new student's whole journey through one lesson, in Chromium, with a real worker.

Sign up, read the AdamW lesson, open a worked answer, fail and then pass the mastery
quiz, submit a wrong AdamW and see the named mistake and the plot of the path, fix it,
and see the lesson complete and the track's progress move. Screenshots of the key pages
(desktop and phone width) go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from exercises.models import Lesson, QuizAttempt, QuizItem
from tests.browser.pages import replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "exercises" / "bank"
LESSON = "adam-and-adamw"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def load_course(scratch: Path) -> None:
    """The whole bank: its exercises and the real Optimization track."""
    call_command("sync_bank", verbosity=0)
    assert Lesson.objects.filter(slug=LESSON, active=True).exists()


def sign_up(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def answer_quiz(page, *, username: str, right: bool) -> None:
    """Tick every item's right (or a wrong) option, found through the attempt's stored order."""
    attempt = QuizAttempt.objects.filter(user__username=username, submitted_at=None).latest("id")
    answers = dict(QuizItem.objects.filter(lesson=attempt.lesson).values_list("key", "answer"))
    for key, order in attempt.order.items():
        position = (
            order.index(answers[key])
            if right
            else next(p for p, original in enumerate(order) if original != answers[key])
        )
        page.check(f"input[name='item-{key}'][value='{position}']")


def progress_text(page) -> str:
    return page.locator(".progress-label").first.inner_text()


def test_new_student_learns_quizzes_and_solves_adamw(
    page, live_server, celery_worker, screenshot, tmp_path
):
    load_course(tmp_path)
    base = live_server.url
    lesson = Lesson.objects.select_related("track").get(slug=LESSON)
    total = Lesson.objects.filter(track=lesson.track, active=True).count()

    # Sign up and land on the catalogue.
    sign_up(page, base, "nora", "nora-pass-123!")
    assert f"0 of {total}" in progress_text(page)
    assert page.locator(".continue-card").count() == 1
    screenshot("journey-01-home-new-student")

    # The skip link is the first stop for the keyboard.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    # Read the lesson: math is typeset, a worked answer opens from the keyboard.
    page.click(f"a.lesson-link[href='/lessons/{LESSON}/']")
    page.wait_for_url(f"{base}/lessons/{LESSON}/")
    assert page.locator(".lesson-body .katex").count() > 0
    assert re.search(r"Step \d+ of \d+", page.locator(".step-label").inner_text())
    answer = page.locator(".practice-answer").first
    assert not answer.evaluate("el => el.open")
    answer.locator("summary").focus()
    page.keyboard.press("Enter")
    assert answer.evaluate("el => el.open")
    assert answer.locator(".prose").is_visible()
    screenshot("journey-02-lesson")
    page.set_viewport_size(PHONE)
    screenshot("journey-02-lesson-phone")
    page.set_viewport_size(DESKTOP)

    # The quiz: fail it first.
    page.click("a.button:has-text('Take the quiz')")
    page.wait_for_url(f"{base}/lessons/{LESSON}/quiz/")
    items = QuizItem.objects.filter(lesson=lesson, active=True).count()
    assert page.locator("fieldset").count() == items
    screenshot("journey-03-quiz")
    answer_quiz(page, username="nora", right=False)
    page.click("button:has-text('Submit answers')")
    page.wait_for_url(re.compile(r".*/quiz/attempts/\d+/$"))
    assert "Not passed yet" in page.locator(".verdict-banner").inner_text()
    assert page.locator(".answer-wrong").count() == items
    assert page.locator(".explanation").first.is_visible()
    screenshot("journey-04-quiz-failed")

    # Then pass it: the options come in a fresh order.
    page.click("a.button:has-text('Try again')")
    page.wait_for_url(f"{base}/lessons/{LESSON}/quiz/")
    answer_quiz(page, username="nora", right=True)
    page.click("button:has-text('Submit answers')")
    page.wait_for_url(re.compile(r".*/quiz/attempts/\d+/$"))
    assert "Passed" in page.locator(".verdict-banner").inner_text()
    assert "The lesson is complete" in page.content()
    screenshot("journey-05-quiz-passed")

    # The exercise, from the lesson page.
    page.goto(f"{base}/lessons/{LESSON}/")
    page.click("a[href='/exercises/adamw/']")
    page.wait_for_selector(".tl-editor .cm-content")
    assert "Back to the lesson" in page.content()
    assert re.search(r"Step \d+ of \d+ · exercise \d+ of \d+", page.content())

    # A wrong AdamW: the named mistake and the path on the loss surface.
    replace_code(page, (BANK / "adamw" / "mistakes" / "coupled-l2.py").read_text())
    page.click("#submit-btn")
    page.wait_for_selector("#result .verdict-banner", timeout=60_000)
    result = page.locator("#result")
    assert "Failed" in result.locator(".verdict-label").inner_text()
    assert "coupled-l2" in result.locator(".diagnoses").inner_text()
    plot = result.locator("details.case-plots[open] figure.plot-path svg")
    assert plot.count() == 1
    assert plot.locator("polyline").count() >= 2  # the student's path and the reference
    assert result.locator("figure.plot-error svg").count() >= 1
    screenshot("journey-06-exercise-failed")
    page.set_viewport_size(PHONE)
    result.scroll_into_view_if_needed()
    screenshot("journey-06-exercise-failed-phone")
    page.set_viewport_size(DESKTOP)

    # Fix it and pass.
    replace_code(page, (BANK / "adamw" / "solution.py").read_text())
    page.keyboard.press("Control+Enter")
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator("#result .verdict-label", has_text=re.compile("Passed")).wait_for(timeout=60_000)
    assert "100%" in result.inner_text()
    # The history below the editor now lists both attempts, newest first.
    rows = page.locator("#history-body tbody tr")
    assert rows.count() == 2
    assert "Passed" in rows.first.inner_text()
    screenshot("journey-07-exercise-passed")

    # The draft survives a reload, and Reset brings the starter back.
    page.locator(".tl-editor .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n# a note to self\n")
    key = page.get_attribute("#exercise", "data-draft-key")
    for _ in range(100):  # the page saves the draft a moment after the last keystroke
        if "a note to self" in (page.evaluate("key => localStorage.getItem(key)", key) or ""):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the draft was not saved in localStorage")
    page.reload()
    page.wait_for_selector(".tl-editor .cm-content")
    # CodeMirror renders only the lines in view; the textarea behind it holds the text.
    code = "document.getElementById('code').value"
    assert "a note to self" in page.evaluate(code)
    assert "Restored your unsent draft" in page.locator("#draft-status").inner_text()
    page.click("#reset-btn")
    assert "a note to self" not in page.evaluate(code)
    assert "update the running averages" in page.evaluate(code)

    # The editor is no keyboard trap: Escape, then Tab, moves on to the Submit button.
    page.locator(".tl-editor .cm-content").click()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "submit-btn"

    # Back on the catalogue: the lesson is complete and the track has moved on.
    page.goto(base + "/")
    assert f"1 of {total}" in progress_text(page)
    item = page.locator(f"li.lesson-item:has(a[href='/lessons/{LESSON}/'])")
    assert "Complete" in item.locator(".state-tag").first.inner_text()
    assert "Solved" in item.inner_text()
    screenshot("journey-08-home-after")
    page.set_viewport_size(PHONE)
    screenshot("journey-08-home-after-phone")
    page.set_viewport_size(DESKTOP)

    # And on "My progress".
    page.click("nav.site-nav a:has-text('My progress')")
    page.wait_for_url(base + "/me/progress/")
    assert "1 / " in page.locator(".stat").first.inner_text()
    assert page.locator("text=bias-correction").count() >= 1
    screenshot("journey-09-my-progress")
