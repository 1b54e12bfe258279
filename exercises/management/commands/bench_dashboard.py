"""Time the class dashboard on a large cohort (500 students x 12 exercises x 20 submissions).

    python manage.py bench_dashboard                 # seed if absent, then 30 timed renders
    python manage.py bench_dashboard --runs 100
    python manage.py bench_dashboard --clear         # remove the benchmark data

The data set goes into whatever database the settings point at; to keep it out of the
development database, run it against another file:

    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///var/bench.sqlite3 python manage.py bench_dashboard

or, on PostgreSQL, a database in the test suite's throwaway cluster (tools/testdb.sh;
`start` creates the cluster afresh):

    tools/testdb.sh start && tools/testdb.sh psql -c 'CREATE DATABASE bench' tracelab
    DATABASE_URL=$(tools/testdb.sh url bench) python manage.py migrate
    DATABASE_URL=$(tools/testdb.sh url bench) python manage.py bench_dashboard

Each run is a full GET of the dashboard through the middleware (session, auth), as a
browser would send it; the time is from request to rendered HTML.
"""

from __future__ import annotations

import random
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exercises.models import (
    Cohort,
    Exercise,
    ExerciseVersion,
    Lesson,
    LessonProgress,
    Membership,
    QuizAttempt,
    QuizItem,
    Submission,
    Track,
)
from exercises.services.cohorts import instructors_group_ensure

PREFIX = "bench"
MISTAKES = ("sign-flipped", "forgets-lr", "stale-state", "off-by-one")
QUIZ_ITEMS = 5


@contextmanager
def _explicit_created_at():
    """Let bulk_create write the given created_at instead of "now" (seeding only)."""
    field = Submission._meta.get_field("created_at")
    attempt_field = QuizAttempt._meta.get_field("created_at")
    saved = field.auto_now_add, attempt_field.auto_now_add
    field.auto_now_add = attempt_field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add, attempt_field.auto_now_add = saved


def _result(verdict: str, score: float, mistake: str | None) -> dict:
    """A stored result in the engine's shape (per-case plots left out)."""
    cases = [
        {
            "name": f"case {i}",
            "hidden": i == 2,
            "passed": verdict == "passed" or i == 0,
            "steps_compared": 25,
            "steps_total": 25,
            "divergence": None,
            "error": None,
        }
        for i in range(3)
    ]
    return {
        "verdict": verdict,
        "score": score,
        "message": "All 3 cases match the reference." if verdict == "passed" else "1 of 3 match.",
        "cases": cases,
        "diagnoses": (
            [{"mistake": mistake, "title": f"The {mistake} mistake", "hint": "Check it."}]
            if mistake
            else []
        ),
        "hints": [],
        "stdout": "",
        "stderr": "",
        "resources": {"wall_ms": 9.0},
        "grader_version": "bench",
    }


