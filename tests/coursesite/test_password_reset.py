"""A student who forgot their password gets back in by email: the link works once and
expires, the pages never tell whether an account has an address, requests are throttled,
and the mail goes out over SMTP only when a server is named."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OLD_PASSWORD = "old-pass-phrase-41"
NEW_PASSWORD = "a-brand-new-passphrase-7"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(
        "alice", email="alice@example.org", password=OLD_PASSWORD
    )


def _request_reset(client, email: str, address: str = "198.51.100.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _link_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def _set_password(client, link: str, password: str = NEW_PASSWORD):
    """Open the link as the email gives it, then post the new password to the form."""
    opened = client.get(link)
    assert opened.status_code == 302
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def _can_log_in(username: str, password: str) -> bool:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


# -- the flow -----------------------------------------------------------------------------
def test_login_page_offers_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Forgot your password?" in page


def test_forgotten_password_is_replaced_through_the_emailed_link(client, alice):
    assert client.get(reverse("password_reset")).status_code == 200
    # Any case finds the account: Django matches the address with iexact.
    response = _request_reset(client, "Alice@Example.ORG")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "Check your email" in client.get(response["Location"]).content.decode()

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Your TraceLab password reset link"
    assert '"alice"' in message.body and "within 1 hour" in message.body
    assert message.alternatives == []  # plain text only

    done = _set_password(client, _link_path(message))
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert "Password changed" in client.get(done["Location"]).content.decode()
    assert _can_log_in("alice", NEW_PASSWORD)
    assert not _can_log_in("alice", OLD_PASSWORD)


def test_unknown_email_gets_the_same_answer_and_nothing_is_sent(client, alice):
    known = _request_reset(Client(), "alice@example.org")
    mail.outbox.clear()
    unknown = _request_reset(client, "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert mail.outbox == []
    page = client.get(unknown["Location"]).content.decode()
    assert "If an account has that email address" in page


def test_the_link_works_only_once(client, alice):
    _request_reset(client, "alice@example.org")
    link = _link_path(mail.outbox[0])
    assert _set_password(client, link).status_code == 302

    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
    assert _set_password_refused(link, "yet-another-passphrase-3")
    assert _can_log_in("alice", NEW_PASSWORD)


def _set_password_refused(link: str, password: str) -> bool:
    client = Client()
    opened = client.get(link)
    target = opened["Location"] if opened.status_code == 302 else link
    response = client.post(target, {"new_password1": password, "new_password2": password})
    return response.status_code == 200 and "This link no longer works" in response.content.decode()


def test_an_expired_link_is_refused(client, alice, settings):
    _request_reset(client, "alice@example.org")
    link = _link_path(mail.outbox[0])
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        page = client.get(link, follow=True).content.decode()
        assert "This link no longer works" in page
        assert _set_password_refused(link, NEW_PASSWORD)
    assert _can_log_in("alice", OLD_PASSWORD)


def test_a_link_still_works_just_before_it_expires(client, alice, settings):
    _request_reset(client, "alice@example.org")
    link = _link_path(mail.outbox[0])
    soon = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=soon):
        assert _set_password(client, link).status_code == 302
    assert _can_log_in("alice", NEW_PASSWORD)


def test_the_email_says_how_long_the_link_works(client, alice, settings):
    settings.PASSWORD_RESET_TIMEOUT = 1800
    _request_reset(client, "alice@example.org")
    assert "within 30 minutes" in mail.outbox[0].body


def test_a_new_password_logs_out_every_other_session(client, alice):
    elsewhere = Client()
    elsewhere.force_login(alice)
    assert elsewhere.get(reverse("my_progress")).status_code == 200
    _request_reset(client, "alice@example.org")
    _set_password(client, _link_path(mail.outbox[0]))
    response = elsewhere.get(reverse("my_progress"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_token_leaves_the_address_before_the_form_is_shown(client, alice):
    """The set-password page's own URL holds no token, so neither history nor a Referer
    can carry it; the pages send Referer only to the site itself, and run no inline
    script under the Content-Security-Policy."""
    _request_reset(client, "alice@example.org")
    link = _link_path(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    opened = client.get(link)
    assert opened.status_code == 302
    assert token not in opened["Location"] and opened["Location"].endswith("/set-password/")
    form = client.get(opened["Location"])
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    assert token not in form.content.decode()
    for response in (opened, form):
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in form["Content-Security-Policy"]
    assert "<script" not in form.content.decode()


# -- throttling ---------------------------------------------------------------------------
@pytest.fixture
def limits(settings):
    settings.TRACELAB_RESET_REQUESTS_PER_ADDRESS = 3
    settings.TRACELAB_RESET_REQUESTS_PER_EMAIL = 2
    settings.TRACELAB_RESET_WINDOW_SECONDS = 3600
    return settings


def _assert_throttled(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "Too many attempts" in page and "Try again in" in page


def test_one_email_address_gets_few_links_from_anywhere(limits, alice):
    for address in ("192.0.2.1", "192.0.2.2"):
        assert _request_reset(Client(), "alice@example.org", address).status_code == 302
    # Any spelling of the same address counts against it.
    _assert_throttled(_request_reset(Client(), "ALICE@example.org ", "192.0.2.3"))
    assert len(mail.outbox) == 2


def test_an_unknown_email_address_is_throttled_alike(limits):
    """Counting only addresses with an account would tell which have one."""
    for address in ("192.0.2.1", "192.0.2.2"):
        assert _request_reset(Client(), "nobody@example.org", address).status_code == 302
    _assert_throttled(_request_reset(Client(), "nobody@example.org", "192.0.2.3"))


def test_one_address_asking_for_many_emails_is_throttled(limits, alice, client):
    for n in range(3):
        assert _request_reset(client, f"student{n}@example.org").status_code == 302
    _assert_throttled(_request_reset(client, "alice@example.org"))
    assert mail.outbox == []
    # Another address is not held up by it.
    assert _request_reset(Client(), "alice@example.org", "203.0.113.9").status_code == 302


def test_viewing_the_reset_page_is_never_throttled(limits, client):
    for _ in range(5):
        assert client.get(reverse("password_reset")).status_code == 200


# -- signing up with an email ------------------------------------------------------------
def _signup(client, **extra: str):
    password = "a-long-unusual-passphrase-9"
    return client.post(
        reverse("signup"),
        {"username": "carol", "password1": password, "password2": password, **extra},
    )


def test_signup_stores_the_email_address(client, django_user_model):
    assert _signup(client, email="carol@example.org").status_code == 302
    assert django_user_model.objects.get(username="carol").email == "carol@example.org"


def test_signup_without_an_email_address_still_works(client, django_user_model):
    assert _signup(client).status_code == 302
    assert django_user_model.objects.get(username="carol").email == ""


def test_signup_refuses_a_malformed_email_address(client, django_user_model):
    response = _signup(client, email="carol-at-example")
    assert response.status_code == 200
    assert not django_user_model.objects.filter(username="carol").exists()


def test_signup_form_says_why_an_email_address_matters(client):
    page = client.get(reverse("signup")).content.decode()
    assert 'name="email"' in page
    assert "Without it, a forgotten password cannot be reset" in page


def test_an_account_made_at_signup_can_be_reset(client):
    _signup(client, email="carol@example.org")
    client.post(reverse("logout"))
    _request_reset(client, "carol@example.org")
    assert _set_password(client, _link_path(mail.outbox[0])).status_code == 302
    assert _can_log_in("carol", NEW_PASSWORD)


# -- where the mail goes ------------------------------------------------------------------
EMAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
    "PASSWORD_RESET_TIMEOUT",
)


def _fresh_settings(**env: str) -> subprocess.CompletedProcess:
    """The settings a fresh interpreter reads from exactly this environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRACELAB_") and k != "DJANGO_SETTINGS_MODULE"
    }
    code = (
        "import json, coursesite.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(EMAIL_SETTINGS)!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**clean, "TRACELAB_SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _email_settings(**env: str) -> dict:
    completed = _fresh_settings(**env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_mail_is_printed_on_the_console_without_an_smtp_server():
    chosen = _email_settings()
    assert chosen["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert chosen["PASSWORD_RESET_TIMEOUT"] == 3600


def test_naming_an_smtp_server_sends_over_smtp_with_starttls_on_587():
    chosen = _email_settings(
        TRACELAB_EMAIL_HOST="smtp.example.org",
        TRACELAB_EMAIL_HOST_USER="tracelab",
        TRACELAB_EMAIL_HOST_PASSWORD="s3cret",
        TRACELAB_EMAIL_FROM="TraceLab <tracelab@example.org>",
        TRACELAB_RESET_LINK_SECONDS="900",
    )
    assert chosen == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "tracelab",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "TraceLab <tracelab@example.org>",
        "PASSWORD_RESET_TIMEOUT": 900,
    }


def test_smtp_over_ssl_defaults_to_port_465_without_starttls():
    chosen = _email_settings(TRACELAB_EMAIL_HOST="smtp.example.org", TRACELAB_EMAIL_USE_SSL="1")
    assert (chosen["EMAIL_PORT"], chosen["EMAIL_USE_SSL"], chosen["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    chosen = _email_settings(
        TRACELAB_EMAIL_HOST="smtp.example.org",
        TRACELAB_EMAIL_USE_TLS="0",
        TRACELAB_EMAIL_PORT="2525",
    )
    assert (chosen["EMAIL_PORT"], chosen["EMAIL_USE_SSL"], chosen["EMAIL_USE_TLS"]) == (
        2525,
        False,
        False,
    )


def test_tls_and_ssl_together_fail_at_start():
    completed = _fresh_settings(
        TRACELAB_EMAIL_HOST="smtp.example.org",
        TRACELAB_EMAIL_USE_TLS="1",
        TRACELAB_EMAIL_USE_SSL="1",
    )
    assert completed.returncode != 0
    assert "TRACELAB_EMAIL_USE_TLS and TRACELAB_EMAIL_USE_SSL" in completed.stderr


def test_a_link_lifetime_under_a_minute_fails_at_start():
    completed = _fresh_settings(TRACELAB_RESET_LINK_SECONDS="5")
    assert completed.returncode != 0
    assert "TRACELAB_RESET_LINK_SECONDS must be at least 60" in completed.stderr
