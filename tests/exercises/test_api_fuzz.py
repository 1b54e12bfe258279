"""The JSON API, fuzzed from its own OpenAPI description (coursesite/openapi.py).

schemathesis generates valid and invalid requests for every operation and sends them to
the WSGI application in-process, as a logged-in user who is both a student with graded
submissions and an instructor with a draft and a regrade. Every answer must be a
documented status with a body of the documented shape, and never a server error.
"""

from __future__ import annotations

import json
import secrets

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from instructor_support import make_instructor, make_submission
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from coursesite.openapi import openapi_schema
from exercises.models import ExerciseDraft, Regrade
from exercises.services import worker_registry
from exercises.tasks import regrade_submission, validate_draft

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 60


class HealthyRegistry:
    """Redis answering, one worker on every queue: /healthz's 503 is not fuzzed here (a 503
    is what schemathesis takes for a server error); tests/coursesite/test_health.py has it."""

    class client:
        @staticmethod
        def ping() -> bool:
            return True

    @staticmethod
    def live_nodes() -> dict[str, dict]:
        return {"worker@test": {"queues": ["cpu", "gpu", "housekeeping"]}}


@pytest.fixture
def world(db, exercise, django_user_model, monkeypatch):
    monkeypatch.setattr(worker_registry, "default_registry", HealthyRegistry)
    monkeypatch.setattr(regrade_submission, "apply_async", lambda *a, **k: None)
    monkeypatch.setattr(validate_draft, "apply_async", lambda *a, **k: None)
    user = make_instructor(django_user_model, "fuzzer")
    make_submission(user, exercise, verdict="passed")
    make_submission(user, exercise, status="queued")
    ExerciseDraft.objects.create(slug="draft", author=user, files={})
    Regrade.objects.create(
        exercise=exercise, version=exercise.current_version, created_by=user, total=0
    )
    # As Django's test client does: the handler must not close the test's connection
    # (and with it the transaction holding this data) around each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield user
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def logged_in(world):
    client = Client()
    client.force_login(world)
    token = secrets.token_hex(16)  # an unmasked CSRF secret: 32 characters
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


schema = schemathesis.openapi.from_dict(openapi_schema())
schema.app = get_wsgi_application()


def test_the_description_is_served_at_api_openapi_json(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(openapi_schema()))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_as_documented(case, logged_in):
    # The test supplies the session to every request, so the cases schemathesis makes by
    # leaving out or spoiling the authentication are logged in all the same; the
    # anonymous test below is where missing authentication is checked.
    case.call_and_validate(
        cookies=logged_in["cookies"],
        headers=logged_in["headers"],
        excluded_checks=[ignored_auth, negative_data_rejection],
    )


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_anonymous_requests_as_documented(case, world):
    case.call_and_validate()
