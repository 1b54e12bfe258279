"""Security settings read from the environment, checked in a fresh interpreter each."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _settings(*names: str, **env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRACELAB_") and k != "DJANGO_SETTINGS_MODULE"
    }
    code = (
        "import json, coursesite.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**clean, "TRACELAB_SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


HSTS = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")


def test_https_sends_hsts_for_a_year_by_default_without_subdomains_or_preload():
    assert _settings(*HSTS, TRACELAB_HTTPS="1") == {
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_hsts_is_overridable():
    assert _settings(
        *HSTS,
        TRACELAB_HTTPS="1",
        TRACELAB_HSTS_SECONDS="600",
        TRACELAB_HSTS_INCLUDE_SUBDOMAINS="1",
        TRACELAB_HSTS_PRELOAD="yes",
    ) == {
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }
    assert _settings(*HSTS, TRACELAB_HTTPS="1", TRACELAB_HSTS_SECONDS="0")[HSTS[0]] == 0


def test_plain_http_sends_no_hsts():
    # Browsers ignore the header over HTTP anyway; a plain-HTTP run must not promise HTTPS.
    assert not _settings(*HSTS)["SECURE_HSTS_SECONDS"]


THROTTLES = (
    "TRACELAB_LOGIN_FAILURES_PER_ACCOUNT",
    "TRACELAB_LOGIN_FAILURES_PER_ADDRESS",
    "TRACELAB_LOGIN_WINDOW_SECONDS",
    "TRACELAB_SIGNUP_ATTEMPTS_PER_ADDRESS",
    "TRACELAB_SIGNUPS_PER_ADDRESS",
    "TRACELAB_SIGNUP_WINDOW_SECONDS",
    "TRACELAB_PROXY_COUNT",
)


def test_throttle_thresholds_have_defaults_and_are_overridable():
    defaults = _settings(*THROTTLES)
    assert defaults == {
        "TRACELAB_LOGIN_FAILURES_PER_ACCOUNT": 10,
        "TRACELAB_LOGIN_FAILURES_PER_ADDRESS": 100,
        "TRACELAB_LOGIN_WINDOW_SECONDS": 900,
        "TRACELAB_SIGNUP_ATTEMPTS_PER_ADDRESS": 100,
        "TRACELAB_SIGNUPS_PER_ADDRESS": 50,
        "TRACELAB_SIGNUP_WINDOW_SECONDS": 3600,
        "TRACELAB_PROXY_COUNT": 0,
    }
    overridden = _settings(*THROTTLES, **{name: "7" for name in THROTTLES})
    assert set(overridden.values()) == {7}
