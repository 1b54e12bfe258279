"""Launching the tool from the simulated platform: with Django's test client, or with a
browser of a site served over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.test import Client
from lti_platform import Platform, private_pem, public_pem, read_form, rsa_key
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiTool, LtiToolKey


def register(platform: Platform) -> LtiTool:
    """The platform's registration, entered as an admin enters it: the tool's key pair,
    then the platform's issuer, client id, endpoints, key set URL and deployment."""
    key = LtiToolKey.objects.create(
        name=f"key for {platform.client_id}",
        private_key=private_pem(rsa_key("tool")),
        public_key=public_pem(rsa_key("tool")),
    )
    return LtiTool.objects.create(
        title="Simulated LMS",
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_login_url=platform.auth_url,
        auth_token_url=platform.token_url,
        key_set_url=platform.jwks_url,
        tool_key=key,
        deployment_ids=json.dumps([platform.deployment_id]),
    )


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


class Browser:
    """A browser for a site served over HTTP: cookies, redirects followed, forms posted."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _open(self, request: urllib.request.Request) -> tuple[str, bytes]:
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read()

    def get(self, url: str) -> tuple[str, bytes]:
        """(the URL it ended at, the page)."""
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str]) -> tuple[str, bytes]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def post_json(self, url: str, payload: dict) -> dict:
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        request = urllib.request.Request(
            url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": csrf},
        )
        return json.loads(self._open(request)[1])

    def get_json(self, url: str) -> dict:
        return json.loads(self.get(url)[1])
