"""One object per running event loop: a web process runs one, tests start several."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


def for_this_loop(objects: dict[tuple, T], make: Callable[[], T], *key: Hashable) -> T:
    """The object in `objects` for the running loop (and `key`), made on first use; those
    of loops that have closed are dropped."""
    loop = asyncio.get_running_loop()
    found = objects.get((loop, *key))
    if found is None:
        for closed in [k for k in objects if k[0].is_closed()]:
            del objects[closed]
        found = objects[(loop, *key)] = make()
    return found
