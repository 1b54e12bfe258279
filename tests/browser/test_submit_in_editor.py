"""A student logs in, writes AdamW in the real editor, submits and sees the verdict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def replace_code(page, code: str) -> None:
    """Type into CodeMirror the way a person does: focus, select all, then keystrokes and text."""
    editor = page.locator(".tl-editor .cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("# my AdamW")
    page.keyboard.press("Enter")
    # The editor auto-indents on Enter, so the body goes in as one text insertion.
    page.keyboard.insert_text(code)


def test_student_submits_wrong_then_right_adamw_and_sees_verdicts(
    page, live_server, celery_worker, django_user_model, screenshot
):
    call_command("sync_bank", verbosity=0)
    django_user_model.objects.create_user("dana", password="dana-pass-123")
    log_in(page, live_server.url, "dana", "dana-pass-123")

    page.goto(live_server.url + "/exercises/adamw/")
    page.wait_for_selector(".tl-editor .cm-content")
    assert "adamw_step" in page.locator(".tl-editor").inner_text()  # pre-filled with the starter
    assert page.locator(".katex").count() > 0  # the statement's math is typeset

    replace_code(page, (BANK / "mistakes" / "coupled-l2.py").read_text())
    page.click("#submit-btn")
    page.wait_for_selector("#result .verdict-banner", timeout=60_000)
    result = page.locator("#result")
    assert "Failed" in result.locator(".verdict-label").inner_text()
    assert "coupled-l2" in result.inner_text()
    assert "Step" in result.locator(".divergence").first.inner_text()
    screenshot("exercise-failed")

    replace_code(page, (BANK / "solution.py").read_text())
    page.keyboard.press("Control+Enter")
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator("#result .verdict-label", has_text=re.compile("Passed")).wait_for(timeout=60_000)
    assert "100%" in result.inner_text()
    screenshot("exercise-passed")
