"""Logins and signups are throttled per account and per address, with a 429 that says
when to try again; nothing legitimate comes near the limits."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits(settings):
    settings.TRACELAB_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.TRACELAB_LOGIN_FAILURES_PER_ADDRESS = 5
    settings.TRACELAB_LOGIN_WINDOW_SECONDS = 600
    settings.TRACELAB_SIGNUPS_PER_ADDRESS = 2
    settings.TRACELAB_SIGNUP_ATTEMPTS_PER_ADDRESS = 4
    settings.TRACELAB_SIGNUP_WINDOW_SECONDS = 3600
    return settings


@pytest.fixture
def dave(django_user_model):
    return django_user_model.objects.create_user("dave", password="dave-pass-123")


def _login(client, username, password, address="198.51.100.7", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _signup(client, username, address="198.51.100.7", password="a-long-unusual-passphrase-9"):
    return client.post(
        reverse("signup"),
        {"username": username, "password1": password, "password2": password},
        REMOTE_ADDR=address,
    )


def _assert_throttled(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "Too many attempts" in page and "Try again in" in page


def test_failed_logins_lock_the_account_at_that_address(limits, dave, client):
    for _ in range(3):
        assert _login(client, "dave", "wrong").status_code == 200
    _assert_throttled(_login(client, "dave", "wrong"))
    # Even the right password waits: otherwise the lock would tell a guesser when it is right.
    _assert_throttled(_login(client, "dave", "dave-pass-123"))


def test_failures_from_other_addresses_do_not_lock_out_the_owner(limits, dave):
    attacker = Client()
    for n in range(4):
        _login(attacker, "dave", f"guess-{n}", address="203.0.113.66")
    _assert_throttled(_login(attacker, "dave", "guess-5", address="203.0.113.66"))
    owner = Client()
    response = _login(owner, "dave", "dave-pass-123", address="192.0.2.10")
    assert response.status_code == 302 and owner.session["_auth_user_id"]


def test_one_address_failing_on_many_accounts_is_locked(limits, django_user_model, client):
    for n in range(5):
        assert _login(client, f"user{n}", "wrong").status_code == 200
    _assert_throttled(_login(client, "someone-else", "wrong"))
    # Another address is not affected.
    assert _login(Client(), "user0", "wrong", address="192.0.2.10").status_code == 200


def test_successful_logins_never_count(limits, dave):
    for _ in range(20):
        client = Client()
        assert _login(client, "dave", "dave-pass-123").status_code == 302


def test_admin_login_is_throttled_too(limits, django_user_model, client):
    django_user_model.objects.create_superuser("root", password="root-pass-123")
    url = reverse("admin:login")
    for _ in range(3):
        assert _login(client, "root", "wrong", url=url).status_code == 200
    _assert_throttled(_login(client, "root", "root-pass-123", url=url))


def test_signups_per_address_are_limited(limits):
    assert _signup(Client(), "carol").status_code == 302
    assert _signup(Client(), "carla").status_code == 302
    _assert_throttled(_signup(Client(), "caro"))
    assert not get_user_model().objects.filter(username="caro").exists()
    assert _signup(Client(), "caro", address="192.0.2.10").status_code == 302


def test_failed_signup_attempts_per_address_are_limited(limits, dave):
    # Probing which usernames are taken costs attempts too.
    for _ in range(4):
        assert _signup(Client(), "dave").status_code == 200
    _assert_throttled(_signup(Client(), "dave"))


def test_the_client_address_comes_from_the_trusted_proxy(limits, dave, settings):
    settings.TRACELAB_PROXY_COUNT = 1
    # The proxy at 10.0.0.2 appends the address it saw; what the client sent is ignored.
    client = Client(HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.20")
    for n in range(5):
        assert _login(client, f"x{n}", "wrong", address="10.0.0.2").status_code == 200
    _assert_throttled(_login(client, "x9", "wrong", address="10.0.0.2"))
    # Another client behind the same proxy is not locked.
    other = Client(HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert _login(other, "dave", "dave-pass-123", address="10.0.0.2").status_code == 302


def test_an_unreachable_cache_lets_logins_through(limits, dave, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache away")

    monkeypatch.setattr("django_ratelimit.core.get_usage", broken)
    assert _login(Client(), "dave", "dave-pass-123").status_code == 302
    assert _login(Client(), "dave", "wrong").status_code == 200
