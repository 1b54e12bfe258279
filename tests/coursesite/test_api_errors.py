"""Under /api/ every failure is JSON, even those that never reach a view."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Not found."}


def test_an_api_post_without_a_csrf_token_is_a_json_403(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("alice"))
    response = client.post(
        "/api/exercises/adamw/submissions", data="{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
