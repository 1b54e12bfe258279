"""Launching the tool from the simulated platform with Django's test client."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.test import Client
from lti_platform import Platform, read_form


def authorize(client: Client, platform: Platform, sub: str, **login: object) -> dict[str, str]:
    """The login round trip: the tool's redirect to the platform (followed over HTTP, as a
    browser would) and the form the platform answers with; returns the form's fields."""
    response = client.get("/lti/login/", platform.login_params(sub=sub, **login))
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(platform.auth_url + "?")
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:
        action, fields = read_form(answer.read())
    assert action == "http://testserver/lti/launch/"
    return fields


def launch(client: Client, platform: Platform, sub: str, **login: object) -> HttpResponse:
    """A whole launch of `sub`: login, the platform's authorization, the form post."""
    fields = authorize(client, platform, sub, **login)
    return client.post(urlsplit("http://testserver/lti/launch/").path, fields)


def deep_link(client: Client, platform: Platform, sub: str, target: str) -> list[str]:
    """An instructor adds `target` (`exercise:adamw`) to the course; the ids of the links
    the platform placed."""
    response = launch(client, platform, sub, deep_link=True)
    assert response.status_code == 302, response.content
    picker = client.get(response["Location"])
    assert picker.status_code == 200
    answer = client.post(response["Location"], {"target": target})
    assert answer.status_code == 200, answer.content
    action, fields = read_form(answer.content, "deep-link-answer")
    assert action == platform.deep_link_return_url
    return platform.accept_deep_link(fields["JWT"])
