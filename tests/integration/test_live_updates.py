"""A submission's event stream, from the real ASGI server, Redis and Celery worker: the
states it passes through, pushed as they happen, and only to its owner."""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from exercises.management.bench_support import logged_in_students

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"


class Browser:
    """One logged-in student talking HTTP to the server, as the exercise page does."""

    def __init__(self, url: str, session_key: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def _headers(self, **extra: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "Referer": f"http://{self.host}:{self.port}/", **extra}

    def get(self, path: str) -> tuple[int, bytes]:
        conn = self._connection()
        conn.request("GET", path, headers=self._headers())
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, response.read()

    def submit(self, code: str) -> dict:
        self.get("/exercises/adamw/")  # the CSRF cookie, as a page load sets it
        conn = self._connection()
        csrf = self.cookies["csrftoken"]
        headers = self._headers(**{"X-CSRFToken": csrf, "Content-Type": "application/json"})
        body = json.dumps({"code": code})
        conn.request("POST", "/api/exercises/adamw/submissions", body, headers)
        response = conn.getresponse()
        assert response.status == 202, response.read()
        return json.loads(response.read())

    def events(self, path: str) -> tuple[int, list[dict]]:
        """Read an event stream to its end: the status and every state it sent."""
        conn = self._connection()
        conn.request("GET", path, headers=self._headers(Accept="text/event-stream"))
        response = conn.getresponse()
        if response.status != 200:
            return response.status, []
        assert response.getheader("Content-Type").startswith("text/event-stream")
        states = []
        for line in response:
            if line.startswith(b"data: "):
                states.append(json.loads(line[len(b"data: ") :]))
        return response.status, states


@pytest.fixture
def students(asgi_web_server, celery_worker):
    call_command("sync_bank", verbosity=0)
    owner, other = logged_in_students("stream-", 2)
    return (
        Browser(asgi_web_server.url, owner.session_key),
        Browser(asgi_web_server.url, other.session_key),
    )


def test_a_submission_is_pushed_from_queued_to_its_verdict_and_the_stream_ends(students):
    owner, _ = students
    created = owner.submit((BANK / "mistakes" / "coupled-l2.py").read_text())

    status, states = owner.events(created["events_url"])

    assert status == 200
    assert states[-1]["done"] is True
    assert states[-1]["status"] == "done"
    assert "Failed" in states[-1]["html"] and "coupled-l2" in states[-1]["html"]
    assert "history_html" in states[-1]
    # Every state before the verdict is one a waiting page shows.
    assert {s["status"] for s in states[:-1]} <= {"queued", "running"}
    # The same fragment the polling endpoint answers, byte for byte.
    _, polled = owner.get(created["fragment_url"])
    assert json.loads(polled)["html"] == states[-1]["html"]


def test_a_finished_submission_streams_its_verdict_at_once(students):
    owner, _ = students
    created = owner.submit((BANK / "solution.py").read_text())
    owner.events(created["events_url"])  # to its end

    status, states = owner.events(created["events_url"])

    assert status == 200
    assert len(states) == 1 and states[0]["done"] is True
    assert "Passed" in states[0]["html"]


def test_only_the_owner_may_follow_a_submission(students, asgi_web_server):
    owner, other = students
    created = owner.submit((BANK / "solution.py").read_text())
    anonymous = Browser(asgi_web_server.url, "no-such-session")

    assert other.events(created["events_url"]) == (404, [])
    assert anonymous.events(created["events_url"])[0] == 401
    assert re.fullmatch(r"/submissions/\d+/events", created["events_url"])
