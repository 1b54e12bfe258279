"""Who may open a page or ask for JSON, and the objects instructor pages look up (404 when
absent)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from exercises.models import Cohort, Exercise
from exercises.services import cohorts


def instructor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else the login page) and an instructor (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cohorts.is_instructor(request.user):
            raise PermissionDenied("Only instructors can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but answers 401 JSON instead of redirecting to a login page:
    a script asking for JSON cannot follow a redirect to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"error": "Log in first."}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def instructor_json_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the JSON an instructor page polls: 401 when logged out, 403 for a non-instructor."""

    @api_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cohorts.is_instructor(request.user):
            return JsonResponse({"error": "Only instructors can ask for this."}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def cohort_or_404(request: HttpRequest, slug: str) -> Cohort:
    cohort = cohorts.cohort_for_instructor(user=request.user, slug=slug)
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def exercise_or_404(slug: str) -> Exercise:
    exercise = Exercise.objects.select_related("current_version").filter(slug=slug).first()
    if exercise is None:
        raise Http404("No such exercise.")
    return exercise
