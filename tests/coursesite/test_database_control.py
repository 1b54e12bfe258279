"""The fault helpers of tests/database_control.py really act on the database of this run.

On SQLite (the first pass of ./tracelab test) and on the throwaway PostgreSQL cluster
(the second pass), each operation is checked from the outside: from a connection of its
own, and through Django.
"""

from __future__ import annotations

import sqlite3
import time

import psycopg
import pytest
from database_control import Unsupported, database_control
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = (sqlite3.OperationalError, psycopg.OperationalError)


@pytest.fixture
def control():
    try:
        return database_control()
    except Unsupported as error:
        pytest.skip(str(error))


def own_connection():
    """A connection to the test database outside Django, failing fast."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or None,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            connect_timeout=3,
            autocommit=True,
        )
    return sqlite3.connect(db["NAME"], timeout=0.2, isolation_level=None)


def read_users(conn) -> int:
    return conn.execute("SELECT count(*) FROM auth_user").fetchone()[0]


def test_refused_connections_fail_for_a_while_then_work_again(control):
    users = get_user_model()
    users.objects.create_user("before", password="before-pass-1")
    assert control.vendor == connection.vendor
    seconds = 3

    with control.refuse_connections(seconds) as outage:
        assert not outage.over
        if connection.vendor == "postgresql":
            # The server is down: nobody can connect, Django included.
            with pytest.raises(REFUSED):
                read_users(own_connection())
            connection.close()
            with pytest.raises(OperationalError):
                users.objects.count()
            connection.close()
        else:
            # The file is locked: writes fail fast here, and so do reads (WAL: not reads).
            own = own_connection()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                own.execute("INSERT INTO auth_group (name) VALUES ('during')")
            if outage.blocks_reads:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    read_users(own)
            else:
                assert read_users(own) == 1
            own.close()
            # Django's write waits (busy timeout) until the lock is released.
            asked = time.monotonic()
            users.objects.create_user("during", password="during-pass-1")
            assert time.monotonic() - asked >= seconds - (asked - outage.started) - 0.3
    assert outage.over
    assert time.monotonic() - outage.started >= seconds
    with own_connection() as own:
        assert read_users(own) == users.objects.count() >= 1
    assert users.objects.filter(username="before").exists()


def test_an_outage_can_end_early(control):
    outage = control.refuse_connections(60)
    started = time.monotonic()
    outage.end_now()
    assert outage.over and time.monotonic() - started < 30
    assert read_users(own_connection()) == 0


def test_restart_cuts_open_connections_and_keeps_the_data(control):
    users = get_user_model()
    users.objects.create_user("kept", password="kept-pass-123")
    if not control.can_restart:
        assert control.vendor == "sqlite"
        with pytest.raises(Unsupported, match="nothing to restart"):
            control.restart()
        return

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        (started_before,) = cursor.fetchone()
    held = own_connection()
    assert read_users(held) == 1

    control.restart()

    with pytest.raises(psycopg.OperationalError):
        read_users(held)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        (started_after,) = cursor.fetchone()
    assert started_after > started_before
    assert users.objects.filter(username="kept").exists()
    assert read_users(own_connection()) == 1
