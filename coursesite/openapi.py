"""The OpenAPI 3.0 description of TraceLab's JSON endpoints, served at /api/openapi.json.

It is written by hand, next to nothing else, so that it says what the endpoints promise
rather than what a generator guessed; tests/coursesite/test_openapi_fuzz.py sends
generated requests from it to the application and checks every answer against it.
HTML pages are not described here; the authorization matrix covers them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from exercises.models import Submission

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}},
}
NULLABLE_OBJECT = {"type": "object", "nullable": True}

SUBMISSION_CREATED = {
    "type": "object",
    "required": ["id", "status", "status_url", "fragment_url", "events_url"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": list(Submission.Status.values)},
        "status_url": {"type": "string"},
        "fragment_url": {"type": "string"},
        # text/event-stream: each change of state, as the fragment endpoint answers it
        "events_url": {"type": "string"},
    },
}
SUBMISSION = {
    "type": "object",
    "required": ["id", "status", "verdict", "score", "result", "queue_position"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": list(Submission.Status.values)},
        "verdict": {"type": "string", "nullable": True, "enum": [*Submission.Verdict.values, None]},
        "score": {"type": "number", "nullable": True},
        "result": NULLABLE_OBJECT,
        "queue_position": {"type": "integer", "nullable": True},
    },
}
FRAGMENT = {
    "type": "object",
    "required": ["status", "done", "html"],
    "properties": {
        "status": {"type": "string", "enum": list(Submission.Status.values)},
        "done": {"type": "boolean"},
        "html": {"type": "string"},
        "poll_after_ms": {"type": "integer", "minimum": 0},
        "history_html": {"type": "string"},
    },
}
DRAFT_VALIDATION = {
    "type": "object",
    "required": ["status", "done", "publishable", "html"],
    "properties": {
        "status": {"type": "string"},
        "done": {"type": "boolean"},
        "publishable": {"type": "boolean"},
        "html": {"type": "string"},
    },
}
HEALTH = {
    "type": "object",
    "required": ["status", "database", "redis"],
    "properties": {
        "status": {"type": "string", "enum": ["ok", "unavailable"]},
        "database": {"type": "string", "enum": ["ok", "unavailable"]},
        "redis": {"type": "string", "enum": ["ok", "unavailable"]},
        "workers": {
            "type": "object",
            "description": "Live workers consuming each expected queue.",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
}
REGRADE_PROGRESS = {
    "type": "object",
    "required": ["done", "html"],
    "properties": {"done": {"type": "boolean"}, "html": {"type": "string"}},
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1, "maxLength": 100}


def _path_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


UNAUTHENTICATED = _json(ERROR, "Not logged in.")
NOT_AN_INSTRUCTOR = _json(ERROR, "Logged in, but not an instructor.")


def openapi_schema() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "TraceLab JSON API",
            "version": "1",
            "description": (
                "Submitting code and following its grading, as the exercise page does, and "
                "the progress endpoints of the instructor pages. Requests are authenticated "
                "by the session cookie of a logged-in user; unsafe methods also need "
                "Django's CSRF token in the X-CSRFToken header."
            ),
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            }
        },
        "security": [{"session": []}],
        "paths": {
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "Database, Redis and a live worker on every expected queue.",
                    "security": [],
                    "responses": {
                        "200": _json(HEALTH, "Everything a grading needs answers."),
                        "503": _json(HEALTH, "Something is missing; `reasons` says what."),
                    },
                }
            },
            "/api/exercises/{slug}/submissions": {
                "post": {
                    "operationId": "submission_create",
                    "summary": "Submit code for grading (or run the visible cases).",
                    "security": [{"session": [], "csrf": []}],
                    "parameters": [_path_param("slug", SLUG)],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["code"],
                                    "properties": {
                                        "code": {"type": "string"},
                                        "mode": {
                                            "type": "string",
                                            "enum": list(Submission.Mode.values),
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": _json(SUBMISSION_CREATED, "Queued for grading."),
                        "400": _json(ERROR, "Not a JSON object with a string `code`."),
                        "401": UNAUTHENTICATED,
                        "403": _json(
                            ERROR,
                            "The CSRF token is missing or wrong, or the exercise's assignment "
                            "is closed to submissions.",
                        ),
                        "404": _json(ERROR, "No published exercise with this slug."),
                        "413": _json(ERROR, "The code or the request is too large."),
                        "429": _json(ERROR, "Too many submissions; see Retry-After."),
                    },
                }
            },
            "/api/submissions/{submission_id}": {
                "get": {
                    "operationId": "submission_detail",
                    "summary": "A submission of the logged-in user: status, verdict, result.",
                    "parameters": [_path_param("submission_id", ID)],
                    "responses": {
                        "200": _json(SUBMISSION, "The submission."),
                        "401": UNAUTHENTICATED,
                        "404": _json(ERROR, "No such submission of this user."),
                    },
                }
            },
            "/submissions/{submission_id}/fragment": {
                "get": {
                    "operationId": "submission_fragment",
                    "summary": "The result panel of a submission, rendered, and when to ask again.",
                    "parameters": [_path_param("submission_id", ID)],
                    "responses": {
                        "200": _json(FRAGMENT, "The rendered result panel."),
                        "401": UNAUTHENTICATED,
                        "404": {
                            "description": "No such submission of this user.",
                            "content": {
                                "application/json": {"schema": ERROR},
                                "text/html": {"schema": {"type": "string"}},
                            },
                        },
                    },
                }
            },
            "/instructor/exercises/drafts/{draft_id}/validation": {
                "get": {
                    "operationId": "draft_validation",
                    "summary": "The state of a draft's validation, rendered.",
                    "parameters": [_path_param("draft_id", ID)],
                    "responses": {
                        "200": _json(DRAFT_VALIDATION, "The validation panel."),
                        "401": UNAUTHENTICATED,
                        "403": NOT_AN_INSTRUCTOR,
                        "404": _html("No such draft of this instructor."),
                    },
                }
            },
            "/instructor/exercises/{exercise_slug}/regrade/{regrade_id}/progress": {
                "get": {
                    "operationId": "regrade_progress",
                    "summary": "A regrade's progress, rendered.",
                    "parameters": [
                        _path_param("exercise_slug", SLUG),
                        _path_param("regrade_id", ID),
                    ],
                    "responses": {
                        "200": _json(REGRADE_PROGRESS, "The progress panel."),
                        "401": UNAUTHENTICATED,
                        "403": NOT_AN_INSTRUCTOR,
                        "404": _html("No such exercise or regrade."),
                    },
                }
            },
        },
    }


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_schema())
