import pytest
from conftest import passing_result
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_submission

from exercises.models import ExerciseVersion, RegradeItem, Submission
from exercises.services import regrade
from exercises.tasks import regrade_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_regrades(monkeypatch):
    sent = []
    monkeypatch.setattr(
        regrade_submission,
        "apply_async",
        lambda args=None, **options: sent.append((args[0], options.get("queue"))),
    )
    return sent


@pytest.fixture
def history(exercise, alice, bob):
    """Graded work on version 1, then a version 2 becomes current."""
    old = exercise.current_version
    subs = {
        "alice_pass": make_submission(alice, exercise, verdict="passed"),
        "bob_fail": make_submission(bob, exercise, score=0.5),
        "run_mode": make_submission(alice, exercise, verdict="passed", mode="run"),
        "queued": make_submission(bob, exercise, status="queued"),
    }
    new = ExerciseVersion.objects.create(
        exercise=exercise,
        number=2,
        content_hash="hash-2",
        files=old.files,
        title=old.title,
        prompt=old.prompt,
        starter=old.starter,
        runtime="numpy",
        device="gpu",
        points=10,
    )
    exercise.current_version = new
    exercise.save()
    return subs


def test_regrade_covers_graded_submit_mode_submissions_and_fans_out_after_commit(
    exercise, history, ines, sent_regrades, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = regrade.regrade_start(exercise=exercise, user=ines)

    items = list(run.items.order_by("submission_id"))
    assert run.total == 2 and run.version == exercise.current_version
    assert [i.submission_id for i in items] == [history["alice_pass"].pk, history["bob_fail"].pk]
    assert [(i.old_verdict, i.old_score, i.done) for i in items] == [
        ("passed", 1.0, False),
        ("failed", 0.5, False),
    ]
    # One task per submission, on the queue of the version's device.
    assert sent_regrades == [(items[0].pk, "gpu"), (items[1].pk, "gpu")]


def test_no_task_is_sent_before_the_items_are_committed(exercise, history, ines, sent_regrades):
    regrade.regrade_start(exercise=exercise, user=ines)
    assert sent_regrades == []


def test_regrading_stores_the_new_grade_and_never_touches_the_submission(
    exercise, history, ines, fake_grader, sent_regrades
):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    item = run.items.get(submission=history["alice_pass"])
    fake_grader.result = passing_result(verdict="failed", score=0.25)

    assert regrade.regrade_item_run(item_id=item.pk)

    item.refresh_from_db()
    assert (item.new_verdict, item.new_score, item.done) == ("failed", 0.25, True)
    assert fake_grader.calls[0]["version"] == exercise.current_version
    assert fake_grader.calls[0]["visible_only"] is False
    original = Submission.objects.get(pk=history["alice_pass"].pk)
    assert (original.verdict, original.score, original.exercise_version.number) == (
        "passed",
        1.0,
        1,
    )


def test_a_duplicate_task_changes_nothing(exercise, history, ines, fake_grader, sent_regrades):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    item = run.items.first()
    assert regrade.regrade_item_run(item_id=item.pk)
    fake_grader.result = passing_result(verdict="failed", score=0.0)
    assert not regrade.regrade_item_run(item_id=item.pk)
    item.refresh_from_db()
    assert item.new_verdict == "passed"
    assert len(fake_grader.calls) == 1


def test_a_grading_failure_is_stored_as_an_error_grade(
    exercise, history, ines, fake_grader, sent_regrades
):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    fake_grader.result = RuntimeError("sandbox is gone")
    item = run.items.first()
    assert regrade.regrade_item_run(item_id=item.pk)
    item.refresh_from_db()
    assert (item.new_verdict, item.new_score, item.done) == ("error", None, True)


def test_changes_list_dropped_grades_first(exercise, history, ines, fake_grader, sent_regrades):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    alice_item = run.items.get(submission=history["alice_pass"])
    bob_item = run.items.get(submission=history["bob_fail"])
    fake_grader.result = passing_result()  # bob: 0.5 -> 1.0
    regrade.regrade_item_run(item_id=bob_item.pk)
    fake_grader.result = passing_result(verdict="failed", score=0.0)  # alice: 1.0 -> 0.0
    regrade.regrade_item_run(item_id=alice_item.pk)

    changes = regrade.regrade_changes(regrade=run)
    assert [(c.username, c.delta_points) for c in changes] == [("alice", -100), ("bob", 50)]
    progress = regrade.regrade_progress(regrade=run)
    assert (progress.done, progress.total, progress.dropped, progress.raised) == (2, 2, 1, 1)
    assert progress.finished and progress.percent == 100


def test_unchanged_grades_are_not_reported(exercise, history, ines, fake_grader, sent_regrades):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    regrade.regrade_item_run(item_id=run.items.get(submission=history["alice_pass"]).pk)
    assert regrade.regrade_changes(regrade=run) == []
    progress = regrade.regrade_progress(regrade=run)
    assert (progress.done, progress.total, progress.finished) == (1, 2, False)


def test_resend_sends_only_unfinished_items(exercise, history, ines, fake_grader, sent_regrades):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    regrade.regrade_item_run(item_id=run.items.get(submission=history["alice_pass"]).pk)
    assert regrade.regrade_resend_pending(regrade=run) == 1
    assert sent_regrades == [(run.items.get(submission=history["bob_fail"]).pk, "gpu")]


def test_regrade_task_calls_the_service(exercise, history, ines, fake_grader, sent_regrades):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    item = run.items.first()
    assert regrade_submission(item.pk) is True
    assert RegradeItem.objects.get(pk=item.pk).done


def test_an_exercise_without_a_version_cannot_be_regraded(ines):
    from exercises.models import Exercise

    bare = Exercise.objects.create(slug="bare", title="Bare")
    with pytest.raises(regrade.RegradeError):
        regrade.regrade_start(exercise=bare, user=ines)


# -- views -----------------------------------------------------------------------------
def test_regrade_pages_start_show_progress_and_report(
    exercise, history, ines_client, fake_grader, sent_regrades, django_capture_on_commit_callbacks
):
    page = ines_client.get(reverse("instructor:regrade", args=[exercise.slug])).content.decode()
    assert "Regrade 2 submissions" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = ines_client.post(reverse("instructor:regrade", args=[exercise.slug]))
    run = exercise.regrades.get()
    assert response["Location"] == reverse(
        "instructor:regrade_detail", args=[exercise.slug, run.pk]
    )
    assert len(sent_regrades) == 2

    detail = ines_client.get(response["Location"]).content.decode()
    assert 'data-pending="true"' in detail and "0 of 2 regraded" in detail

    fake_grader.result = passing_result(verdict="failed", score=0.0)
    for item in run.items.all():
        regrade.regrade_item_run(item_id=item.pk)
    progress_url = reverse("instructor:regrade_progress", args=[exercise.slug, run.pk])
    data = ines_client.get(progress_url).json()
    assert data["done"] is True
    assert "2 of 2 regraded" in data["html"]
    assert "2 dropped" in data["html"] and "alice" in data["html"]


def test_resend_view(exercise, history, ines_client, sent_regrades, ines):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    url = reverse("instructor:regrade_detail", args=[exercise.slug, run.pk])
    response = ines_client.post(url, follow=True)
    assert "Sent 2 unfinished submissions again" in response.content.decode()
    assert len(sent_regrades) == 2


def test_regrade_of_another_exercise_is_404(exercise, history, ines_client, ines, make_exercise):
    other = make_exercise("other")
    run = regrade.regrade_start(exercise=exercise, user=ines)
    url = reverse("instructor:regrade_detail", args=[other.slug, run.pk])
    assert ines_client.get(url).status_code == 404
