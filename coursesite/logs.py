"""Log lines as JSON, each carrying what it is about: the request, the task, the submission.

A request (coursesite/monitoring.py) and a Celery task (coursesite/celery.py) each open a
scope: a dict in a context variable, holding the request id, the task id and, once it is
known, the submission id. `annotate` adds to the current scope (outside any scope it does
nothing, so a command that creates many submissions never labels later lines with an
earlier one). `ContextFilter`, on the handler, copies the scope onto every record, so any
logger's lines carry it, Django's, Celery's and the grader's alike.

This module imports neither Django nor Celery: settings and gunicorn's config use it
before either is set up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

FORMATS = ("json", "text")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

# The fields a scope may carry, in the order text lines show them.
FIELDS = ("request_id", "task_id", "task", "submission_id")

_scope: ContextVar[dict[str, Any] | None] = ContextVar("tracelab_log_scope", default=None)


def open_scope(**fields: Any) -> Token:
    """Start a scope with these fields (None values are left out); close it with the token."""
    return _scope.set({key: value for key, value in fields.items() if value is not None})


def close_scope(token: Token) -> None:
    _scope.reset(token)


@contextmanager
def scope(**fields: Any) -> Iterator[dict[str, Any]]:
    """A scope for the duration of a block (a request, a task)."""
    token = open_scope(**fields)
    try:
        yield _scope.get()
    finally:
        close_scope(token)


def annotate(**fields: Any) -> None:
    """Add fields to the current scope, e.g. the submission a request just created."""
    current = _scope.get()
    if current is not None:
        current.update({key: value for key, value in fields.items() if value is not None})


def current() -> dict[str, Any]:
    """A copy of the current scope's fields (empty outside any scope)."""
    return dict(_scope.get() or {})


class ContextFilter(logging.Filter):
    """Copies the current scope's fields onto each record (never over the record's own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_scope.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time (UTC), level, logger, pid, message, then the record's
    extra fields (the scope's and any `extra=` of the call)."""

    def __init__(self) -> None:
        super().__init__(
            "{asctime}{levelname}{name}{process}{message}",
            style="{",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "process": "pid",
            },
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """The readable form (TRACELAB_LOG_FORMAT=text), with the scope's fields at the end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{key}={getattr(record, key)}" for key in FIELDS if hasattr(record, key)
        )
        return f"{line} [{context}]" if context else line


def logging_config(*, format: str = "json", level: str = "INFO") -> dict[str, Any]:
    """The dictConfig of Django, Celery and gunicorn: everything to stderr, one formatter.

    gunicorn's access log is switched off: the request middleware writes one line per
    request with the route, the user and the submission, which gunicorn cannot know.
    """
    if format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, got {format!r}")
    level = level.upper()
    if level not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}, got {level!r}")
    formatter = JsonFormatter if format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"main": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own defaults add a plain-text console handler (in DEBUG) and
            # runserver's; every line goes through the one handler instead.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
