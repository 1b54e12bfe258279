import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_account_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "carol",
            "password1": "a-long-unusual-passphrase-9",
            "password2": "a-long-unusual-passphrase-9",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert get_user_model().objects.filter(username="carol").exists()
    assert "carol" in client.get(reverse("home")).content.decode()


def test_sign_up_with_mismatched_passwords_shows_the_form_again(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "carol",
            "password1": "a-long-unusual-passphrase-9",
            "password2": "other",
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="carol").exists()


def test_log_in_with_the_right_password(client, django_user_model):
    django_user_model.objects.create_user("dave", password="dave-pass-123")

    response = client.post(reverse("login"), {"username": "dave", "password": "dave-pass-123"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"]


def test_log_in_with_a_wrong_password_is_refused(client, django_user_model):
    django_user_model.objects.create_user("dave", password="dave-pass-123")
    response = client.post(reverse("login"), {"username": "dave", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_log_out_needs_post(client, django_user_model):
    user = django_user_model.objects.create_user("erin", password="erin-pass-123")
    client.force_login(user)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_render_for_anonymous_visitors(client):
    for name in ("home", "login", "signup"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'href="#main"' in html  # skip link
        assert "css/site.css" in html
