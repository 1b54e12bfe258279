"""Time the gradebook and its CSV on a large class (bench_dashboard's data set, with
assignments added: by default 500 students x 12 exercises x 20 submissions, in four
assignments of three exercises and a quiz, every student with an extension on one).

    python manage.py bench_gradebook                 # seed if absent, then 20 timed renders
    python manage.py bench_gradebook --runs 50
    python manage.py bench_dashboard --clear         # remove the benchmark data (both)

Keep it out of the development database as bench_dashboard's docstring shows
(DATABASE_URL=...). Each run is a full GET through the middleware, as a browser sends it.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, AssignmentItem, Extension
from exercises.management.bench_support import percentile
from exercises.management.commands.bench_dashboard import PREFIX
from exercises.models import Cohort, Exercise, Lesson

ASSIGNMENTS = 4


class Command(BaseCommand):
    help = "Time the gradebook page and its CSV on a large class (p50/p95, queries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=500)
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, students: int, runs: int, **options) -> None:
        slug = f"{PREFIX}-{students}x12x20"
        if not Cohort.objects.filter(slug=slug).exists():
            call_command("bench_dashboard", students=students, runs=1, stdout=self.stdout)
        cohort = Cohort.objects.get(slug=slug)
        if not Assignment.objects.filter(cohort=cohort).exists():
            self._assignments(cohort)
        instructor = cohort.instructors.first()
        client = Client()
        client.force_login(instructor)
        for name in ("courses:gradebook", "courses:gradebook_csv"):
            self._time(client, reverse(name, args=[cohort.slug]), runs)

    def _time(self, client: Client, url: str, runs: int) -> None:
        def get() -> bytes:
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code
            return b"".join(response.streaming_content) if response.streaming else response.content

        body = get()  # warm-up
        with CaptureQueriesContext(connection) as queries:
            get()
        query_count = len(queries)
        timings = []
        for _ in range(max(1, runs)):
            started = time.perf_counter()
            get()
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        self.stdout.write(
            f"{url}: {len(body) // 1024} KiB, {connection.vendor}; over {len(timings)} runs "
            f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms; "
            f"{query_count} queries"
        )

    def _assignments(self, cohort: Cohort) -> None:
        exercises = list(Exercise.objects.filter(slug__startswith=f"{PREFIX}-ex-").order_by("slug"))
        lessons = list(Lesson.objects.filter(slug__startswith=f"{PREFIX}-lesson-").order_by("slug"))
        now = timezone.now()
        students = list(cohort.memberships.values_list("user_id", flat=True))
        with transaction.atomic():
            for n in range(ASSIGNMENTS):
                # Due inside the month of backdated work, so some of it is late.
                due = now - timedelta(days=24 - 6 * n)
                extended = due + timedelta(days=2)
                assignment = Assignment.objects.create(
                    cohort=cohort,
                    title=f"Week {n + 1}",
                    opens_at=now - timedelta(days=40),
                    due_at=due,
                    late_policy=Assignment.LatePolicy.PENALTY,
                    penalty_percent_per_day=10,
                    penalty_cap_percent=50,
                )
                chunk = exercises[3 * n : 3 * n + 3]
                quiz = AssignmentItem(
                    assignment=assignment, position=3, lesson=lessons[n], points=5
                )
                AssignmentItem.objects.bulk_create(
                    [
                        AssignmentItem(
                            assignment=assignment,
                            position=k,
                            exercise=exercise,
                            points=10,
                            counts="best" if k % 2 == 0 else "last",
                        )
                        for k, exercise in enumerate(chunk)
                    ]
                    + [quiz]
                )
                Extension.objects.bulk_create(
                    Extension(assignment=assignment, user_id=user_id, due_at=extended)
                    for user_id in students[n::ASSIGNMENTS]
                )
        self.stdout.write(f"added {ASSIGNMENTS} assignments to {cohort.slug}")
