"""Answers for when a backing service is briefly away.

While the database restarts or refuses connections, a request that needs it fails
with a database error. That is not a bug in the request, and a student pressing
Submit at that moment should be told to try again shortly, not shown a server error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "TraceLab is briefly unavailable (its database is restarting). Try again in a moment."


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "database unavailable for %s %s: %s", request.method, request.path, exception
        )
        wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
        if wants_json:
            response = JsonResponse({"error": MESSAGE}, status=503)
        else:
            response = HttpResponse(
                f"<!doctype html><title>Briefly unavailable</title><p>{MESSAGE}</p>",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


NUL_MESSAGE = "The request contains a NUL character."
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in items) for key, items in values.lists()
    )


class RejectNulMiddleware:
    """A NUL in the path, the query string or a posted form field is a 400 before any
    view runs.

    No page of this site takes one, and PostgreSQL text cannot hold it: a value that
    reached a query (a username in a path or a form, a search, a filter) would fail
    there as a server error. Other bodies (JSON) are left to their views, which read
    them whole; form bodies are parsed here as the CSRF check parses them anyway.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = "\x00" in request.path or _has_nul(request.GET)
        if not refused and request.method == "POST" and request.content_type in _FORM_TYPES:
            refused = _has_nul(request.POST)
        if refused:
            if request.path.startswith("/api/"):
                return JsonResponse({"error": NUL_MESSAGE}, status=400)
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
