"""Helpers for tests that start real programs: free ports, waiting, a worker's database.

A plain module (not a conftest), so test packages can import it by name.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} did not come up in {timeout:g} s\n{tail}")


def database_url(database: dict) -> str:
    """A DATABASE_URL for Django's settings of one database (SQLite or PostgreSQL).

    Used to point a worker process at the database the tests use: at that point NAME is
    already the test database's name.
    """
    engine = database["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    if engine != "django.db.backends.postgresql":
        raise ValueError(f"no DATABASE_URL form for {engine}")
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = database.get("HOST") or ""
    if host.startswith("/"):  # a unix socket directory
        host = quote(host, safe="")
    elif ":" in host:  # an IPv6 address
        host = f"[{host}]"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    options = {
        key: value
        for key, value in (database.get("OPTIONS") or {}).items()
        if isinstance(value, str | int)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{quote(database['NAME'], safe='')}{query}"
