"""A learning platform for the tests: a real HTTP server on 127.0.0.1 that speaks LTI 1.3.

It has its own RSA key and serves its public keys; its OIDC authorization endpoint
answers a tool's login redirect with a form that posts a signed id_token to the tool's
launch URL; its token endpoint verifies the tool's client_credentials assertion against
the tool's own published keys before it issues a bearer token; it keeps line items and
records every score posted to them; it verifies a deep-linking answer's signature and
makes the resource link and line item it asks for; and it lists the course's members.

Nothing in it trusts the tool: every JWT the tool sends is checked against the keys the
tool publishes (fetched from `tool_jwks_url`, or given as `tool_jwks` by a test that
runs the site in-process).
"""

from __future__ import annotations

import html
import itertools
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TEACHING_ASSISTANT = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
)
INSTITUTION_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key of each name per test session (making one takes a moment)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class Refused(Exception):
    """What the platform answers with 400 (or the status given)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Person:
    sub: str
    roles: list[str]
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    status: str = "Active"  # in the roster

    def claims(self) -> dict[str, Any]:
        found = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "name": f"{self.given_name} {self.family_name}".strip(),
            "email": self.email,
        }
        return {key: value for key, value in found.items() if value}


@dataclass
class Tamper:
    """Changes to the next id_token the platform issues, for tests of refused launches."""

    claims: dict[str, Any] = field(default_factory=dict)  # a value of None drops the claim
    sign_with: rsa.RSAPrivateKey | None = None


class Platform:
    def __init__(self, *, key: rsa.RSAPrivateKey | None = None) -> None:
        self.key = key or rsa_key("platform")
        self.kid = "platform-key-" + secrets.token_hex(4)
        self.client_id = "tracelab-client-" + secrets.token_hex(4)
        self.deployment_id = "deployment-1"
        self.context = {
            "id": "course-101",
            "label": "OPT101",
            "title": "Optimization 101",
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        }
        self.people: dict[str, Person] = {}
        # resource link id -> {"title", "url", "custom", "lineitem"}
        self.resource_links: dict[str, dict[str, Any]] = {}
        # line item id (its URL) -> the line item
        self.line_items: dict[str, dict[str, Any]] = {}
        self.scores: list[dict[str, Any]] = []  # every score posted, with its "lineitem"
        self.deep_link_answers: list[dict[str, Any]] = []  # verified answers' bodies
        self.token_requests = 0
        self.score_failures = 0  # answer this many score posts with 503
        self.tamper: Tamper | None = None
        # Where the tool's public keys are, or the keys themselves.
        self.tool_jwks_url: str | None = None
        self.tool_jwks: dict[str, Any] | None = None
        self.tool_launch_url: str | None = None
        self._hints: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, list[str]] = {}
        self._seen_jti: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- life ------------------------------------------------------------------------
    def start(self) -> Platform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def auth_url(self) -> str:
        return self.url + "/auth"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def jwks_url(self) -> str:
        return self.url + "/jwks"

    @property
    def memberships_url(self) -> str:
        return self.url + "/memberships"

    @property
    def lineitems_url(self) -> str:
        return self.url + "/lineitems"

    @property
    def deep_link_return_url(self) -> str:
        return self.url + "/deep-link-return"

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def person(self, sub: str, *roles: str, **names: str) -> Person:
        self.people[sub] = Person(sub=sub, roles=list(roles), **names)
        return self.people[sub]

    def add_resource_link(self, *, title: str, custom: dict[str, str], score_maximum=None) -> str:
        """A link placed in the course by hand (not by deep linking); its id."""
        link_id = f"link-{next(self._ids)}"
        lineitem = None
        if score_maximum is not None:
            lineitem = self._line_item_create(
                {"scoreMaximum": score_maximum, "label": title}, link_id
            )
        self.resource_links[link_id] = {
            "title": title,
            "url": self.tool_launch_url,
            "custom": custom,
            "lineitem": lineitem,
        }
        return link_id

    # -- launching -------------------------------------------------------------------
    def login_params(
        self, *, sub: str, deep_link: bool = False, resource_link_id: str | None = None
    ) -> dict[str, str]:
        """The third-party initiated login the platform starts a launch with."""
        hint = secrets.token_urlsafe(8)
        self._hints[hint] = {"deep_link": deep_link, "resource_link_id": resource_link_id}
        return {
            "iss": self.issuer,
            "login_hint": sub,
            "target_link_uri": self.tool_launch_url or "",
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    def authorize(self, query: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The OIDC authorization request the tool redirected to: (where to post, the
        form's fields), after checking it as a platform does."""
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
        }
        for name, value in expected.items():
            if query.get(name) != value:
                raise Refused(f"{name} must be {value!r}, got {query.get(name)!r}")
        if self.tool_launch_url and query.get("redirect_uri") != self.tool_launch_url:
            raise Refused(f"redirect_uri {query.get('redirect_uri')!r} is not registered")
        if not query.get("nonce") or not query.get("state"):
            raise Refused("nonce and state are required")
        person = self.people.get(query.get("login_hint", ""))
        hint = self._hints.pop(query.get("lti_message_hint", ""), None)
        if person is None or hint is None:
            raise Refused("unknown login_hint or lti_message_hint")
        claims = self._id_token_claims(person, hint, nonce=query["nonce"])
        key = self.key
        if self.tamper is not None:
            tamper, self.tamper = self.tamper, None
            for name, value in tamper.claims.items():
                if value is None:
                    claims.pop(name, None)
                else:
                    claims[name] = value
            key = tamper.sign_with or key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        return query["redirect_uri"], {"id_token": id_token, "state": query["state"]}

    def _id_token_claims(
        self, person: Person, hint: dict[str, Any], *, nonce: str
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": person.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "roles": person.roles,
            CLAIM + "context": self.context,
            CLAIM + "tool_platform": {"guid": "simulated-platform", "name": "Simulated LMS"},
            NRPS_CLAIM: {
                "context_memberships_url": self.memberships_url,
                "service_versions": ["2.0"],
            },
            **person.claims(),
        }
        if hint["deep_link"]:
            claims[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
            claims[CLAIM + "target_link_uri"] = self.tool_launch_url
            claims[DL_CLAIM + "deep_linking_settings"] = {
                "deep_link_return_url": self.deep_link_return_url,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "platform-opaque-data",
            }
            return claims
        link = self.resource_links[hint["resource_link_id"]]
        claims[CLAIM + "message_type"] = "LtiResourceLinkRequest"
        claims[CLAIM + "target_link_uri"] = link["url"]
        claims[CLAIM + "resource_link"] = {"id": hint["resource_link_id"], "title": link["title"]}
        claims[CLAIM + "custom"] = link["custom"]
        endpoint: dict[str, Any] = {"scope": AGS_SCOPES, "lineitems": self.lineitems_url}
        if link["lineitem"]:
            endpoint["lineitem"] = link["lineitem"]
        claims[AGS_CLAIM] = endpoint
        return claims

    # -- what the tool sends ------------------------------------------------------------
    def _tool_keys(self) -> dict[str, Any]:
        if self.tool_jwks is not None:
            return self.tool_jwks
        if not self.tool_jwks_url:
            raise Refused("the platform does not know where the tool's keys are", 500)
        with urllib.request.urlopen(self.tool_jwks_url, timeout=10) as response:
            return json.load(response)

    def _verify_tool_jwt(self, token: str, *, audience: str) -> dict[str, Any]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            found = [k for k in self._tool_keys()["keys"] if k.get("kid") == kid]
            if not found:
                raise Refused(f"no key of the tool has kid {kid!r}", 401)
            public = jwt.PyJWK(found[0]).key
            return jwt.decode(
                token,
                public,
                algorithms=["RS256"],
                audience=audience,
                issuer=self.client_id,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Refused(f"the tool's JWT does not verify: {exc}", 401) from exc

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        """client_credentials grant with a JWT assertion signed by the tool (RFC 7523)."""
        if form.get("grant_type") != "client_credentials":
            raise Refused("grant_type must be client_credentials")
        if form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            raise Refused("client_assertion_type must be jwt-bearer")
        claims = self._verify_tool_jwt(form.get("client_assertion", ""), audience=self.token_url)
        if claims.get("sub") != self.client_id:
            raise Refused("sub must be the client id", 401)
        with self._lock:
            if claims.get("jti") in self._seen_jti:
                raise Refused("assertion replayed", 401)
            self._seen_jti.add(claims.get("jti"))
            self.token_requests += 1
            token = secrets.token_urlsafe(24)
            self._tokens[token] = form.get("scope", "").split()
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _authorized(self, headers: Any, scope: str) -> None:
        auth = headers.get("Authorization", "")
        scopes = self._tokens.get(auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or scopes is None:
            raise Refused("no valid bearer token", 401)
        if scope not in scopes:
            raise Refused(f"the token lacks {scope}", 403)

    def score(self, lineitem: str, headers: Any, body: bytes) -> None:
        self._authorized(headers, SCORE_SCOPE)
        if headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
            raise Refused("scores are application/vnd.ims.lis.v1.score+json")
        if lineitem not in self.line_items:
            raise Refused("no such line item", 404)
        score = json.loads(body)
        for name in ("userId", "activityProgress", "gradingProgress", "timestamp"):
            if name not in score:
                raise Refused(f"a score needs {name}")
        with self._lock:
            if self.score_failures > 0:
                self.score_failures -= 1
                raise Refused("the grade book is down for a moment", 503)
            self.scores.append({**score, "lineitem": lineitem})

    def members(self, headers: Any) -> dict[str, Any]:
        self._authorized(headers, NRPS_SCOPE)
        members = [
            {"user_id": p.sub, "roles": p.roles, "status": p.status, **p.claims()}
            for p in self.people.values()
        ]
        return {"id": self.memberships_url, "context": self.context, "members": members}

    def accept_deep_link(self, token: str) -> list[str]:
        """A deep-linking answer (the JWT the tool's page posts): verified, then each
        resource link it names is placed in the course; returns their ids."""
        claims = self._verify_tool_jwt(token, audience=self.issuer)
        if claims.get(CLAIM + "message_type") != "LtiDeepLinkingResponse":
            raise Refused("not a deep-linking answer")
        if claims.get(CLAIM + "version") != "1.3.0":
            raise Refused("version must be 1.3.0")
        if claims.get(CLAIM + "deployment_id") != self.deployment_id:
            raise Refused("unknown deployment")
        if not claims.get("nonce"):
            raise Refused("a nonce is required")
        if claims.get(DL_CLAIM + "data") != "platform-opaque-data":
            raise Refused("the settings' data must come back unchanged")
        placed = []
        for item in claims.get(DL_CLAIM + "content_items") or []:
            if item.get("type") != "ltiResourceLink":
                raise Refused(f"cannot place a {item.get('type')!r}")
            link_id = f"link-{next(self._ids)}"
            lineitem = None
            if item.get("lineItem"):
                lineitem = self._line_item_create(item["lineItem"], link_id)
            self.resource_links[link_id] = {
                "title": item.get("title"),
                "url": item.get("url"),
                "custom": item.get("custom") or {},
                "lineitem": lineitem,
                "window": item.get("window"),
            }
            placed.append(link_id)
        self.deep_link_answers.append(claims)
        return placed

    def _line_item_create(self, wanted: dict[str, Any], link_id: str) -> str:
        if not (isinstance(wanted.get("scoreMaximum"), int | float) and wanted["scoreMaximum"] > 0):
            raise Refused("a line item needs a scoreMaximum above 0")
        item_id = f"{self.lineitems_url}/{next(self._ids)}"
        self.line_items[item_id] = {**wanted, "id": item_id, "resourceLinkId": link_id}
        return item_id

    def scores_for(self, lineitem: str) -> list[dict[str, Any]]:
        with self._lock:
            return [s for s in self.scores if s["lineitem"] == lineitem]


def _handler_for(platform: Platform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

        def _answer(self, status: int, body: bytes = b"", content_type: str = "") -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, data: Any, content_type: str = "application/json") -> None:
            self._answer(200, json.dumps(data).encode(), content_type)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _form(self) -> dict[str, str]:
            return dict(urllib.parse.parse_qsl(self._body().decode()))

        def _route(self, method: str) -> None:
            path, _, query = self.path.partition("?")
            try:
                if method == "GET" and path == "/jwks":
                    self._json(platform.jwks())
                elif method == "GET" and path == "/auth":
                    action, fields = platform.authorize(dict(urllib.parse.parse_qsl(query)))
                    self._answer(200, _form_page(action, fields), "text/html; charset=utf-8")
                elif method == "POST" and path == "/token":
                    self._json(platform.token(self._form()))
                elif method == "GET" and path == "/memberships":
                    self._json(
                        platform.members(self.headers),
                        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                    )
                elif (
                    method == "POST" and path.startswith("/lineitems/") and path.endswith("/scores")
                ):
                    lineitem = platform.url + path.removesuffix("/scores")
                    platform.score(lineitem, self.headers, self._body())
                    self._answer(204)
                elif method == "POST" and path == "/deep-link-return":
                    placed = platform.accept_deep_link(self._form().get("JWT", ""))
                    self._answer(200, f"placed {', '.join(placed)}".encode(), "text/plain")
                else:
                    self._answer(404, b"not found", "text/plain")
            except Refused as exc:
                self._answer(exc.status, str(exc).encode(), "text/plain")

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

    return Handler


def _form_page(action: str, fields: dict[str, str]) -> bytes:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (
        f'<!doctype html><form method="post" action="{html.escape(action)}">{inputs}</form>'
        "<script>document.forms[0].submit()</script>"
    ).encode()


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__()
        self.form_id = form_id
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and self.action is None:
            if self.form_id is None or attributes.get("id") == self.form_id:
                self.action, self._inside = attributes.get("action", ""), True
        elif tag == "form":
            self._inside = False
        elif tag == "input" and self._inside and attributes.get("type") == "hidden":
            self.fields[attributes.get("name", "")] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def read_form(page: bytes | str, form_id: str | None = None) -> tuple[str, dict[str, str]]:
    """(action, hidden fields) of a page's first form, or of the form with `form_id`: what
    a browser would post."""
    reader = _FormReader(form_id)
    reader.feed(page.decode() if isinstance(page, bytes) else page)
    if reader.action is None:
        raise AssertionError(f"no form {form_id or ''} on the page")
    return reader.action, reader.fields
