"""Unexplained failures: grouping by signature, old results, visibility, query count, and
turning a group's example into a mistake of a draft."""

from __future__ import annotations

import ast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_cohort, make_instructor
from unexplained_support import *  # noqa: F403 (the fixtures)
from unexplained_support import WRONG, item, new_result, old_case, old_result, submit

import grader
from exercises.models import Exercise, ExerciseDraft
from exercises.services import authoring, unexplained
from exercises.services.authoring import AuthoringError

pytestmark = pytest.mark.django_db


# -- grouping --------------------------------------------------------------------------
def test_groups_by_signature_largest_first_with_counts_students_and_latest_example(
    ines, alice, bob, cohort, exercise
):
    a1 = submit(alice, exercise, new_result("aaa", [item(step=3, error=0.1)]), minutes_ago=30)
    a2 = submit(alice, exercise, new_result("aaa", [item(step=4, error=0.3)]), minutes_ago=5)
    submit(bob, exercise, new_result("aaa", [item(step=3, error=0.2)]), minutes_ago=20)
    b = submit(
        bob,
        exercise,
        new_result("bbb", [item("valley", 1, "m", None), item("hidden one", 2, None, None, True)]),
    )
    # Everything failing explained: no signature.
    submit(alice, exercise, new_result(None, [], mistakes=["known"]))
    submit(alice, exercise, {"verdict": "passed", "score": 1.0, "cases": []}, verdict="passed")

    report = unexplained.unexplained_report(instructor=ines, exercise=exercise)

    assert (report.failing, report.unexplained, report.groups_total) == (5, 4, 2)
    first, second = report.groups
    assert (first.signature, first.submissions, first.students) == ("aaa", 3, 2)
    assert first.example_id == a2.pk and first.example_code == WRONG
    assert first.example_username == "alice"
    assert first.relative_error == pytest.approx(0.2)
    [case] = first.cases
    assert (case.name, case.quantities, case.steps) == ("valley", ["w"], "3–4")
    assert (second.signature, second.submissions, second.students) == ("bbb", 1, 1)
    assert second.example_id == b.pk and second.relative_error is None
    assert [(c.name, c.hidden, c.quantities) for c in second.cases] == [
        ("valley", False, ["m"]),
        ("hidden one", True, []),
    ]
    assert a1.pk != first.example_id


def test_a_result_with_some_cases_explained_groups_by_what_is_left(ines, alice, cohort, exercise):
    submit(alice, exercise, new_result("ccc", [item("rosenbrock")], mistakes=["half"]))
    report = unexplained.unexplained_report(instructor=ines, exercise=exercise)
    assert [(g.signature, [c.name for c in g.cases]) for g in report.groups] == [
        ("ccc", ["rosenbrock"])
    ]


def test_old_results_group_by_failing_cases_step_bucket_and_quantity(
    ines, alice, bob, cohort, exercise
):
    # Steps 3 and 4 share a bucket; step 9 does not.
    submit(alice, exercise, old_result(old_case(step=3, expected=2.0, error=0.5)))
    submit(bob, exercise, old_result(old_case(step=4, expected=-4.0, error=1.0)))
    late = submit(bob, exercise, old_result(old_case(step=9)), minutes_ago=1)
    hidden = submit(alice, exercise, old_result(old_case("h", step=2, hidden=True)))
    # Named by a known mistake: explained.
    submit(alice, exercise, old_result(old_case(step=3), mistakes=["coupled-l2"]))

    report = unexplained.unexplained_report(instructor=ines, exercise=exercise)

    assert (report.failing, report.unexplained, report.groups_total) == (5, 4, 3)
    big = report.groups[0]
    assert (big.submissions, big.students) == (2, 2)
    assert big.signature.startswith("legacy-")
    assert big.relative_error == pytest.approx(0.25)
    assert [(c.name, c.quantities, c.steps) for c in big.cases] == [("valley", ["w"], "3–4")]
    singles = {g.example_id: g for g in report.groups[1:]}
    assert set(singles) == {late.pk, hidden.pk}
    assert singles[hidden.pk].cases[0].hidden and singles[hidden.pk].cases[0].quantities == []
    assert singles[hidden.pk].relative_error is None


