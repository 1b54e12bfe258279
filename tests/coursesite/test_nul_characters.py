"""A NUL character in a URL's path or query string is a 400 before any view runs.

PostgreSQL text cannot hold NUL: a value carrying one that reached a query would fail
there as a server error (a student's name in a URL, an admin search, a filter).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from exercises.models import Cohort
from exercises.services.cohorts import INSTRUCTORS_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor_client(client, django_user_model):
    user = django_user_model.objects.create_user("ines", password="ines-pass-123")
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
    client.force_login(user)
    cohort = Cohort.objects.create(name="Class A", slug="class-a")
    cohort.instructors.add(user)
    return client


def test_a_nul_in_the_path_is_400(instructor_client):
    url = reverse("instructor:student", args=["class-a", "name"]).replace("name", "%00ab")
    response = instructor_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "page=1%00", "a%00=1", "mistake=x%00y"])
def test_a_nul_in_the_query_string_is_400(client, django_user_model, query):
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(root)
    response = client.get(reverse("admin:auth_user_changelist") + "?" + query)
    assert response.status_code == 400


def test_api_paths_get_a_json_400(client):
    response = client.get("/api/submissions/1%00")
    assert response.status_code == 400
    assert response.json()["error"]


def test_ordinary_requests_pass(client):
    assert client.get(reverse("login") + "?next=/x%20y").status_code == 200


def test_a_nul_in_a_posted_form_field_is_400(instructor_client):
    url = reverse("instructor:roster", args=["class-a"])
    for data in ({"action": "remove", "username": "a\x00b"}, {"action\x00": "x"}):
        response = instructor_client.post(url, data)
        assert response.status_code == 400, data
        assert "NUL" in response.content.decode()


def test_a_json_body_is_left_to_its_view(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("dana", password="dana-pass-1"))
    response = client.post(
        "/api/exercises/nope/submissions", data='{"code": "x"}', content_type="application/json"
    )
    assert response.status_code == 404
