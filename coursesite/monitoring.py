"""Every web request observed: a request id, one log line, the latency histogram.

`RequestMonitorMiddleware` comes first in MIDDLEWARE. It opens the request's log scope
(coursesite/logs.py) with a request id (the client's X-Request-ID when it is a sane
token, such as a load balancer's, else a new one, echoed in the response), adds the
submission id of any route that names one, and after the response writes one line
(method, route, path, status, duration, user) and observes
tracelab_http_request_duration_seconds by route, not path, so ids never become labels.

It also answers /healthz and /metrics itself, ahead of the rest of the stack: a load
balancer or Prometheus asks by address or service name, which ALLOWED_HOSTS rightly
refuses for pages; over plain HTTP, which the HTTPS redirect would bounce; and without
cookies, so no session is loaded and no CSRF token is needed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from coursesite import health, logs, metrics

request_logger = logging.getLogger("coursesite.request")

ENDPOINTS: dict[str, tuple[str, Callable[[HttpRequest], HttpResponse]]] = {
    "/healthz": ("healthz", health.healthz),
    "/metrics": ("metrics", metrics.metrics_view),
}
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_id(request: HttpRequest) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    """The view's name (its route pattern if unnamed); `static` or `unmatched` without one."""
    endpoint = getattr(request, "monitor_route", None)
    if endpoint:
        return endpoint
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"


def user_id_of(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: asking now would read the session of
    # every static file and health check just to log it.
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestMonitorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with logs.scope(request_id=request_id(request)) as fields:
            endpoint = ENDPOINTS.get(request.path_info)
            if endpoint is not None:
                request.monitor_route, view = endpoint
                response = view(request)
            else:
                response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_of(request)
            method = request.method if request.method in _METHODS else "other"
            metrics.HTTP_REQUEST_SECONDS.labels(
                route=route, method=method, status=str(response.status_code)
            ).observe(seconds)
            duration_ms = round(seconds * 1000, 1)
            # Load balancers and Prometheus ask every few seconds: their lines only when
            # something is wrong, or at DEBUG.
            quiet = endpoint is not None and response.status_code == 200
            request_logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "route": route,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id_of(request),
                },
            )
            response["X-Request-ID"] = fields["request_id"]
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        submission_id = view_kwargs.get("submission_id")
        if submission_id is not None:
            logs.annotate(submission_id=submission_id)
