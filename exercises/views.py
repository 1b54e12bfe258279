"""Exercise pages, past attempts and their diffs, and the submission JSON API.

Decisions live in services and selectors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from exercises import hooks, params, selectors
from exercises.diffs import code_diff, highlight_python
from exercises.markdown import render_markdown, strip_leading_title
from exercises.models import Submission
from exercises.plots import result_plots
from exercises.results import result_for_student
from exercises.services.submissions import (
    SubmissionRateLimited,
    SubmissionRefused,
    SubmissionTooLarge,
    submission_create,
)
from exercises.view_access import api_login_required

HISTORY_PAGE_SIZE = 50
PLOT_CACHE_SECONDS = 24 * 3600


@login_required
@require_GET
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = selectors.exercise_published_get(slug=slug)
    if exercise is None:
        raise Http404("No such exercise.")
    version = exercise.current_version
    latest = selectors.submission_latest(user=request.user, exercise=exercise)
    context = {
        "exercise": exercise,
        "version": version,
        "prompt_html": _prompt_html(version),
        "code": latest.code if latest is not None else version.starter,
        "latest_at": latest.created_at if latest is not None else None,
        "history_rows": _with_previous(
            selectors.submissions_for_exercise(user=request.user, exercise=exercise)
        ),
        "max_bytes": settings.TRACELAB_SUBMISSION_MAX_BYTES,
        "place": selectors.exercise_place(exercise=exercise),
        "solved": selectors.exercise_solved(user=request.user, exercise=exercise),
        "panels": hooks.panels("exercise", request, exercise=exercise),
    }
    return render(request, "exercises/exercise_detail.html", context)


def _with_previous(history: list[Submission]) -> list[tuple[Submission, int | None]]:
    """Pairs each submission (newest first) with the id of the one before it, if listed."""
    return [
        (item, history[index + 1].pk if index + 1 < len(history) else None)
        for index, item in enumerate(history)
    ]


def _prompt_html(version) -> str:
    key = f"prompt:{version.pk}:{version.content_hash}"
    html = cache.get(key)
    if html is None:
        html = str(render_markdown(strip_leading_title(version.prompt, title=version.title)))
        cache.set(key, html, PLOT_CACHE_SECONDS)
    return mark_safe(html)  # rendered and sanitised by render_markdown


@login_required
@require_GET
def exercise_history(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = selectors.exercise_published_get(slug=slug)
    if exercise is None:
        raise Http404("No such exercise.")
    submissions = selectors.submissions_for_exercise_all(user=request.user, exercise=exercise)
    page = Paginator(submissions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    history = list(page.object_list)
    context = {
        "exercise": exercise,
        "page": page,
        "history_rows": _with_previous(history),
        "compare_choices": history,
        "place": selectors.exercise_place(exercise=exercise),
    }
    return render(request, "exercises/exercise_history.html", context)


@login_required
@require_GET
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_for_user(user=request.user, submission_id=submission_id)
    if submission is None:
        raise Http404("No such submission.")
    exercise = submission.exercise_version.exercise
    context = {
        "submission": submission,
        "exercise": exercise,
        "code_html": highlight_python(submission.code),
        "previous_id": selectors.submission_previous_id(submission=submission),
        **_result_context(submission, prefix=f"s{submission.pk}"),
    }
    return render(request, "exercises/submission_detail.html", context)


@login_required
@require_GET
def submission_diff(request: HttpRequest, submission_id: int, other_id: int) -> HttpResponse:
    old = selectors.submission_for_user(user=request.user, submission_id=submission_id)
    new = selectors.submission_for_user(user=request.user, submission_id=other_id)
    if old is None or new is None:
        raise Http404("No such submission.")
    context = {
        "old": old,
        "new": new,
        "exercise": new.exercise_version.exercise,
        "diff": code_diff(old.code, new.code),
    }
    return render(request, "exercises/submission_diff.html", context)


@login_required
@require_GET
def submission_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """The history page's compare form: a plain GET that lands on the diff's own URL.

    Its selects always send two ids; anything else is a hand-made URL and gets a 400.
    """
    try:
        old = params.record_id(request.GET.get("a"), name="The older attempt")
        new = params.record_id(request.GET.get("b"), name="The newer attempt")
    except params.BadParameter as exc:
        return params.bad_request(f"{exc} Pick two attempts on the history page.")
    if old > new:
        old, new = new, old
    return redirect("submission_diff", submission_id=old, other_id=new)


def _result_context(submission: Submission, *, prefix: str) -> dict[str, Any]:
    """What _result.html needs: the student's view of the result and, once graded, plots.

    Plots of a finished submission never change, so they are drawn once and cached.
    """
    result = result_for_student(submission.result)
    plots: list = []
    if submission.is_done and result:
        finished = submission.finished_at.timestamp() if submission.finished_at else 0
        key = f"plots:{submission.pk}:{prefix}:{finished}"
        plots = cache.get(key)
        if plots is None:
            plots = result_plots(result, prefix=prefix)
            cache.set(key, plots, PLOT_CACHE_SECONDS)
    failing = [case.index for case in plots if not case.passed]
    return {
        "submission": submission,
        "result": result,
        "plots": plots,
        # The first failing case's plots start open; all of them when everything passed.
        "plots_open": failing[0] if failing else (plots[0].index if plots else None),
        **_queue_context(queue_position=selectors.submission_queue_position(submission=submission)),
    }


def _queue_context(*, queue_position: int | None) -> dict[str, Any]:
    return {
        "queue_position": queue_position,
        "queue_wait_seconds": selectors.queue_wait_seconds(queue_position=queue_position),
    }


def queued_fragment(request: HttpRequest, submission: Submission, queue_position: int) -> dict:
    """A queued submission's fragment at a known queue position, without reading its row:
    what a stream sends each time the queue moves (exercises/views_live.py)."""
    context = {"submission": submission, **_queue_context(queue_position=queue_position)}
    return _waiting_state(submission, context, request)


def _waiting_state(submission: Submission, context: dict, request: HttpRequest) -> dict:
    """The state of a submission not graded yet: its fragment and when to ask again."""
    return {
        "status": submission.status,
        "done": False,
        "html": render_to_string("exercises/_result.html", context, request=request),
        "poll_after_ms": selectors.submission_poll_after_ms(
            submission=submission, queue_position=context["queue_position"]
        ),
        "queue_wait_seconds": context["queue_wait_seconds"],
    }


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
    except RawPostDataException:
        # A multipart form: the CSRF check has read it already, and it is not JSON.
        return JsonResponse(
            {"error": 'Send JSON (Content-Type: application/json): {"code": ..., "mode": ...}.'},
            status=400,
        )
    try:
        payload = params.json_body(body, hint='Send a JSON object: {"code": ..., "mode": ...}.')
    except params.BadParameter as exc:
        return JsonResponse({"error": str(exc)}, status=400)
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
        return JsonResponse({"error": str(exc)}, status=exc.status)

    return JsonResponse(
        {
            "id": submission.pk,
            "status": submission.status,
            "status_url": reverse("api_submission_detail", args=[submission.pk]),
            "fragment_url": reverse("submission_fragment", args=[submission.pk]),
            "events_url": reverse("submission_events", args=[submission.pk]),
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
    state = submission_state(request, submission_id)
    if state is None:
        return JsonResponse({"error": "No such submission."}, status=404)
    return JsonResponse(state)


def submission_state(request: HttpRequest, submission_id: int) -> dict | None:
    """What a page following a submission shows (its fragment, and once done its history
    table); None when it is not the requesting user's. The fragment endpoint answers it,
    the submission's event stream pushes it."""
    submission = selectors.submission_for_user(user=request.user, submission_id=submission_id)
    if submission is None:
        return None
    context = _result_context(submission, prefix=f"s{submission.pk}")
    if not submission.is_done:
        return _waiting_state(submission, context, request)
    # The page's history table gains the attempt that just finished.
    history = selectors.submissions_for_exercise(
        user=request.user, exercise=submission.exercise_version.exercise
    )
    return {
        "status": submission.status,
        "done": True,
        "html": render_to_string("exercises/_result.html", context, request=request),
        "history_html": render_to_string(
            "exercises/_history_table.html",
            {"history_rows": _with_previous(history)},
            request=request,
        ),
    }