class Command(BaseCommand):
    help = "Seed a large cohort if absent and time the class dashboard (p50/p95, queries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=500)
        parser.add_argument("--exercises", type=int, default=12)
        parser.add_argument("--submissions", type=int, default=20, help="per student and exercise")
        parser.add_argument("--lessons", type=int, default=6)
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--clear", action="store_true", help="delete the benchmark data")

    def handle(self, *args, students, exercises, submissions, lessons, runs, clear, **options):
        if clear:
            self._clear()
            return
        slug = f"{PREFIX}-{students}x{exercises}x{submissions}"
        cohort = Cohort.objects.filter(slug=slug).first()
        if cohort is None:
            started = time.perf_counter()
            cohort = self._seed(
                slug=slug,
                students=students,
                exercises=exercises,
                per_pair=submissions,
                lessons=lessons,
            )
            self.stdout.write(f"seeded {slug} in {time.perf_counter() - started:.1f} s")
            self._settle()
        else:
            self.stdout.write(f"using the existing data set {slug}")
        self._time(cohort=cohort, runs=runs)

    # -- timing ------------------------------------------------------------------------
    def _time(self, *, cohort: Cohort, runs: int) -> None:
        instructor = cohort.instructors.first()
        client = Client()
        client.force_login(instructor)
        url = reverse("instructor:dashboard", args=[cohort.slug])

        def get():
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code
            return response

        response = get()  # warm-up: templates compiled, connections open
        with CaptureQueriesContext(connection) as queries:
            get()
        # Read now: every later request clears the connection's query log.
        query_count = len(queries)
        timings = []
        for _ in range(max(1, runs)):
            started = time.perf_counter()
            get()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        members = cohort.memberships.count()
        rows = Submission.objects.filter(user__memberships__cohort=cohort).count()
        self.stdout.write(
            f"dashboard {url}: {members} students, {rows} submissions, "
            f"{len(response.content) // 1024} KiB of HTML, {connection.vendor}"
        )
        self.stdout.write(
            f"render time over {len(timings)} runs: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {p95:.1f} ms, min {timings[0]:.1f} ms, max {timings[-1]:.1f} ms"
        )
        self.stdout.write(f"queries per render: {query_count}")

    # -- data set ----------------------------------------------------------------------
    def _settle(self) -> None:
        """PostgreSQL: vacuum and analyze the tables just filled, as autovacuum does within
        a minute or so of a bulk load, so the timings are of that steady state: the
        dashboard's index-only scans need the visibility map that VACUUM sets (until
        then they read the table). Inside a transaction (tests) only ANALYZE can run."""
        if connection.vendor != "postgresql":
            return
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Submission, QuizAttempt, LessonProgress, Membership):
                cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")

    def _clear(self) -> None:
        users = get_user_model().objects.filter(username__startswith=f"{PREFIX}-")
        with transaction.atomic():
            Submission.objects.filter(user__in=users).delete()
            Cohort.objects.filter(slug__startswith=f"{PREFIX}-").delete()
            Exercise.objects.filter(slug__startswith=f"{PREFIX}-").delete()
            Track.objects.filter(slug__startswith=f"{PREFIX}-").delete()
            users.delete()
        self.stdout.write("benchmark data removed")

    def _seed(self, *, slug, students, exercises, per_pair, lessons) -> Cohort:
        rng = random.Random(2024)
        user_model = get_user_model()
        now = timezone.now()
        with transaction.atomic(), _explicit_created_at():
            track, _ = Track.objects.get_or_create(
                slug=f"{PREFIX}-track", defaults={"title": "Benchmark track", "position": 999}
            )
            lesson_rows = []
            for n in range(1, lessons + 1):
                lesson, _ = Lesson.objects.get_or_create(
                    slug=f"{PREFIX}-lesson-{n:02d}",
                    defaults={"track": track, "position": n, "title": f"Lesson {n}", "body": "."},
                )
                lesson_rows.append(lesson)
                for k in range(QUIZ_ITEMS):
                    QuizItem.objects.get_or_create(
                        lesson=lesson,
                        key=f"q{k}",
                        defaults={
                            "position": k,
                            "question": f"Question {k} of lesson {n}?",
                            "options": ["A", "B", "C", "D"],
                            "answer": k % 4,
                            "explanation": ".",
                        },
                    )
            exercise_rows = []
            for n in range(1, exercises + 1):
                exercise, created = Exercise.objects.get_or_create(
                    slug=f"{PREFIX}-ex-{n:02d}",
                    defaults={
                        "title": f"Exercise {n}",
                        "position": n,
                        "lesson": lesson_rows[(n - 1) % len(lesson_rows)] if lesson_rows else None,
                    },
                )
                if created or exercise.current_version_id is None:
                    version = ExerciseVersion.objects.create(
                        exercise=exercise,
                        number=1,
                        content_hash=f"{PREFIX}-{n}",
                        files={"exercise.toml": f'id = "{exercise.slug}"\n'},
                        title=exercise.title,
                        prompt=".",
                        starter="",
                        runtime="numpy",
                        device="cpu",
                        points=10,
                    )
                    exercise.current_version = version
                    exercise.save(update_fields=["current_version"])
                exercise_rows.append(exercise)

            instructor, _ = user_model.objects.get_or_create(username=f"{PREFIX}-instructor")
            instructor.groups.add(instructors_group_ensure())
            cohort = Cohort.objects.create(name=f"Benchmark cohort {slug}", slug=slug, track=track)
            cohort.instructors.add(instructor)

            names = [f"{PREFIX}-s{n:04d}" for n in range(1, students + 1)]
            existing = set(
                user_model.objects.filter(username__in=names).values_list("username", flat=True)
            )
            user_model.objects.bulk_create(
                [user_model(username=name, password="!") for name in names if name not in existing],
                batch_size=1000,
            )
            users = list(user_model.objects.filter(username__in=names).order_by("username"))
            Membership.objects.bulk_create(
                [Membership(cohort=cohort, user=user) for user in users], batch_size=1000
            )
            # The dashboard counts work made after joining: the class joined before all of
            # the (backdated) work below.
            Membership.objects.filter(cohort=cohort).update(joined_at=now - timedelta(days=60))

            batch: list[Submission] = []
            for user in users:
                skill = rng.random()
                for exercise in exercise_rows:
                    start = now - timedelta(days=rng.uniform(1, 30))
                    # Most students pass after a few tries; the weakest never do.
                    pass_at = None if skill < 0.1 else int(rng.expovariate(skill + 0.3))
                    for k in range(per_pair):
                        passed = pass_at is not None and k >= pass_at and rng.random() < 0.8
                        mistake = None if passed or rng.random() < 0.2 else rng.choice(MISTAKES)
                        score = 1.0 if passed else rng.choice((0.0, 1 / 3, 2 / 3))
                        verdict = "passed" if passed else "failed"
                        at = start + timedelta(minutes=7 * k)
                        batch.append(
                            Submission(
                                user=user,
                                exercise=exercise,
                                exercise_version_id=exercise.current_version_id,
                                code="def step(w, grad, lr):\n    return w - lr * grad\n",
                                mode="submit",
                                status="done",
                                verdict=verdict,
                                score=score,
                                result=_result(verdict, score, mistake),
                                named_mistake=mistake or "",
                                created_at=at,
                                queued_at=at,
                                started_at=at,
                                finished_at=at + timedelta(milliseconds=80),
                            )
                        )
                    if len(batch) >= 5000:
                        Submission.objects.bulk_create(batch)
                        batch = []
                attempts = []
                progress = []
                for lesson in lesson_rows:
                    if rng.random() < 0.15:
                        continue
                    sittings = 1 + (rng.random() < 0.4)
                    best = 0.0
                    for _ in range(sittings):
                        answers = {
                            f"q{k}": (k % 4) if rng.random() < 0.4 + 0.6 * skill else (k + 1) % 4
                            for k in range(QUIZ_ITEMS)
                        }
                        right = sum(answers[f"q{k}"] == k % 4 for k in range(QUIZ_ITEMS))
                        score = right / QUIZ_ITEMS
                        best = max(best, score)
                        at = now - timedelta(days=rng.uniform(1, 30))
                        attempts.append(
                            QuizAttempt(
                                user=user,
                                lesson=lesson,
                                order={f"q{k}": [0, 1, 2, 3] for k in range(QUIZ_ITEMS)},
                                answers=answers,
                                score=score,
                                passed=score > 0.75,
                                created_at=at,
                                submitted_at=at,
                            )
                        )
                    progress.append(
                        LessonProgress(
                            user=user,
                            lesson=lesson,
                            state="complete" if best > 0.75 else "in_progress",
                            best_quiz_score=best,
                            completed_at=now if best > 0.75 else None,
                        )
                    )
                QuizAttempt.objects.bulk_create(attempts)
                LessonProgress.objects.bulk_create(progress, ignore_conflicts=True)
            if batch:
                Submission.objects.bulk_create(batch)
        return cohort
