from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
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
from exercises.services import grading
from exercises.services.cohorts import INSTRUCTORS_GROUP, instructors_group_ensure
from exercises.services.submissions import error_result, submission_record_result

DEMO_STUDENT = ("student", "student-pass-123")
DEMO_INSTRUCTOR = ("instructor", "instructor-pass-123")
DEMO_COHORT_SLUG = "optimization-demo"
DEMO_COHORT_NAME = "Optimization — demo cohort"

# The demo class: who they are, which bank files they submitted to which exercise (in
# order), and how many of each lesson quiz's items they got right, per sitting.
DEMO_CLASS: list[dict[str, Any]] = [
    {
        "username": "ada",
        "name": ("Ada", "Lovelace"),
        "submissions": {
            "sgd": ["solution.py"],
            "momentum": ["solution.py"],
            "nesterov": ["mistakes/plain-momentum.py", "solution.py"],
            "adam": ["solution.py"],
            "adamw": ["mistakes/decay-after-update.py", "solution.py"],
        },
        "quizzes": {0: [1.0], 1: [1.0], 2: [0.8, 1.0]},
    },
    {
        "username": "grace",
        "name": ("Grace", "Hopper"),
        "submissions": {
            "sgd": ["solution.py"],
            "momentum": ["mistakes/swapped-coefficients.py", "solution.py"],
            "adam": ["mistakes/no-bias-correction.py", "solution.py"],
            "adamw": ["mistakes/coupled-l2.py", "mistakes/decay-after-update.py", "solution.py"],
        },
        "quizzes": {0: [1.0], 1: [0.6, 1.0], 2: [1.0]},
    },
    {
        "username": "alan",
        "name": ("Alan", "Turing"),
        "submissions": {
            "sgd": ["solution.py"],
            "adamw": [
                "mistakes/coupled-l2.py",
                "mistakes/coupled-l2.py",
                "mistakes/decay-after-update.py",
                "mistakes/eps-inside-sqrt.py",
            ],
        },
        "quizzes": {0: [1.0], 2: [0.4, 0.6]},
    },
    {
        "username": "katherine",
        "name": ("Katherine", "Johnson"),
        "submissions": {
            "sgd": ["mistakes/returns-update.py", "solution.py"],
            "momentum": [
                "mistakes/steps-with-gradient.py",
                "mistakes/swapped-coefficients.py",
                "mistakes/velocity-convention.py",
            ],
        },
        "quizzes": {0: [0.8], 1: [0.4]},
    },
    {
        "username": "edsger",
        "name": ("Edsger", "Dijkstra"),
        "submissions": {"sgd": ["mistakes/normalised-gradient.py"]},
        "quizzes": {0: [0.6]},
    },
    {
        "username": "barbara",
        "name": ("Barbara", "Liskov"),
        "submissions": {
            "sgd": ["solution.py"],
            "warmup-cosine": ["mistakes/warmup-off-by-one.py", "solution.py"],
            "linear-warmup-decay": ["solution.py"],
            "inverse-sqrt": ["mistakes/decay-off-by-one.py"],
        },
        "quizzes": {0: [1.0], 3: [0.8]},
    },
    {
        "username": "john",
        "name": ("John", "von Neumann"),
        "submissions": {
            "sgd": ["solution.py"],
            "momentum": ["solution.py"],
            "adam": [
                "mistakes/eps-inside-sqrt.py",
                "mistakes/eps-inside-sqrt.py",
                "mistakes/sqrt-missing.py",
            ],
        },
        "quizzes": {0: [1.0], 1: [0.8], 2: [0.2]},
    },
    {
        "username": "tim",
        "name": ("Tim", "Berners-Lee"),
        "submissions": {
            "layernorm-backward": ["mistakes/eps-outside-sqrt.py", "solution.py"],
            "gradient-flow": ["mistakes/reversed-layer-order.py", "solution.py"],
            "training-log-diagnosis": ["mistakes/isinf-misses-nan.py", "solution.py"],
        },
        "quizzes": {7: [0.6, 1.0], 8: [1.0]},
    },
    {
        "username": "frances",
        "name": ("Frances", "Allen"),
        "submissions": {
            "dynamic-loss-scaling": ["mistakes/misses-nan.py", "solution.py"],
            "gradient-accumulation": [
                "mistakes/no-loss-scaling.py",
                "mistakes/clip-per-micro-batch.py",
                "solution.py",
            ],
            "lion": ["mistakes/momentum-updated-first.py", "solution.py"],
            "adafactor": ["mistakes/unfactored-matrices.py"],
        },
        "quizzes": {9: [0.8, 1.0], 10: [1.0], 11: [0.4]},
    },
    {"username": "radia", "name": ("Radia", "Perlman"), "submissions": {}, "quizzes": {}},
]


