"""What the benchmarks against a running server share: a class of logged-in students.

The students are created in the server's database and logged in by writing their
sessions there (so a benchmark does not spend minutes on password hashing before it
starts); `./tracelab manage COMMAND` gives a command the server's settings for that.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import connection
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class LoggedIn:
    username: str
    session_key: str


def logged_in_students(prefix: str, count: int) -> list[LoggedIn]:
    """Create (once) `count` students named `prefix0000`... and a fresh session for each."""
    users = get_user_model()
    names = [f"{prefix}{i:04d}" for i in range(count)]
    existing = set(users.objects.filter(username__in=names).values_list("username", flat=True))
    users.objects.bulk_create(
        [users(username=name, password="!") for name in names if name not in existing]
    )
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    students = []
    for user in users.objects.filter(username__in=names).order_by("username"):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        students.append(LoggedIn(user.username, session.session_key))
    # The sessions are used by the server; this process holds no lock.
    connection.close()
    return students


def percentile(values: list[float], q: float) -> float:
    """Nearest rank, q in [0, 1]."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
