"""A small HTTP client with cookies and CSRF: talks to a running TraceLab as a browser does.

Used by the integration tests and by `manage.py bench_e2e`.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request


class Session:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(
        self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Referer": self.base + "/", **(headers or {})},
        )
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 200 and any(c.name == "sessionid" for c in self.jar), "login failed"

    def post_json(self, path: str, payload: dict) -> tuple[int, dict]:
        status, body = self.request(
            "POST",
            path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self._csrf()},
        )
        return status, json.loads(body)

    def get_json(self, path: str) -> tuple[int, dict]:
        status, body = self.request("GET", path)
        return status, json.loads(body)
