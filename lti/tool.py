"""pylti1p3 set up for TraceLab: registrations from the admin's rows, launch state in the
cache, single-use nonces, and calls to platforms with a time limit.

Every check pylti1p3 makes on a launch stays on (state, id_token format, nonce,
registration and client id, signature against the platform's keys, deployment, message).
The one change here makes the nonce check stricter, never looser.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.http import HttpRequest
from pylti1p3.contrib.django import (
    DjangoCacheDataStorage,
    DjangoDbToolConf,
    DjangoMessageLaunch,
    DjangoOIDCLogin,
)
from pylti1p3.contrib.django.lti1p3_tool_config.models import LtiTool
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import REQUESTS_USER_AGENT, ServiceConnector


class _LaunchStorage(DjangoCacheDataStorage):
    """Launch state in the shared cache (Redis when the site runs): the platform's form
    post arrives without the site's session cookie (SameSite=Lax), and any web process
    may receive it."""

    def consume(self, key: str) -> bool:
        """Delete `key`; True if it was there. One cache delete, so of two requests
        racing with the same key only one sees True."""
        return bool(self._get_cache().delete(self._prepare_key(key)))


class _SessionService(DjangoSessionService):
    """pylti1p3 checks that a launch's nonce was issued but keeps it, so the same
    id_token posted again (with its state cookie) would launch again. Here a nonce is
    spent by the launch that uses it."""

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        if not isinstance(storage, _LaunchStorage):
            return False
        return storage.consume(self._get_key("nonce", nonce))


class _TimedSession(requests.Session):
    """requests waits for ever by default; a platform that stalls must fail instead."""

    def request(self, method: str | bytes, url: str | bytes, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", settings.TRACELAB_LTI_TIMEOUT_SECONDS)
        return super().request(method, url, **kwargs)


def platform_http() -> requests.Session:
    """An HTTP session for calls to platforms (keys, tokens, grades, rosters)."""
    session = _TimedSession()
    session.headers["User-Agent"] = REQUESTS_USER_AGENT
    return session


def tool_conf() -> DjangoDbToolConf:
    # A new one each time: it keeps the registrations it has read, and an admin's edit
    # (a new platform key, a deactivated registration) must count from the next request.
    return DjangoDbToolConf()


def oidc_login(request: HttpRequest) -> DjangoOIDCLogin:
    """The first step of a launch: answers with a redirect to the platform's login."""
    return DjangoOIDCLogin(
        request,
        tool_conf(),
        session_service=_SessionService(request),
        launch_data_storage=_LaunchStorage(),
    )


def message_launch(request: HttpRequest) -> DjangoMessageLaunch:
    """The launch the platform posts (its id_token), to be validated."""
    return DjangoMessageLaunch(
        request,
        tool_conf(),
        session_service=_SessionService(request),
        launch_data_storage=_LaunchStorage(),
        requests_session=platform_http(),
    )


def launch_restored(request: HttpRequest, launch_id: str) -> DjangoMessageLaunch:
    """A launch validated earlier, read back by its id (raises LtiException when it has
    expired or the registration was switched off)."""
    return DjangoMessageLaunch.from_cache(
        launch_id,
        request,
        tool_conf(),
        session_service=_SessionService(request),
        launch_data_storage=_LaunchStorage(),
        requests_session=platform_http(),
    )


def registration_of(tool: LtiTool) -> Registration:
    """The registration of an admin's row (raises LtiException when it is switched off)."""
    return tool_conf().find_registration_by_params(tool.issuer, tool.client_id)


def service_connector(tool: LtiTool) -> ServiceConnector:
    """What calls a platform's services outside a launch: it asks the platform for an
    access token with a client_credentials grant signed by the tool's private key."""
    return ServiceConnector(registration_of(tool), platform_http())


def jwks() -> dict[str, Any]:
    """The tool's public keys, for platforms to check what the tool signs."""
    return tool_conf().get_jwks()
