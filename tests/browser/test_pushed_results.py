"""The verdict is pushed to the page over an event stream, from the real ASGI server; where
the stream cannot be opened, the page polls instead and still shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from exercises.management.bench_support import logged_in_students
from tests.browser.pages import replace_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"


def _submit_and_wait(page, base: str, code: str) -> list[str]:
    """Submit `code` on the AdamW page; the paths the page asked for from the click on."""
    page.goto(base + "/exercises/adamw/")
    page.wait_for_selector(".tl-editor .cm-content")
    replace_code(page, code)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url.removeprefix(base)))
    page.click("#submit-btn")
    page.wait_for_selector("#result .verdict-banner", timeout=60_000)
    return asked


@pytest.fixture
def student(page, asgi_web_server, celery_worker):
    """A logged-in student's browser (a session written to the database: the server is
    another process, and this one's test password hasher is not its)."""
    call_command("sync_bank", verbosity=0)
    (session,) = logged_in_students("pushed-", 1)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": asgi_web_server.url,
            }
        ]
    )
    return asgi_web_server.url


def test_the_verdict_arrives_on_the_event_stream_without_a_single_poll(page, student):
    asked = _submit_and_wait(page, student, (BANK / "solution.py").read_text())

    assert "Passed" in page.locator("#result .verdict-label").inner_text()
    assert [path for path in asked if path.endswith("/fragment")] == []
    assert len([path for path in asked if path.endswith("/events")]) == 1
    assert len([path for path in asked if path.startswith("/api/")]) == 1
    # The attempt that just finished is in the history table, as after a reload.
    assert page.locator("#history-body tbody tr").count() == 1


def test_with_the_event_stream_blocked_the_page_polls_and_shows_the_verdict(page, student):
    page.route("**/events", lambda route: route.abort())

    asked = _submit_and_wait(page, student, (BANK / "mistakes" / "coupled-l2.py").read_text())

    result = page.locator("#result")
    assert "Failed" in result.locator(".verdict-label").inner_text()
    assert "coupled-l2" in result.inner_text()
    assert [path for path in asked if path.endswith("/fragment")]
