"""Instructor pages for regrading an exercise's submissions against its current version.

They open for those who may regrade the exercise (`regrade.regrade_allowed`: its
cohorts' instructors, its authors, superusers), 404 for other instructors. The report
names only the viewer's students.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from exercises.models import (
    Exercise,
    Regrade,
)
from exercises.services import regrade
from exercises.view_access import exercise_or_404, instructor_json_required, instructor_required


@require_http_methods(["GET", "POST"])
@instructor_required
def regrade_page(request: HttpRequest, exercise_slug: str) -> HttpResponse:
    exercise = _regradable_or_404(request, exercise_slug)
    if request.method == "POST":
        try:
            run = regrade.regrade_start(exercise=exercise, user=request.user)
        except regrade.RegradeError as exc:
            messages.error(request, str(exc))
            return redirect("instructor:regrade", exercise.slug)
        return redirect("instructor:regrade_detail", exercise.slug, run.pk)
    return render(
        request,
        "exercises/instructor/regrade.html",
        {
            "exercise": exercise,
            "count": regrade.regradable_submissions(exercise=exercise).count(),
            "regrades": exercise.regrades.select_related("version", "created_by")[:20],
        },
    )


def _regradable_or_404(request: HttpRequest, exercise_slug: str) -> Exercise:
    exercise = exercise_or_404(exercise_slug)
    if not regrade.regrade_allowed(user=request.user, exercise=exercise):
        raise Http404("No such exercise.")
    return exercise


def _regrade_or_404(exercise: Exercise, regrade_id: int) -> Regrade:
    return get_object_or_404(
        Regrade.objects.select_related("version", "created_by"), pk=regrade_id, exercise=exercise
    )


def _regrade_context(run: Regrade, viewer) -> dict[str, Any]:
    progress = regrade.regrade_progress(regrade=run)
    visible = regrade.regrade_changes(regrade=run, visible_to=viewer)
    return {
        "run": run,
        "progress": progress,
        "changes": visible[:500],
        # Changes of other instructors' students: counted above, never named.
        "unlisted": progress.changed - len(visible),
    }


@require_http_methods(["GET", "POST"])
@instructor_required
def regrade_detail(request: HttpRequest, exercise_slug: str, regrade_id: int) -> HttpResponse:
    exercise = _regradable_or_404(request, exercise_slug)
    run = _regrade_or_404(exercise, regrade_id)
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            if regrade.regrade_stop(regrade=run):
                messages.info(request, "Stopped. A new regrade of this exercise can start.")
            return redirect("instructor:regrade_detail", exercise.slug, run.pk)
        sent = regrade.regrade_resend_pending(regrade=run)
        messages.info(
            request, f"Sent {sent} unfinished submission{'s' if sent != 1 else ''} again."
        )
        return redirect("instructor:regrade_detail", exercise.slug, run.pk)
    context = {"exercise": exercise, **_regrade_context(run, request.user)}
    return render(request, "exercises/instructor/regrade_detail.html", context)


@require_GET
@never_cache
@instructor_json_required
def regrade_progress(request: HttpRequest, exercise_slug: str, regrade_id: int) -> JsonResponse:
    exercise = _regradable_or_404(request, exercise_slug)
    run = _regrade_or_404(exercise, regrade_id)
    context = {"exercise": exercise, **_regrade_context(run, request.user)}
    html = render_to_string("exercises/instructor/_regrade_progress.html", context, request=request)
    return JsonResponse({"done": context["progress"].finished, "html": html})
