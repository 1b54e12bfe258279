import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coursesite.settings import env_bool, env_int, env_str

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("TRACELAB_FLAG", raw)
    assert env_bool("TRACELAB_FLAG") is expected


def test_env_bool_uses_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("TRACELAB_FLAG", raising=False)
    assert env_bool("TRACELAB_FLAG", True) is True
    monkeypatch.setenv("TRACELAB_FLAG", "")
    assert env_bool("TRACELAB_FLAG", False) is False


def test_env_bool_rejects_other_words(monkeypatch):
    monkeypatch.setenv("TRACELAB_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TRACELAB_FLAG"):
        env_bool("TRACELAB_FLAG")


def test_env_int_reads_and_defaults(monkeypatch):
    monkeypatch.setenv("TRACELAB_NUMBER", " 42 ")
    assert env_int("TRACELAB_NUMBER", 7) == 42
    monkeypatch.delenv("TRACELAB_NUMBER")
    assert env_int("TRACELAB_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["12a", "1.5", "lots"])
def test_env_int_rejects_non_integers(monkeypatch, raw):
    monkeypatch.setenv("TRACELAB_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="TRACELAB_NUMBER must be an integer"):
        env_int("TRACELAB_NUMBER", 7)


def test_env_int_rejects_values_below_minimum(monkeypatch):
    monkeypatch.setenv("TRACELAB_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("TRACELAB_NUMBER", 7, minimum=1)


def test_env_str_requires_a_value_without_default(monkeypatch):
    monkeypatch.delenv("TRACELAB_TEXT", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TRACELAB_TEXT must be set"):
        env_str("TRACELAB_TEXT")
    assert env_str("TRACELAB_TEXT", "fallback") == "fallback"


def test_env_str_rejects_values_outside_choices(monkeypatch):
    monkeypatch.setenv("TRACELAB_TEXT", "memcached")
    with pytest.raises(ImproperlyConfigured, match="locmem, redis"):
        env_str("TRACELAB_TEXT", "locmem", choices=("locmem", "redis"))


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRACELAB_") and k != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, "-c", "import coursesite.settings as s; print(s.SECRET_KEY[:8])"],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_without_secret_key_fails():
    completed = _import_settings()
    assert completed.returncode != 0
    assert "ImproperlyConfigured: TRACELAB_SECRET_KEY must be set" in completed.stderr


def test_debug_start_gets_a_fixed_dev_key():
    completed = _import_settings(TRACELAB_DEBUG="1")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "insecure"


def test_bad_cache_choice_fails_at_start():
    completed = _import_settings(TRACELAB_SECRET_KEY="k" * 50, TRACELAB_CACHE="memcached")
    assert completed.returncode != 0
    assert "TRACELAB_CACHE must be one of locmem, redis" in completed.stderr
