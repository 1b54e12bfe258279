"""asyncio.run for tests that share a process with the browser tests.

Playwright's sync API keeps an event loop running in the main thread for the whole
session, and asyncio.run refuses to start a second one there: a coroutine is run in a
thread of its own instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