def test_fallback_signature_ignores_case_order_and_steps_within_a_bucket():
    first = unexplained.divergences_from_cases([old_case("a", 5), old_case("b", 1)])
    second = unexplained.divergences_from_cases([old_case("b", 1), old_case("a", 8)])
    third = unexplained.divergences_from_cases([old_case("b", 1), old_case("a", 9)])
    assert unexplained.fallback_signature(first) == unexplained.fallback_signature(second)
    assert unexplained.fallback_signature(first) != unexplained.fallback_signature(third)
    assert [unexplained.step_bucket(s) for s in (None, 1, 2, 3, 4, 5, 8, 9, 16, 17)] == [
        "-",
        "1",
        "2",
        "3-4",
        "3-4",
        "5-8",
        "5-8",
        "9-16",
        "9-16",
        "17-32",
    ]


def test_old_result_with_an_exception_and_non_finite_values_still_groups():
    crashed = {"name": "valley", "hidden": False, "passed": False, "error": "boom"}
    nan = old_case("rosen", step=2, expected="nan", error="inf")
    [a, b] = unexplained.divergences_from_cases([crashed, nan])
    assert (a.quantity, a.step, a.relative_error) == ("exception", None, None)
    assert (b.quantity, b.step, b.relative_error) == ("w", 2, None)


def test_only_graded_failures_of_the_current_version_count(ines, alice, cohort, exercise):
    old_version = exercise.current_version
    submit(alice, exercise, new_result("run", [item()]), mode="run")
    submit(alice, exercise, {"verdict": "error", "cases": [], "diagnoses": []}, verdict="error")
    newer = old_version.__class__.objects.create(
        exercise=exercise,
        number=2,
        content_hash="hash-2",
        files=old_version.files,
        title=old_version.title,
        prompt="",
        starter="",
        runtime="numpy",
        device="cpu",
        points=10,
    )
    submit(alice, exercise, new_result("older", [item()]), version=old_version)
    Exercise.objects.filter(pk=exercise.pk).update(current_version=newer)
    exercise.refresh_from_db()
    current = submit(alice, exercise, new_result("current", [item()]))

    report = unexplained.unexplained_report(instructor=ines, exercise=exercise)

    assert [g.example_id for g in report.groups] == [current.pk]


# -- visibility ------------------------------------------------------------------------
def test_an_instructor_sees_only_their_students_work_since_they_joined(
    ines, otto, alice, bob, django_user_model, exercise
):
    make_cohort(ines, students=[alice])
    make_cohort(otto, name="Class B", slug="class-b", students=[bob])
    stranger = django_user_model.objects.create_user("carol", password="carol-pass-123")
    mine = submit(alice, exercise, new_result("same", [item()]))
    submit(bob, exercise, new_result("same", [item()]))
    submit(stranger, exercise, new_result("same", [item()]))
    # Alice joined a year ago: her work from before is not the cohort's.
    submit(alice, exercise, new_result("before", [item()]), minutes_ago=60 * 24 * 400)

    report = unexplained.unexplained_report(instructor=ines, exercise=exercise)
    assert [(g.signature, g.submissions, g.example_id) for g in report.groups] == [
        ("same", 1, mine.pk)
    ]
    assert (
        unexplained.unexplained_example(instructor=otto, exercise=exercise, submission_id=mine.pk)
        is None
    )
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    everything = unexplained.unexplained_report(instructor=root, exercise=exercise)
    assert [(g.signature, g.submissions) for g in everything.groups] == [
        ("same", 3),
        ("before", 1),
    ]


