"""Database faults for tests: restart the database server, or make it refuse work for a while.

    from database_control import database_control

    control = database_control()          # for the database the settings point at
    if control.can_restart:
        control.restart()                 # PostgreSQL: pg_ctl restart -m fast
    with control.refuse_connections(5):   # back (and waited for) when the block ends
        ...                               # or: outage = control.refuse_connections(5)
                                          #     ...; outage.wait()

What each backend does:

- PostgreSQL, the throwaway cluster `./tracelab test` starts (tools/testdb.sh): the
  script passes its data directory, binaries and log in TRACELAB_TEST_PG_DATA,
  TRACELAB_TEST_PG_BIN and TRACELAB_TEST_PG_LOG. `restart()` is a fast restart: every
  open connection is terminated, and the server accepts new ones when it returns.
  `refuse_connections(n)` stops the server (fast: open connections are terminated too)
  and starts it again n seconds later, from a thread: meanwhile every connection attempt
  fails ("connection refused"), as when the server is down. A PostgreSQL server that
  the tests did not start (TRACELAB_TEST_PG_DATA unset) cannot be controlled:
  `database_control()` raises `Unsupported`.
- SQLite: a file, not a server; there is nothing to restart (`can_restart` is False and
  `restart()` raises `Unsupported`). `refuse_connections(n)` holds an EXCLUSIVE lock on
  the database file from a separate sqlite3 connection in a thread for n seconds:
  opening a connection still works, but every write waits for the lock (up to the busy
  timeout of the settings, 20 s, then fails with "database is locked"), and so does
  every read unless the file is in WAL mode, where readers go on reading the last
  committed state (`outage.blocks_reads` says which).

Both operations close the calling thread's Django connections once the database is
back, as those were cut (PostgreSQL) and would fail on their next query. Call them in a
`transaction=True` test: an open transaction of the test itself would survive neither.
"""

from __future__ import annotations

import glob
import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connections


class Unsupported(RuntimeError):
    """The operation makes no sense, or is not possible, for this database."""


def _close_django_connections() -> None:
    for conn in connections.all(initialized_only=True):
        conn.close()


class Outage:
    """A database that refuses work until `seconds` after it began; ends by itself."""

    def __init__(self, seconds: float, end, *, blocks_reads: bool = True) -> None:
        self.seconds = seconds
        # False where reads still work meanwhile (SQLite in WAL mode): only writes wait.
        self.blocks_reads = blocks_reads
        self.started = time.monotonic()
        self._end = end
        self._error: BaseException | None = None
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="database-outage", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._cancel.wait(self.seconds)
        try:
            self._end()
        except BaseException as error:  # reported by wait()
            self._error = error

    @property
    def over(self) -> bool:
        return not self._thread.is_alive()

    def end_now(self) -> None:
        """End the outage before its time."""
        self._cancel.set()
        self.wait()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the database accepts work again (and refresh this thread's
        Django connections)."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the database outage did not end within {timeout} s")
        _close_django_connections()
        if self._error is not None:
            raise RuntimeError("the database did not come back") from self._error

    def __enter__(self) -> Outage:
        return self

    def __exit__(self, *exc_info) -> None:
        self.wait()


class DatabaseControl:
    vendor = ""
    can_restart = False

    def restart(self) -> None:
        raise NotImplementedError

    def refuse_connections(self, seconds: float) -> Outage:
        """Make the database refuse work for `seconds`, starting now; returns once it does."""
        raise NotImplementedError


class PostgresControl(DatabaseControl):
    """The throwaway cluster of tools/testdb.sh, through pg_ctl."""

    vendor = "postgresql"
    can_restart = True

    def __init__(self, data: Path, bindir: Path, log: Path) -> None:
        self.data = data
        self.pg_ctl = bindir / "pg_ctl"
        self.log = log

    @classmethod
    def from_environment(cls) -> PostgresControl:
        data = os.environ.get("TRACELAB_TEST_PG_DATA", "")
        if not data:
            raise Unsupported(
                "this PostgreSQL server was not started by the tests (TRACELAB_TEST_PG_DATA "
                "is unset): run them with ./tracelab test to get a cluster they can control"
            )
        bindir = os.environ.get("TRACELAB_TEST_PG_BIN", "")
        if not bindir:
            found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
            if not found:
                raise Unsupported("no pg_ctl: set TRACELAB_TEST_PG_BIN")
            bindir = str(Path(found[-1]).parent)
        log = os.environ.get("TRACELAB_TEST_PG_LOG", "") or str(
            Path(data).parent / "log" / "postgresql.log"
        )
        return cls(Path(data), Path(bindir), Path(log))

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.pg_ctl), "-D", str(self.data), *args]
        owner = self.data.stat()
        if os.geteuid() == 0 and owner.st_uid != 0:
            # PostgreSQL refuses to run as root: act as the cluster's owner (`postgres`).
            command = [
                "setpriv",
                f"--reuid={owner.st_uid}",
                f"--regid={owner.st_gid}",
                "--init-groups",
                *command,
            ]
        done = subprocess.run(
            command,
            cwd=self.data.parent,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"pg_ctl {args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}"
            )

    def _start(self) -> None:
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log))

    def restart(self) -> None:
        """A fast restart: open connections are cut; returns once it accepts new ones."""
        self._pg_ctl("restart", "-m", "fast", "-w", "-t", "60", "-l", str(self.log))
        _close_django_connections()

    def refuse_connections(self, seconds: float) -> Outage:
        """Stop the server now (cutting open connections); start it again after `seconds`."""
        self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
        return Outage(seconds, self._start)


class SQLiteControl(DatabaseControl):
    """A database file: locked, never restarted."""

    vendor = "sqlite"
    can_restart = False

    def __init__(self, path: Path) -> None:
        self.path = path

    def restart(self) -> None:
        raise Unsupported(
            "SQLite is a file opened by each process, not a server: there is nothing to restart"
        )

    def refuse_connections(self, seconds: float) -> Outage:
        """Hold an EXCLUSIVE lock on the file for `seconds` from a connection of its own."""
        locked = threading.Event()
        release = threading.Event()
        failure: list[BaseException] = []
        journal: list[str] = []

        def hold() -> None:
            try:
                # Waits (up to 30 s) for writers in flight to finish before it holds the lock.
                lock = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            except BaseException as error:
                failure.append(error)
                locked.set()
                return
            try:
                journal.append(lock.execute("PRAGMA journal_mode").fetchone()[0].lower())
                lock.execute("BEGIN EXCLUSIVE")
                locked.set()
                release.wait()
                lock.execute("ROLLBACK")
            except BaseException as error:
                failure.append(error)
                locked.set()
            finally:
                lock.close()

        holder = threading.Thread(target=hold, name="sqlite-exclusive-lock", daemon=True)
        holder.start()
        locked.wait()
        if failure:
            holder.join()
            raise RuntimeError(f"could not lock {self.path}") from failure[0]

        def end() -> None:
            release.set()
            holder.join()

        # In WAL mode an exclusive transaction keeps out writers, never readers.
        return Outage(seconds, end, blocks_reads=journal[0] != "wal")


def database_control(alias: str = "default") -> DatabaseControl:
    """The control for the database Django's settings point at (the test database)."""
    database = settings.DATABASES[alias]
    engine = database["ENGINE"]
    if engine == "django.db.backends.postgresql":
        return PostgresControl.from_environment()
    if engine == "django.db.backends.sqlite3":
        return SQLiteControl(Path(database["NAME"]))
    raise Unsupported(f"no database control for {engine}")
