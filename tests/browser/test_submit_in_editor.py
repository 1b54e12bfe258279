"""A student logs in, writes AdamW in the real editor, submits and sees the verdict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.pages import log_in, replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"


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

    replace_code(
        page, first_line="# my AdamW", code=(BANK / "mistakes" / "coupled-l2.py").read_text()
    )
    page.click("#submit-btn")
    page.wait_for_selector("#result .verdict-banner", timeout=60_000)
    result = page.locator("#result")
    assert "Failed" in result.locator(".verdict-label").inner_text()
    assert "coupled-l2" in result.inner_text()
    assert "Step" in result.locator(".divergence").first.inner_text()
    screenshot("exercise-failed")

    replace_code(page, (BANK / "solution.py").read_text(), first_line="# my AdamW")
    page.keyboard.press("Control+Enter")
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator("#result .verdict-label", has_text=re.compile("Passed")).wait_for(timeout=60_000)
    assert "100%" in result.inner_text()
    screenshot("exercise-passed")
