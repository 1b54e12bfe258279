"""Exercise pages and the submission JSON API. Decisions live in services and selectors."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from exercises import selectors
from exercises.markdown import render_markdown, strip_leading_title
from exercises.models import Submission
from exercises.results import result_for_student
from exercises.services.submissions import (
    SubmissionRateLimited,
    SubmissionRefused,
    SubmissionTooLarge,
    submission_create,
)


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but answers 401 JSON instead of redirecting to a login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"error": "Log in first."}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "exercises/home.html", {"exercises": selectors.exercises_published()})


@login_required
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = selectors.exercise_published_get(slug=slug)
    if exercise is None:
        raise Http404("No such exercise.")
    version = exercise.current_version
    latest_code = selectors.submission_latest_code(user=request.user, exercise=exercise)
    context = {
        "exercise": exercise,
        "version": version,
        "prompt_html": render_markdown(strip_leading_title(version.prompt, title=version.title)),
        "code": latest_code if latest_code is not None else version.starter,
        "history": selectors.submissions_for_exercise(user=request.user, exercise=exercise),
        "max_bytes": settings.TRACELAB_SUBMISSION_MAX_BYTES,
    }
    return render(request, "exercises/exercise_detail.html", context)


@require_POST
@api_login_required
def api_submission_create(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = selectors.exercise_published_get(slug=slug)
    if exercise is None:
        return JsonResponse({"error": "No such exercise."}, status=404)
    try:
        body = request.body
    except RequestDataTooBig:
        limit = settings.TRACELAB_SUBMISSION_MAX_BYTES
        return JsonResponse(
            {"error": f"The request is too large; code may be at most {limit:,} bytes."},
            status=413,
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse(
            {"error": 'Send a JSON object: {"code": ..., "mode": ...}.'}, status=400
        )
    if not isinstance(payload, dict) or not isinstance(payload.get("code"), str):
        return JsonResponse({"error": 'The field "code" (a string) is required.'}, status=400)
    mode = payload.get("mode", Submission.Mode.SUBMIT)
    if not isinstance(mode, str):
        return JsonResponse({"error": 'The field "mode" must be a string.'}, status=400)

    try:
        submission = submission_create(
            user=request.user, exercise=exercise, code=payload["code"], mode=mode
        )
    except SubmissionTooLarge as exc:
        return JsonResponse({"error": str(exc)}, status=413)
    except SubmissionRateLimited as exc:
        response = JsonResponse({"error": str(exc)}, status=429)
        response["Retry-After"] = "60"
        return response
    except SubmissionRefused as exc:
        return JsonResponse({"error": str(exc)}, status=400)

    return JsonResponse(
        {
            "id": submission.pk,
            "status": submission.status,
            "status_url": reverse("api_submission_detail", args=[submission.pk]),
            "fragment_url": reverse("submission_fragment", args=[submission.pk]),
        },
        status=202,
    )


@require_GET
@never_cache
@api_login_required
def api_submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_for_user(user=request.user, submission_id=submission_id)
    if submission is None:
        return JsonResponse({"error": "No such submission."}, status=404)
    return JsonResponse(
        {
            "id": submission.pk,
            "status": submission.status,
            "verdict": submission.verdict or None,
            "score": submission.score,
            "result": result_for_student(submission.result),
            "queue_position": selectors.submission_queue_position(submission=submission),
        }
    )


@require_GET
@never_cache
@api_login_required
def submission_fragment(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_for_user(user=request.user, submission_id=submission_id)
    if submission is None:
        return JsonResponse({"error": "No such submission."}, status=404)
    html = render_to_string(
        "exercises/_result.html",
        {
            "submission": submission,
            "result": result_for_student(submission.result),
            "queue_position": selectors.submission_queue_position(submission=submission),
        },
        request=request,
    )
    return JsonResponse({"status": submission.status, "done": submission.is_done, "html": html})
