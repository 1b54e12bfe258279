"""Throttling of logins, signups and password reset requests, per account and per address.

The counters are django-ratelimit's, kept in the configured cache (Redis in production,
so every web process shares them). Only failures count against a login: a class logging
in all at once from one address, the test suite or a benchmark never comes near a
limit. The limits:

- failed logins per account *at an address*: a guesser is stopped, even with the right
  password (else the lock would tell them when they guessed it), while the account's
  owner logging in from anywhere else is not blocked by someone else's failures;
- failed logins per address, whatever the accounts: spraying one password over many;
- signup attempts and accounts created per address;
- password reset requests per address, and per email address from anywhere: nobody
  fills a student's mailbox. Every request counts, whether or not an account has that
  email, so the limit tells nothing about accounts either. Someone using up a student's
  allowance cannot lock them out: each link already sent still works.

Each limit counts in a fixed window (TRACELAB_*_WINDOW_SECONDS); the answer past it is a
429 with Retry-After and a page saying when to try again. The library cannot reset a
counter, so failures before a successful login run out with their window; successful
logins are never counted. If the cache cannot be reached, requests go through (and a
warning is logged): a cache outage must not lock everybody out.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import django_ratelimit.core as ratelimit
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRACELAB_PROXY_COUNT reverse proxies
    the entry they appended to X-Forwarded-For (entries a client sent are not trusted)."""
    address = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    proxies = getattr(settings, "TRACELAB_PROXY_COUNT", 0)
    if proxies:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [p for p in chain if p]
        if len(chain) >= proxies:
            candidate = chain[-proxies]
            try:
                address = str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("X-Forwarded-For holds no address: %r", candidate)
    return address


def _address_key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _requested_email(request: HttpRequest) -> str:
    # casefold, as the reset form finds accounts with email__iexact
    return str(request.POST.get("email", "")).strip().casefold()


def _email_key(group: str, request: HttpRequest) -> str:
    return _requested_email(request)


def _account_key(group: str, request: HttpRequest) -> str:
    username = str(request.POST.get("username", "")).strip().casefold()
    return f"{username}\n{client_address(request)}"


@dataclass(frozen=True)
class Limit:
    group: str
    key: Callable[[str, HttpRequest], str]
    count_setting: str
    window_setting: str

    @property
    def rate(self) -> str:
        count = getattr(settings, self.count_setting)
        return f"{count}/{getattr(settings, self.window_setting)}s"


LOGIN_ACCOUNT = Limit(
    "login-account",
    _account_key,
    "TRACELAB_LOGIN_FAILURES_PER_ACCOUNT",
    "TRACELAB_LOGIN_WINDOW_SECONDS",
)
LOGIN_ADDRESS = Limit(
    "login-address",
    _address_key,
    "TRACELAB_LOGIN_FAILURES_PER_ADDRESS",
    "TRACELAB_LOGIN_WINDOW_SECONDS",
)
SIGNUP_ATTEMPTS = Limit(
    "signup-attempts",
    _address_key,
    "TRACELAB_SIGNUP_ATTEMPTS_PER_ADDRESS",
    "TRACELAB_SIGNUP_WINDOW_SECONDS",
)
SIGNUP_ACCOUNTS = Limit(
    "signup-accounts",
    _address_key,
    "TRACELAB_SIGNUPS_PER_ADDRESS",
    "TRACELAB_SIGNUP_WINDOW_SECONDS",
)
RESET_ADDRESS = Limit(
    "reset-address",
    _address_key,
    "TRACELAB_RESET_REQUESTS_PER_ADDRESS",
    "TRACELAB_RESET_WINDOW_SECONDS",
)
RESET_EMAIL = Limit(
    "reset-email",
    _email_key,
    "TRACELAB_RESET_REQUESTS_PER_EMAIL",
    "TRACELAB_RESET_WINDOW_SECONDS",
)


def _usage(limit: Limit, request: HttpRequest, *, increment: bool) -> dict[str, Any] | None:
    try:
        return ratelimit.get_usage(
            request, group=limit.group, key=limit.key, rate=limit.rate, increment=increment
        )
    except Exception as exc:  # noqa: BLE001 - any cache failure: let the request through
        logger.warning("throttle %s: counters unavailable (%s)", limit.group, exc)
        return None


def wait_seconds(request: HttpRequest, *limits: Limit) -> int | None:
    """Seconds until the first of `limits` that is used up allows again; None if none is."""
    waits = []
    for limit in limits:
        usage = _usage(limit, request, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            waits.append(max(1, usage["time_left"]))
    return max(waits) if waits else None


def count(request: HttpRequest, *limits: Limit) -> None:
    """Count one event against each of `limits`."""
    for limit in limits:
        _usage(limit, request, increment=True)


def too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    """429 with Retry-After and a page that says how long to wait."""
    minutes = math.ceil(seconds / 60)
    response = HttpResponse(
        render_to_string(
            "registration/throttled.html",
            {"seconds": seconds, "minutes": minutes},
            request=request,
        ),
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def login_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a login POST while its account (at this address) or its address is locked.

    Failures are counted by the `user_login_failed` signal below, whichever login view
    (the site's or the admin's) asked.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            seconds = wait_seconds(request, LOGIN_ACCOUNT, LOGIN_ADDRESS)
            if seconds is not None:
                logger.warning(
                    "login throttled for %s, %d s left", client_address(request), seconds
                )
                return too_many(request, seconds)
        return view(request, *args, **kwargs)

    return wrapper


def password_reset_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a reset request while its address or its email address is used up; count
    every request that goes through (one with a blank email against its address only)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            seconds = wait_seconds(request, RESET_ADDRESS, RESET_EMAIL)
            if seconds is not None:
                logger.warning(
                    "password reset throttled for %s, %d s left", client_address(request), seconds
                )
                return too_many(request, seconds)
            count(request, RESET_ADDRESS, *([RESET_EMAIL] if _requested_email(request) else []))
        return view(request, *args, **kwargs)

    return wrapper


@receiver(user_login_failed, dispatch_uid="coursesite.throttle.login_failed")
def _login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kw):
    if request is not None and request.method == "POST":
        count(request, LOGIN_ACCOUNT, LOGIN_ADDRESS)