def test_an_example_must_be_unexplained(ines, alice, cohort, exercise):
    explained = submit(alice, exercise, new_result(None, [], mistakes=["known"]))
    named_old = submit(alice, exercise, old_result(old_case(), mistakes=["known"]))
    loose = submit(alice, exercise, new_result("sig", [item()]))
    for submission in (explained, named_old):
        assert (
            unexplained.unexplained_example(
                instructor=ines, exercise=exercise, submission_id=submission.pk
            )
            is None
        )
    found, signature, divergences = unexplained.unexplained_example(
        instructor=ines, exercise=exercise, submission_id=loose.pk
    )
    assert found == loose and signature == "sig" and divergences[0].case == "valley"


# -- queries ---------------------------------------------------------------------------
def _queries(instructor, exercise) -> int:
    with CaptureQueriesContext(connection) as captured:
        unexplained.unexplained_report(instructor=instructor, exercise=exercise)
    return len(captured)


def test_the_report_takes_the_same_few_queries_however_many_rows_and_groups(
    ines, alice, bob, cohort, exercise, django_assert_max_num_queries
):
    submit(alice, exercise, new_result("one", [item()]))
    submit(bob, exercise, old_result(old_case()))
    _queries(ines, exercise)  # the first asks whether ines is an instructor, then remembers
    few = _queries(ines, exercise)
    for n in range(30):
        submit(alice if n % 2 else bob, exercise, new_result(f"sig{n % 7}", [item(step=n + 1)]))
        submit(bob, exercise, old_result(old_case(f"case{n % 5}", step=n + 1)))
    assert _queries(ines, exercise) == few
    with django_assert_max_num_queries(3):
        report = unexplained.unexplained_report(instructor=ines, exercise=exercise)
    assert report.unexplained == 62 and report.groups_total > 7


# -- the mistake file ------------------------------------------------------------------
def test_mistake_source_puts_title_and_hint_in_place_of_the_programs_own():
    source = unexplained.mistake_source(
        code=WRONG, title='Doubles the "step" \\ twice', hint="Check   the\nlearning rate. " * 12
    )
    title, hint = authoring.mistake_title_and_hint(source)
    assert title == 'Doubles the "step" \\ twice'
    assert hint == " ".join(("Check the learning rate. " * 12).split())
    assert "My decay" not in source and "left over" not in source
    assert source.index("import numpy") < source.index("HINT = (") < source.index("def sgd")
    assert all(len(line) <= 100 for line in source.splitlines())
    namespace: dict = {}
    exec(compile(source, "mistake", "exec"), namespace)  # noqa: S102 - our own test program
    assert namespace["sgd_wd_step"](1.0, 0.0, 0.5, 0.0) == 1.0


def test_mistake_source_keeps_a_program_that_uses_the_name_hint_working():
    code = (
        "from __future__ import annotations\n"
        "HINT = 0.5  # a factor\n"
        "def step(w, grad, lr):\n"
        "    return w - HINT * lr * grad  # obj.HINT stays\n"
    )
    source = unexplained.mistake_source(code=code, title="Halves", hint="Half the step.")
    assert source.startswith('"""Halves"""\n\nfrom __future__ import annotations\n')
    assert authoring.mistake_title_and_hint(source) == ("Halves", "Half the step.")
    namespace: dict = {}
    exec(compile(source, "mistake", "exec"), namespace)  # noqa: S102 - our own test program
    assert namespace["step"](1.0, 1.0, 1.0) == 0.5
    assert namespace["HINT"] == "Half the step."


def test_mistake_source_refuses_a_program_that_does_not_parse():
    with pytest.raises(AuthoringError, match="does not parse"):
        unexplained.mistake_source(code="def f(:\n", title="t", hint="h")


# -- naming a group --------------------------------------------------------------------
def test_naming_a_group_adds_the_mistake_to_a_new_draft_that_loads(ines, alice, cohort, sgd_wd):
    example = submit(alice, sgd_wd, new_result("sig", [item()]))

    draft = unexplained.mistake_create_from_submission(
        user=ines,
        exercise=sgd_wd,
        submission=example,
        mistake_id="double-step",
        title="Takes twice the step.",
        hint="Your step is twice as long as the reference's.",
    )

    assert draft.exercise == sgd_wd and draft.author == ines
    assert set(draft.files) == set(sgd_wd.current_version.files) | {"mistakes/double-step.py"}
    bundle = grader.Bundle.from_files(dict(draft.files))
    mistake = next(m for m in bundle.mistakes if m.id == "double-step")
    assert (mistake.title, mistake.hint) == (
        "Takes twice the step.",
        "Your step is twice as long as the reference's.",
    )
    assert "2 * lr" in mistake.source
    ast.parse(mistake.source)


