"""A student who forgot their password gets back in, in Chromium, under the site's
Content-Security-Policy: from the login page's link, through the emailed link (read from
Django's test outbox: the live server runs in a thread of this process), to logging in
with the new password."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.test_every_page_under_csp import Watcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_resets_a_forgotten_password_and_logs_in(
    page, live_server, django_user_model, screenshot
):
    django_user_model.objects.create_user(
        "rosa", email="rosa@example.org", password="long-forgotten-pass-1"
    )
    base = live_server.url
    watcher = Watcher(page)
    mail.outbox.clear()

    watcher.visit(base + "/accounts/login/")
    with page.expect_navigation():
        page.click("text=Forgot your password?")
    watcher.check()
    page.fill("input[name=email]", "rosa@example.org")
    with page.expect_navigation(url=f"{base}/accounts/password/reset/sent/"):
        page.click("button:has-text('Send the link')")
    watcher.check()
    assert page.locator("h1").inner_text() == "Check your email"

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)
    assert link.startswith(base)  # the site's own address, as the browser asked for it

    # The link lands on the form at an address without the token.
    watcher.visit(link)
    assert page.url.endswith("/set-password/")
    screenshot("password-reset-new-password")
    page.fill("input[name=new_password1]", "a-fresh-start-phrase-8")
    page.fill("input[name=new_password2]", "a-fresh-start-phrase-8")
    with page.expect_navigation(url=f"{base}/accounts/password/reset/done/"):
        page.click("button:has-text('Set the new password')")
    watcher.check()

    with page.expect_navigation(url=f"{base}/accounts/login/"):
        page.click("main a:has-text('Log in')")
    watcher.check()
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "a-fresh-start-phrase-8")
    with page.expect_navigation(url=f"{base}/"):
        page.click("button[type=submit]")
    watcher.check()
    assert page.locator(".nav-user").inner_text() == "rosa"

    # The link was for one use: opened again, it says so.
    watcher.visit(link)
    assert page.locator("h1").inner_text() == "This link no longer works"
