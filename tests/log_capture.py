"""Log lines written during a test, formatted as the service writes them (JSON)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from coursesite import logs


@contextmanager
def json_lines(logger_name: str = "", *, level: int | None = None) -> Iterator[Callable]:
    """Capture what `logger_name` (the root logger by default) writes; yields a reader
    that returns the lines so far, each parsed from JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    logger = logging.getLogger(logger_name or None)
    old_level = logger.level
    logger.addHandler(handler)
    if level is not None:
        logger.setLevel(level)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
