"""A database that is briefly away gives a 503 with Retry-After, not a server error."""

import pytest
from django.db import OperationalError

from coursesite.middleware import ServiceUnavailableMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("dana", password="dana-pass-123"))
    return client


@pytest.fixture
def failing_database(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("exercises.selectors.exercise_published_get", refuse)


def test_submitting_while_the_database_is_away_says_try_again(
    client, django_user_model, failing_database
):
    user = django_user_model.objects.create_user("dana", password="dana-pass-123")
    client.force_login(user)

    response = client.post(
        "/api/exercises/adamw/submissions", data={"code": "x = 1"}, content_type="application/json"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Try again" in response.json()["error"]


def test_a_page_while_the_database_is_away_says_try_again(
    client, django_user_model, failing_database
):
    user = django_user_model.objects.create_user("dana", password="dana-pass-123")
    client.force_login(user)

    response = client.get("/exercises/adamw/")

    assert response.status_code == 503
    assert b"briefly unavailable" in response.content


def test_other_errors_are_left_to_django(rf):
    middleware = ServiceUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None
