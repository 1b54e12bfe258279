"""A student's program with two known mistakes sees both named, each with where it shows."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from tests.browser.pages import log_in, replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Warmup from step / warmup_steps (starts at zero) and a decay one step too long.
TWO_MISTAKES = """\
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    length = max(1, total_steps - warmup_steps)
    return peak_lr + (final_lr - peak_lr) * min((step - warmup_steps) / length, 1.0)
"""


def test_a_two_mistake_schedule_is_named_twice_with_cases_and_steps(
    page, live_server, celery_worker, django_user_model, screenshot
):
    call_command("sync_bank", verbosity=0)
    django_user_model.objects.create_user("noor", password="noor-pass-123")
    log_in(page, live_server.url, "noor", "noor-pass-123")

    page.goto(live_server.url + "/exercises/linear-warmup-decay/")
    page.wait_for_selector(".tl-editor .cm-content")
    replace_code(page, TWO_MISTAKES)
    page.click("#submit-btn")
    page.wait_for_selector("#result .verdict-banner", timeout=60_000)

    diagnoses = page.locator("#result .diagnosis")
    assert diagnoses.count() == 2
    named = {diagnoses.nth(i).locator(".mistake-id").inner_text() for i in range(2)}
    assert named == {"warmup-off-by-one", "decay-length-off-by-one"}
    warmup = diagnoses.filter(
        has=page.locator(".mistake-id", has_text=re.compile("^warmup-off-by-one$"))
    )
    explains = warmup.locator(".diagnosis-explains li")
    assert explains.count() >= 2  # several cases, each with its own steps
    first = explains.first.inner_text()
    assert "step" in first and "together with decay-length-off-by-one" in first
    screenshot("two-mistakes-named")
