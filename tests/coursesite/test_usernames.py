"""Usernames that could pass for someone else's are refused where accounts are made:
mixed scripts (Cyrillic `а` among Latin letters), and names whose Unicode confusable
skeleton (UTS #39) matches an existing user's, whatever the case."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from coursesite.usernames import skeleton, username_problem

pytestmark = pytest.mark.django_db

CYRILLIC_A = "\u0430"
PASSWORD = "a-long-unusual-passphrase-9"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()  # the signup throttle counts every attempt in the tests below


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-pass-123")


def _signup(client, username):
    return client.post(
        reverse("signup"), {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )


def _refused(response, username, words):
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username=username).exists()
    assert words in response.content.decode()


@pytest.mark.parametrize(
    "lookalike",
    [
        f"{CYRILLIC_A}lice",  # Cyrillic а beside Latin letters
        "ALICE",  # only case differs
        f"{CYRILLIC_A.upper()}LICE",  # Cyrillic А, upper case
        "a1ice",  # digit one for l
        "alIce",  # capital i for l
    ],
)
def test_signup_refuses_a_name_that_looks_like_an_existing_one(client, alice, lookalike):
    response = _signup(client, lookalike)
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username=lookalike).exists()
    page = response.content.decode()
    assert any(words in page for words in ("already exists", "too much like", "mixes scripts"))


def test_signup_refuses_a_whole_cyrillic_lookalike(client, django_user_model):
    django_user_model.objects.create_user("cope", password="cope-pass-123")
    lookalike = "\u0441\u043e\u0440\u0435"  # с о р е, all Cyrillic
    _refused(_signup(client, lookalike), lookalike, "too much like")
    _refused(_signup(client, "COPE"), "COPE", "already exists")


def test_signup_refuses_a_name_mixing_latin_and_cyrillic(client):
    _refused(_signup(client, f"p{CYRILLIC_A}ypal"), f"p{CYRILLIC_A}ypal", "mixes scripts")


@pytest.mark.parametrize("name", ["ivan", "иван", "Иван_2", "田中さん", "zoë", "o'neil.k", "bob-1"])
def test_signup_accepts_names_in_one_script(client, name):
    if name == "o'neil.k":
        name = "oneil.k"  # Django's own validator refuses apostrophes
    response = _signup(client, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_user_model().objects.filter(username=name).exists()


def test_skeletons_follow_uts39():
    assert skeleton(f"p{CYRILLIC_A}ypal") == skeleton("paypal")
    assert skeleton("rn") == skeleton("m")
    assert skeleton("0") == skeleton("O")
    assert skeleton("alice") != skeleton("bob")


def test_username_problem_ignores_the_user_being_edited(alice):
    assert username_problem("alice", exclude_pk=alice.pk) is None
    assert username_problem("alice") is not None
    assert username_problem("a1ice", exclude_pk=alice.pk) is None


def test_admin_cannot_create_a_lookalike_either(alice, django_user_model, client):
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "a1ice",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="a1ice").exists()
    assert "too much like" in response.content.decode()
    rename = client.post(
        reverse("admin:auth_user_change", args=[root.pk]),
        {
            "username": "a1ice",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert rename.status_code == 200
    assert "too much like" in rename.content.decode()
