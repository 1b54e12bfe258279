"""The student's way through the course: catalogue, lessons, figures, quizzes, progress.

Views stay thin: reads come from services.progress, writes go through services.learning,
and lesson text is rendered (and cached) by exercises.rendering.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import hooks
from exercises.models import Lesson, PracticeProblem, QuizAttempt, QuizItem, Track
from exercises.rendering import lesson_body_html, practice_html, quiz_items_html
from exercises.services import cohorts
from exercises.services import progress as progress_reads
from exercises.services.learning import (
    QuizUnavailable,
    lesson_mark_complete,
    lesson_mark_started,
    quiz_attempt_start,
    quiz_attempt_submit,
)

# Figures are authored SVG, shown through <img>. Served on their own they still get a
# policy that forbids scripts and every other fetch, and a sandbox, so even a figure
# that carried script could never run it.
FIGURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    tracks = progress_reads.catalogue(user=user)
    context = {
        "tracks": tracks,
        "next_step": progress_reads.next_step(tracks=tracks) if user else None,
        "exercises": progress_reads.exercises_outside_lessons(),
        "invitations": cohorts.invitations_for(user=user) if user else (),
        "panels": hooks.panels("home", request) if user else (),
    }
    return render(request, "exercises/home.html", context)


@require_GET
def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    track = get_object_or_404(Track, slug=slug)
    user = request.user if request.user.is_authenticated else None
    tracks = progress_reads.catalogue(user=user, track=track)
    if not tracks:
        raise Http404("This track has no lessons yet.")
    context = {
        "entry": tracks[0],
        "next_step": progress_reads.next_step(tracks=tracks) if user else None,
    }
    return render(request, "exercises/track_detail.html", context)


def _active_lesson(slug: str) -> Lesson:
    return get_object_or_404(Lesson.objects.select_related("track"), slug=slug, active=True)


@login_required
@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _active_lesson(slug)
    progress = lesson_mark_started(user=request.user, lesson=lesson)
    problems = list(PracticeProblem.objects.filter(lesson=lesson).order_by("position"))
    quiz_size = QuizItem.objects.filter(lesson=lesson, active=True).count()
    context = {
        "lesson": lesson,
        "progress": progress,
        "place": progress_reads.lesson_place(lesson=lesson),
        "body_html": lesson_body_html(lesson=lesson),
        "practice": practice_html(lesson=lesson, problems=problems),
        "exercises": progress_reads.lesson_exercises(user=request.user, lesson=lesson),
        "quiz_size": quiz_size,
    }
    return render(request, "exercises/lesson_detail.html", context)


@require_GET
def lesson_figure(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    lesson = _active_lesson(slug)
    svg = (lesson.assets or {}).get(name)
    if svg is None or not name.endswith(".svg"):
        raise Http404("No such figure.")
    response = HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = FIGURE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@require_POST
def lesson_complete(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _active_lesson(slug)
    try:
        lesson_mark_complete(user=request.user, lesson=lesson)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("lesson_detail", slug=lesson.slug)


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _active_lesson(slug)
    if request.method == "POST":
        try:
            attempt_id = int(request.POST.get("attempt", ""))
        except ValueError:
            return redirect("lesson_quiz", slug=lesson.slug)
        choices = {
            key.removeprefix("item-"): value
            for key, value in request.POST.items()
            if key.startswith("item-")
        }
        # Only the student's own attempt at this lesson's quiz can be scored here.
        if not QuizAttempt.objects.filter(pk=attempt_id, user=request.user, lesson=lesson).exists():
            raise Http404("No such quiz attempt.")
        attempt = quiz_attempt_submit(user=request.user, attempt_id=attempt_id, choices=choices)
        return redirect("lesson_quiz_result", slug=lesson.slug, attempt_id=attempt.pk)

    lesson_mark_started(user=request.user, lesson=lesson)
    try:
        attempt = quiz_attempt_start(user=request.user, lesson=lesson)
    except QuizUnavailable as exc:
        messages.info(request, str(exc))
        return redirect("lesson_detail", slug=lesson.slug)
    items = _attempt_items(lesson=lesson, attempt=attempt)
    html = quiz_items_html(lesson=lesson, items=items)
    questions = [
        {
            "number": number,
            "key": item.key,
            "html": html[item.key],
            "options": [
                {"position": position, "html": html[item.key]["options"][original]}
                for position, original in enumerate(attempt.order[item.key])
            ],
        }
        for number, item in enumerate(items, start=1)
    ]
    context = {
        "lesson": lesson,
        "attempt": attempt,
        "questions": questions,
        "place": progress_reads.lesson_place(lesson=lesson),
    }
    return render(request, "exercises/quiz.html", context)


@login_required
@require_GET
def quiz_result(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    lesson = _active_lesson(slug)
    attempt = get_object_or_404(
        QuizAttempt, pk=attempt_id, user=request.user, lesson=lesson, submitted_at__isnull=False
    )
    items = _attempt_items(lesson=lesson, attempt=attempt)
    html = quiz_items_html(lesson=lesson, items=items)
    rows = []
    for number, item in enumerate(items, start=1):
        chosen = (attempt.answers or {}).get(item.key)
        rows.append(
            {
                "number": number,
                "key": item.key,
                "html": html[item.key],
                "correct": chosen is not None and chosen == item.answer,
                "answered": chosen is not None,
                "chosen_html": html[item.key]["options"][chosen]
                if chosen is not None and 0 <= chosen < len(item.options)
                else None,
                "right_html": html[item.key]["options"][item.answer],
            }
        )
    progress = lesson_mark_started(user=request.user, lesson=lesson)
    exercises = progress_reads.lesson_exercises(user=request.user, lesson=lesson)
    context = {
        "lesson": lesson,
        "attempt": attempt,
        "rows": rows,
        "correct": sum(1 for row in rows if row["correct"]),
        "wrong": [row for row in rows if not row["correct"]],
        "progress": progress,
        "place": progress_reads.lesson_place(lesson=lesson),
        "next_exercise": next((e for e in exercises if not e.solved), None)
        or (exercises[0] if exercises else None),
    }
    return render(request, "exercises/quiz_result.html", context)


def _attempt_items(*, lesson: Lesson, attempt: QuizAttempt) -> list[QuizItem]:
    """The attempt's items in the order it showed them (retired ones included)."""
    by_key = {item.key: item for item in QuizItem.objects.filter(lesson=lesson)}
    return [by_key[key] for key in attempt.order if key in by_key]


@login_required
@require_GET
def my_progress(request: HttpRequest) -> HttpResponse:
    report = progress_reads.progress_report(user=request.user)
    return render(request, "exercises/progress.html", {"report": report})