def test_naming_reuses_the_instructors_open_draft(ines, alice, cohort, sgd_wd):
    draft = authoring.draft_for_exercise(exercise=sgd_wd, author=ines)
    example = submit(alice, sgd_wd, new_result("sig", [item()]))
    again = unexplained.mistake_create_from_submission(
        user=ines, exercise=sgd_wd, submission=example, mistake_id="a", title="A.", hint="A."
    )
    assert again.pk == draft.pk
    assert ExerciseDraft.objects.count() == 1
    with pytest.raises(AuthoringError, match="already has a mistake a"):
        unexplained.mistake_create_from_submission(
            user=ines, exercise=sgd_wd, submission=example, mistake_id="a", title="B", hint="B"
        )


@pytest.mark.parametrize(
    ("mistake_id", "message"),
    [
        ("decay-not-scaled", "Version 1 already has a mistake"),
        ("Not A Slug", "lower-case letters"),
        ("../escape", "lower-case letters"),
        ("x" * 81, "at most 80"),
    ],
)
def test_naming_refuses_taken_or_malformed_ids_and_leaves_no_draft(
    ines, alice, cohort, sgd_wd, mistake_id, message
):
    example = submit(alice, sgd_wd, new_result("sig", [item()]))
    with pytest.raises(AuthoringError, match=message):
        unexplained.mistake_create_from_submission(
            user=ines,
            exercise=sgd_wd,
            submission=example,
            mistake_id=mistake_id,
            title="T",
            hint="H",
        )
    assert not ExerciseDraft.objects.exists()


def test_naming_refuses_an_example_that_does_not_parse_and_leaves_no_draft(
    ines, alice, cohort, sgd_wd
):
    example = submit(alice, sgd_wd, new_result("sig", [item()]), code="x = (\n")
    with pytest.raises(AuthoringError, match="does not parse"):
        unexplained.mistake_create_from_submission(
            user=ines, exercise=sgd_wd, submission=example, mistake_id="m", title="T", hint="H"
        )
    assert not ExerciseDraft.objects.exists()


def test_naming_refuses_when_the_draft_would_not_load_and_leaves_it_as_it_was(
    ines, alice, cohort, sgd_wd
):
    draft = authoring.draft_for_exercise(exercise=sgd_wd, author=ines)
    broken = {**draft.files, "exercise.toml": draft.files["exercise.toml"] + "\n[[cases]\n"}
    authoring.draft_update(draft=draft, files=broken)
    example = submit(alice, sgd_wd, new_result("sig", [item()]))
    with pytest.raises(AuthoringError, match="would not load with this mistake"):
        unexplained.mistake_create_from_submission(
            user=ines, exercise=sgd_wd, submission=example, mistake_id="m", title="T", hint="H"
        )
    draft.refresh_from_db()
    assert draft.files == broken


def test_another_instructor_names_into_a_draft_of_their_own(
    ines, alice, cohort, sgd_wd, django_user_model
):
    theirs = authoring.draft_for_exercise(exercise=sgd_wd, author=ines)
    ida = make_instructor(django_user_model, "ida")
    cohort.instructors.add(ida)
    example = submit(alice, sgd_wd, new_result("sig", [item()]))
    draft = unexplained.mistake_create_from_submission(
        user=ida, exercise=sgd_wd, submission=example, mistake_id="m", title="T", hint="H"
    )
    assert draft.pk != theirs.pk and draft.author == ida
    theirs.refresh_from_db()
    assert "mistakes/m.py" not in theirs.files
