"""Server time of every student page, measured through Django's test Client.

    python manage.py bench_pages               # 50 requests per page
    python manage.py bench_pages -n 200 --cold # clear the cache before every request

Seeds (once) a student with a realistic history: lessons read and completed, quizzes
failed and passed, and several graded attempts per exercise whose results carry plot
data like the grader's. Prints p50 and p95 per page in milliseconds.
"""

from __future__ import annotations

import math
import statistics
import time
import tomllib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exercises.models import (
    Exercise,
    Lesson,
    LessonProgress,
    QuizAttempt,
    QuizItem,
    Submission,
)
from exercises.services.learning import quiz_attempt_start, quiz_attempt_submit

BENCH_USERNAME = "bench-student"
ATTEMPTS_PER_EXERCISE = 6
TARGET_P95_MS = 50.0
WARM_UP_REQUESTS = 3


class Command(BaseCommand):
    help = "Measure p50/p95 server time of each student page for a student with history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-n", "--requests", type=int, default=50, help="requests per page")
        parser.add_argument(
            "--cold", action="store_true", help="clear the cache before every request"
        )

    def handle(self, *args: Any, requests: int, cold: bool, **options: Any) -> None:
        if requests < 2:
            raise CommandError("use at least 2 requests per page")
        if not Exercise.objects.filter(current_version__isnull=False).exists():
            self.stdout.write("No exercises in the database: loading the bank first.")
            call_command("sync_bank", verbosity=0, stdout=self.stdout)
        user = seed_student()
        pages = student_pages(user)
        if not pages:
            raise CommandError("nothing to measure: the bank has no lessons or exercises")

        client = Client()
        client.force_login(user)
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

        width = max(len(name) for name, _ in pages)
        self.stdout.write(
            f"{'page'.ljust(width)}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}  "
            f"({requests} requests each{', cold cache' if cold else ''})"
        )
        worst = 0.0
        for name, url in pages:
            for _ in range(WARM_UP_REQUESTS):  # first use compiles templates, imports modules
                client.get(url)
            timings = []
            for _ in range(requests):
                if cold:
                    cache.clear()
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            p50 = statistics.median(timings)
            p95 = percentile(timings, 95)
            worst = max(worst, p95)
            flag = "" if p95 <= TARGET_P95_MS else "  over target"
            self.stdout.write(
                f"{name.ljust(width)}  {p50:8.1f}  {p95:8.1f}  {max(timings):8.1f}{flag}"
            )
        self.stdout.write(f"worst p95: {worst:.1f} ms (target {TARGET_P95_MS:.0f} ms)")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def student_pages(user) -> list[tuple[str, str]]:
    """(name, url) of every student page, pointed at the seeded student's history."""
    pages = [("home", reverse("home")), ("my progress", reverse("my_progress"))]
    lesson = (
        Lesson.objects.filter(active=True, quiz_items__active=True)
        .select_related("track")
        .order_by("track__position", "position")
        .first()
    )
    if lesson is not None:
        pages.append(("track", reverse("track_detail", args=[lesson.track.slug])))
        pages.append(("lesson", reverse("lesson_detail", args=[lesson.slug])))
        pages.append(("quiz", reverse("lesson_quiz", args=[lesson.slug])))
        attempt = (
            QuizAttempt.objects.filter(user=user, lesson=lesson, submitted_at__isnull=False)
            .order_by("-id")
            .first()
        )
        if attempt is not None:
            pages.append(
                ("quiz result", reverse("lesson_quiz_result", args=[lesson.slug, attempt.pk]))
            )
    exercise = (
        Exercise.objects.filter(current_version__isnull=False, submissions__user=user)
        .order_by("slug")
        .first()
    )
    if exercise is not None:
        pages.append(("exercise", reverse("exercise_detail", args=[exercise.slug])))
        pages.append(("history", reverse("exercise_history", args=[exercise.slug])))
        ids = list(
            Submission.objects.filter(user=user, exercise=exercise)
            .order_by("created_at", "id")
            .values_list("id", flat=True)
        )
        failed = (
            Submission.objects.filter(user=user, exercise=exercise, verdict="failed")
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        pages.append(("submission", reverse("submission_detail", args=[failed or ids[-1]])))
        pages.append(("result fragment", reverse("submission_fragment", args=[failed or ids[-1]])))
        if len(ids) > 1:
            pages.append(("diff", reverse("submission_diff", args=[ids[0], ids[-1]])))
    return pages


@transaction.atomic
def seed_student():
    """The benchmark student, with a history created on first use."""
    user, created = get_user_model().objects.get_or_create(username=BENCH_USERNAME)
    if not created and Submission.objects.filter(user=user).exists():
        return user
    user.set_unusable_password()
    user.save()

    lessons = list(Lesson.objects.filter(active=True).order_by("track__position", "position"))
    done = lessons[: max(1, len(lessons) // 2)]
    for lesson in lessons[: len(done) + 1]:
        items = list(QuizItem.objects.filter(lesson=lesson, active=True).order_by("position"))
        if not items:
            LessonProgress.objects.get_or_create(user=user, lesson=lesson)
            continue
        for right in (False, True) if lesson in done else (False,):
            attempt = quiz_attempt_start(user=user, lesson=lesson)
            choices = {}
            for n, item in enumerate(items):
                correct = right or n % 2 == 0
                wanted = item.answer if correct else (item.answer + 1) % len(item.options)
                choices[item.key] = attempt.order[item.key].index(wanted)
            quiz_attempt_submit(user=user, attempt_id=attempt.pk, choices=choices)

    now = timezone.now()
    exercises = list(
        Exercise.objects.filter(current_version__isnull=False).select_related("current_version")
    )
    for e_index, exercise in enumerate(exercises):
        version = exercise.current_version
        solved = e_index % 3 != 2
        for attempt in range(ATTEMPTS_PER_EXERCISE):
            last = attempt == ATTEMPTS_PER_EXERCISE - 1
            passed = solved and last
            result = synthetic_result(version=version, passed=passed, seed=attempt)
            when = now - timedelta(
                hours=e_index + 1, minutes=10 * (ATTEMPTS_PER_EXERCISE - attempt)
            )
            submission = Submission.objects.create(
                user=user,
                exercise=exercise,
                exercise_version=version,
                code=version.starter + f"\n# attempt {attempt + 1}\n" + "x = 1\n" * attempt,
                mode=Submission.Mode.RUN if attempt == 0 else Submission.Mode.SUBMIT,
                status=Submission.Status.DONE,
                verdict=result["verdict"],
                score=result["score"],
                result=result,
                queued_at=when,
                started_at=when,
                finished_at=when + timedelta(milliseconds=150),
            )
            Submission.objects.filter(pk=submission.pk).update(created_at=when)
    return user


def synthetic_result(*, version, passed: bool, seed: int) -> dict[str, Any]:
    """A result shaped like the grader's, with plot data, for the visible cases of the
    version's bundle: gradient descent paths for optimizer cases, a cosine for schedules."""
    try:
        spec = tomllib.loads(version.files.get("exercise.toml", ""))
    except tomllib.TOMLDecodeError:
        spec = {}
    cases = []
    for index, case in enumerate(spec.get("cases") or []):
        if case.get("hidden"):
            cases.append(
                {
                    "name": case.get("name", f"hidden {index}"),
                    "hidden": True,
                    "passed": passed,
                    "steps_compared": None,
                    "divergence": None if passed else {"step": 3},
                    "error": None,
                }
            )
            continue
        reference, got, quantities = _traces(case, passed=passed, seed=seed)
        errors = [
            max(abs(g - r) for q in quantities for r, g in zip(ref[q], own[q], strict=True))
            for ref, own in zip(reference, got, strict=True)
        ]
        first = next((i for i, e in enumerate(errors) if e > 1e-9), None)
        cases.append(
            {
                "name": case.get("name", f"case {index}"),
                "hidden": False,
                "passed": first is None,
                "steps_compared": len(reference),
                "steps_total": len(reference),
                "divergence": None
                if first is None
                else {
                    "step": first + 1,
                    "quantity": quantities[0],
                    "index": 0,
                    "expected": reference[first][quantities[0]][0],
                    "got": got[first][quantities[0]][0],
                    "error": errors[first],
                    "reason": "value",
                },
                "error": None,
                "plot": {
                    "quantities": quantities,
                    "reference": reference,
                    "got": got,
                    "step_error": errors,
                    "case": case,
                },
            }
        )
    all_passed = passed and all(c["passed"] for c in cases)
    return _json_safe(
        {
            "verdict": "passed" if all_passed else "failed",
            "score": 1.0
            if all_passed
            else round(sum(c["passed"] for c in cases) / max(len(cases), 1), 4),
            "message": "All cases passed." if all_passed else "Your trace left the reference.",
            "cases": cases,
            "diagnoses": []
            if all_passed
            else [
                {"mistake": "bench-mistake", "title": "A seeded mistake.", "hint": "Look again."}
            ],
            "hints": [],
            "stdout": "",
            "stderr": "",
            "resources": {"wall_ms": 12.0, "cpu_ms": 9.0, "max_rss_kb": 26000},
            "grader_version": "bench",
        }
    )


def _json_safe(value: Any) -> Any:
    """The same structure with inf and NaN (which JSON columns refuse) turned into None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _traces(case: dict, *, passed: bool, seed: int):
    factor = 1.0 if passed else 1.0 + 0.05 * (seed + 1)
    steps = int(case.get("steps", 20))
    if "surface" in case and case.get("w0"):
        import numpy as np

        from grader.harness import surfaces

        try:
            surface = surfaces.build(case["surface"])
        except (KeyError, TypeError, ValueError):
            surface = None
        if surface is not None:
            lr = float((case.get("hyper") or {}).get("lr", 0.01))
            reference, got = [], []
            w_ref = np.asarray(case["w0"], dtype=float)
            w_got = w_ref.copy()
            with np.errstate(all="ignore"):  # plain descent may blow up on Rosenbrock
                for _ in range(steps):
                    w_ref = w_ref - lr * surface.grad(w_ref)
                    w_got = w_got - lr * factor * surface.grad(w_got)
                    if not (np.isfinite(w_ref).all() and np.isfinite(w_got).all()):
                        break  # JSON columns cannot hold inf or NaN
                    reference.append({"w": [float(v) for v in w_ref]})
                    got.append({"w": [float(v) for v in w_got]})
            return reference, got, ["w"]
    peak = 0.001
    reference = [
        {"lr": [peak * 0.5 * (1 + math.cos(math.pi * i / max(steps - 1, 1)))]} for i in range(steps)
    ]
    got = [
        {"lr": [v["lr"][0] * (factor if i > steps // 2 else 1.0)]} for i, v in enumerate(reference)
    ]
    return reference, got, ["lr"]
