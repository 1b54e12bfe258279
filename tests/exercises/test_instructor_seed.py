import pytest
from django.core.management import call_command
from factories import passing_result

from exercises.management.commands.seed_demo import DEMO_CLASS, DEMO_COHORT_SLUG
from exercises.models import Cohort, Exercise, ExerciseVersion, Submission
from exercises.services import dashboard

pytestmark = pytest.mark.django_db


def _publish(slug: str, mistakes: list[str]) -> Exercise:
    files = {"exercise.toml": f'id = "{slug}"\n', "solution.py": f"# {slug} solution\n"}
    files.update({f"mistakes/{m}.py": f"# {slug} {m}\n" for m in mistakes})
    exercise = Exercise.objects.create(slug=slug, title=slug.upper())
    exercise.current_version = ExerciseVersion.objects.create(
        exercise=exercise,
        number=1,
        content_hash=slug,
        files=files,
        title=slug.upper(),
        prompt="",
        starter="",
        runtime="numpy",
        device="cpu",
        points=10,
    )
    exercise.save()
    return exercise


@pytest.fixture
def graded_by_file(monkeypatch):
    """Grades a bank file by its name: solutions pass, mistakes are named."""
    calls = []

    def grade(*, version, code, visible_only):
        calls.append(code)
        name = code.split()[-1]
        if name == "solution":
            return passing_result()
        return passing_result(
            verdict="failed",
            score=0.0,
            diagnoses=[{"mistake": name, "title": name, "hint": "Look again."}],
        )

    monkeypatch.setattr("exercises.services.grading.grade_code", grade)
    return calls


def test_seed_demo_builds_a_demo_cohort_with_graded_work(graded_by_file, capsys):
    _publish("sgd", ["returns-update", "normalised-gradient"])
    _publish("adamw", ["coupled-l2", "decay-after-update", "eps-inside-sqrt"])

    call_command("seed_demo")

    cohort = Cohort.objects.get(slug=DEMO_COHORT_SLUG)
    assert cohort.name == "Optimization — demo cohort"
    assert list(cohort.instructors.values_list("username", flat=True)) == ["instructor"]
    members = set(cohort.memberships.values_list("user__username", flat=True))
    assert members == {"student"} | {entry["username"] for entry in DEMO_CLASS}

    alan = Submission.objects.filter(user__username="alan", exercise__slug="adamw")
    assert [s.named_mistake for s in alan.order_by("created_at")] == [
        "coupled-l2",
        "coupled-l2",
        "decay-after-update",
        "eps-inside-sqrt",
    ]
    assert all(s.status == "done" and s.result for s in alan)
    # Each distinct file is graded once, however many students sent it.
    assert len(graded_by_file) == len(set(graded_by_file))

    board = dashboard.cohort_dashboard(cohort=cohort)
    assert ("alan", "adamw") in {(s.username, s.exercise.slug) for s in board.stuck}
    assert "Demo cohort: Optimization — demo cohort" in capsys.readouterr().out


def test_seed_demo_is_idempotent(graded_by_file):
    _publish("sgd", ["returns-update", "normalised-gradient"])
    call_command("seed_demo")
    count = Submission.objects.count()
    call_command("seed_demo")
    assert Submission.objects.count() == count > 0
    assert Cohort.objects.filter(slug=DEMO_COHORT_SLUG).count() == 1


def test_seed_demo_leaves_out_results_a_json_column_cannot_hold(monkeypatch):
    _publish("sgd", ["returns-update", "normalised-gradient"])
    monkeypatch.setattr(
        "exercises.services.grading.grade_code",
        lambda **kwargs: passing_result(score=float("inf")),
    )
    call_command("seed_demo")
    assert not Submission.objects.exists()