class Command(BaseCommand):
    help = (
        "Create the demo student and instructor accounts, and a demo cohort with graded "
        "work from the bank (safe to run again)."
    )

    def handle(self, *args: object, **options: object) -> None:
        student, instructor = self._accounts()
        self.stdout.write("Demo accounts:")
        self.stdout.write(f"  student:    {DEMO_STUDENT[0]} / {DEMO_STUDENT[1]}")
        instructor_login = f"{DEMO_INSTRUCTOR[0]} / {DEMO_INSTRUCTOR[1]}"
        self.stdout.write(f"  instructor: {instructor_login} ({INSTRUCTORS_GROUP} group)")
        cohort, seeded = seed_demo_cohort(instructor=instructor, student=student)
        state = "seeded" if seeded else "already there"
        self.stdout.write(
            f"Demo cohort: {cohort.name} ({cohort.memberships.count()} students, join code "
            f"{cohort.join_code}): {state}"
        )

    @transaction.atomic
    def _accounts(self):
        user_model = get_user_model()
        instructors = instructors_group_ensure()

        student, _ = user_model.objects.get_or_create(username=DEMO_STUDENT[0])
        student.set_password(DEMO_STUDENT[1])
        student.save()

        instructor, _ = user_model.objects.get_or_create(username=DEMO_INSTRUCTOR[0])
        instructor.set_password(DEMO_INSTRUCTOR[1])
        # Teaching happens on the instructor pages; the admin is for operators
        # (superusers), so an instructor is not staff (and one from an earlier seed
        # stops being staff).
        instructor.is_staff = False
        instructor.save()
        instructor.groups.add(instructors)
        return student, instructor


def seed_demo_cohort(*, instructor, student) -> tuple[Cohort, bool]:
    """The demo cohort, taught by the demo instructor, with the demo class in it.

    The first run grades the class's bank files for real (solutions and known
    mistakes, through the same grading call the workers make) and stores the results as
    the workers would; later runs change nothing. Exercises or lessons that are not
    loaded are skipped.
    """
    user_model = get_user_model()
    cohort = Cohort.objects.filter(slug=DEMO_COHORT_SLUG).first()
    if cohort is None:
        cohort = Cohort.objects.create(
            slug=DEMO_COHORT_SLUG,
            name=DEMO_COHORT_NAME,
            track=Track.objects.order_by("position", "slug").first(),
        )
    cohort.instructors.add(instructor)
    Membership.objects.get_or_create(cohort=cohort, user=student)
    usernames = [entry["username"] for entry in DEMO_CLASS]
    if (
        Submission.objects.filter(user__username__in=usernames).exists()
        or QuizAttempt.objects.filter(user__username__in=usernames).exists()
    ):
        return cohort, False

    exercises = {
        exercise.slug: exercise
        for exercise in Exercise.objects.filter(current_version__isnull=False).select_related(
            "current_version"
        )
    }
    lessons = list(
        Lesson.objects.filter(active=True, track=cohort.track).order_by("position")
        if cohort.track
        else []
    )
    # Grading happens before any write, so the database is not held while sandboxes run;
    # each distinct (version, file) is graded once.
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for entry in DEMO_CLASS:
        for slug, names in entry["submissions"].items():
            exercise = exercises.get(slug)
            if exercise is None:
                continue
            for name in names:
                version = exercise.current_version
                if name not in version.files or (version.pk, name) in results:
                    continue
                result = _grade(version, version.files[name])
                if _storable(result):
                    results[(version.pk, name)] = result

    rng = random.Random(7)
    now = timezone.now()
    # Instructors see a student's work only from the moment they joined: the demo class
    # joined before its first (backdated) piece of work.
    joined_at = now - timedelta(days=len(DEMO_CLASS) + 7)
    with transaction.atomic():
        for index, entry in enumerate(DEMO_CLASS):
            user, _ = user_model.objects.get_or_create(username=entry["username"])
            user.first_name, user.last_name = entry["name"]
            user.set_unusable_password()
            user.save()
            membership, _ = Membership.objects.get_or_create(cohort=cohort, user=user)
            Membership.objects.filter(pk=membership.pk).update(joined_at=joined_at)
            clock = now - timedelta(days=9 - index, hours=rng.randint(0, 6))
            for position, fractions in sorted(entry["quizzes"].items()):
                if position < len(lessons):
                    clock = _sit_quizzes(user, lessons[position], fractions, clock, rng)
            for slug, names in entry["submissions"].items():
                exercise = exercises.get(slug)
                if exercise is None:
                    continue
                for name in names:
                    result = results.get((exercise.current_version.pk, name))
                    if result is None:
                        continue
                    clock += timedelta(minutes=rng.randint(3, 40))
                    _store_submission(user, exercise, name, result, clock)
    return cohort, True


