"""GET /healthz: can this deployment take and grade a submission right now?

It asks the database for one row, Redis for a PING, and the worker registry whether at
least one live worker consumes each expected queue (TRACELAB_EXPECTED_QUEUES: `cpu` and
`housekeeping` by default; add `gpu` where GPU exercises are published). 200 with a
small JSON body when all is well, 503 with the reasons otherwise. Load balancers call it
every few seconds: three round trips, no session, no template, never cached. The
reasons name the part that failed, never the error's text (which can name hosts and
addresses); that goes to the log.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from exercises.services import worker_registry

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    """None when the database answers a query, else the reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        logger.warning("health: database unavailable: %s", exc)
        return "database unavailable"
    return None


def check_redis(client: Any) -> str | None:
    """None when Redis answers PING, else the reason."""
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        logger.warning("health: redis unavailable: %s", exc)
        return "redis unavailable"
    return None


def workers_per_queue(registry: worker_registry.Registry) -> Counter[str]:
    """How many live workers consume each queue, from their announcements."""
    counts: Counter[str] = Counter()
    for announcement in registry.live_nodes().values():
        counts.update(set(announcement.get("queues") or ()))
    return counts


def health_report(
    *, registry: worker_registry.Registry, expected_queues: list[str]
) -> tuple[bool, dict[str, Any]]:
    """(healthy, body): the checks behind /healthz, in the order they depend on each other."""
    reasons = []
    body: dict[str, Any] = {}
    database = check_database()
    body["database"] = "ok" if database is None else "unavailable"
    if database:
        reasons.append(database)
    redis = check_redis(registry.client)
    body["redis"] = "ok" if redis is None else "unavailable"
    if redis:
        reasons.append(redis)
        reasons.append("workers unknown: the registry is in redis")
    else:
        try:
            counts = workers_per_queue(registry)
        except Exception as exc:  # noqa: BLE001 - Redis went away between the two calls
            logger.warning("health: worker registry unreadable: %s", exc)
            reasons.append("workers unknown: the registry is unreadable")
        else:
            body["workers"] = {queue: counts.get(queue, 0) for queue in expected_queues}
            reasons.extend(
                f"no live worker consumes the {queue} queue"
                for queue in expected_queues
                if not counts.get(queue)
            )
    body = {"status": "unavailable" if reasons else "ok", **body}
    if reasons:
        body["reasons"] = reasons
    return not reasons, body


def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"error": "GET or HEAD only"}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    healthy, body = health_report(
        registry=worker_registry.default_registry(),
        expected_queues=settings.TRACELAB_EXPECTED_QUEUES,
    )
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    # A 503 here is an answer, not a server error: the reasons are logged above, and
    # Django's "Service Unavailable" error line would repeat on every poll of an outage.
    response._has_been_logged = True
    return response