def _grade(version: ExerciseVersion, code: str) -> dict[str, Any]:
    try:
        return grading.grade_code(version=version, code=code, visible_only=False)
    except Exception as exc:  # noqa: BLE001 - demo data; the failure is shown as a result
        return error_result(message=f"Demo grading failed: {exc}")


def _storable(result: dict[str, Any]) -> bool:
    # JSON columns (SQLite's JSON_VALID check, PostgreSQL's jsonb) refuse NaN and
    # Infinity, which a diverging trace can hold; such a result is left out of the demo.
    try:
        json.dumps(result, allow_nan=False)
    except ValueError:
        return False
    return True


def _store_submission(user, exercise: Exercise, name: str, result: dict, when) -> None:
    version = exercise.current_version
    submission = Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=version,
        code=version.files[name],
        mode=Submission.Mode.SUBMIT,
        status=Submission.Status.RUNNING,
        queued_at=when,
    )
    submission_record_result(submission_id=submission.pk, result=result)
    Submission.objects.filter(pk=submission.pk).update(
        created_at=when,
        queued_at=when,
        started_at=when,
        finished_at=when + timedelta(milliseconds=120),
    )


def _sit_quizzes(user, lesson: Lesson, fractions: list[float], clock, rng: random.Random):
    """Quiz sittings getting `fraction` of the items right, through the quiz services."""
    from exercises.services.learning import quiz_attempt_start, quiz_attempt_submit

    items = list(QuizItem.objects.filter(lesson=lesson, active=True).order_by("position"))
    if not items:
        return clock
    for fraction in fractions:
        clock += timedelta(minutes=rng.randint(10, 50))
        attempt = quiz_attempt_start(user=user, lesson=lesson, rng=rng)
        right = set(rng.sample(range(len(items)), round(fraction * len(items))))
        choices = {}
        for index, item in enumerate(items):
            shown = attempt.order[item.key]
            wrong = [i for i in range(len(item.options)) if i != item.answer]
            original = item.answer if index in right or not wrong else rng.choice(wrong)
            choices[item.key] = shown.index(original)
        quiz_attempt_submit(user=user, attempt_id=attempt.pk, choices=choices)
        QuizAttempt.objects.filter(pk=attempt.pk).update(created_at=clock, submitted_at=clock)
    progress = LessonProgress.objects.filter(user=user, lesson=lesson)
    progress.update(started_at=clock - timedelta(minutes=30))
    progress.exclude(completed_at=None).update(completed_at=clock)
    return clock
