from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from factories import passing_result
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import make_cohort, make_lesson, make_submission, make_track

from exercises.models import Exercise, ExerciseVersion, Regrade, RegradeItem, Submission
from exercises.services import regrade
from exercises.services.visibility import submissions_visible_to
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
    exercise,
    history,
    cohort,
    ines_client,
    fake_grader,
    sent_regrades,
    django_capture_on_commit_callbacks,
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


def test_resend_view(exercise, history, cohort, ines_client, sent_regrades, ines):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    url = reverse("instructor:regrade_detail", args=[exercise.slug, run.pk])
    response = ines_client.post(url, follow=True)
    assert "Sent 2 unfinished submissions again" in response.content.decode()
    assert len(sent_regrades) == 2


def test_regrade_of_another_exercise_is_404(
    exercise, history, cohort, ines_client, ines, make_exercise
):
    other = make_exercise("other")
    run = regrade.regrade_start(exercise=exercise, user=ines)
    url = reverse("instructor:regrade_detail", args=[other.slug, run.pk])
    assert ines_client.get(url).status_code == 404


# -- one running regrade per exercise --------------------------------------------------
def test_a_second_regrade_while_one_runs_is_refused(exercise, history, ines, sent_regrades):
    first = regrade.regrade_start(exercise=exercise, user=ines)
    with pytest.raises(regrade.RegradeError, match="already running"):
        regrade.regrade_start(exercise=exercise, user=ines)
    assert list(exercise.regrades.all()) == [first]


def test_the_database_holds_one_unfinished_regrade_per_exercise(exercise, history, ines):
    Regrade.objects.create(exercise=exercise, version=exercise.current_version, created_by=ines)
    with pytest.raises(IntegrityError), transaction.atomic():
        Regrade.objects.create(exercise=exercise, version=exercise.current_version)
    finished = Regrade.objects.create(
        exercise=exercise, version=exercise.current_version, finished_at=timezone.now()
    )
    assert finished.pk


def test_a_regrade_finishes_with_its_last_item_and_a_new_one_may_start(
    exercise, history, ines, fake_grader, sent_regrades
):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    items = list(run.items.all())
    regrade.regrade_item_run(item_id=items[0].pk)
    run.refresh_from_db()
    assert run.finished_at is None
    regrade.regrade_item_run(item_id=items[1].pk)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert regrade.regrade_start(exercise=exercise, user=ines) != run


def test_a_regrade_with_nothing_to_grade_is_finished_at_once(ines, make_exercise):
    bare = make_exercise("bare")
    run = regrade.regrade_start(exercise=bare, user=ines)
    assert run.total == 0 and run.finished_at is not None


def test_a_stopped_regrade_lets_a_new_one_start(exercise, history, ines, sent_regrades):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    assert regrade.regrade_stop(regrade=run)
    assert not regrade.regrade_stop(regrade=run)
    assert regrade.regrade_progress(regrade=run).finished
    regrade.regrade_start(exercise=exercise, user=ines)


def test_starting_a_second_regrade_in_the_browser_says_why_not(
    exercise, history, cohort, ines_client, sent_regrades
):
    url = reverse("instructor:regrade", args=[exercise.slug])
    ines_client.post(url)
    response = ines_client.post(url, follow=True)
    assert "already running" in response.content.decode()
    assert exercise.regrades.count() == 1


# -- who may regrade -------------------------------------------------------------------
def test_an_instructor_who_does_not_teach_the_exercise_gets_404(
    exercise, history, ines, otto_client, sent_regrades
):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    for method, url in (
        ("get", reverse("instructor:regrade", args=[exercise.slug])),
        ("post", reverse("instructor:regrade", args=[exercise.slug])),
        ("get", reverse("instructor:regrade_detail", args=[exercise.slug, run.pk])),
        ("post", reverse("instructor:regrade_detail", args=[exercise.slug, run.pk])),
        ("get", reverse("instructor:regrade_progress", args=[exercise.slug, run.pk])),
    ):
        assert getattr(otto_client, method)(url).status_code == 404, (method, url)
    assert exercise.regrades.count() == 1 and sent_regrades == []


def test_regrade_rights_follow_cohorts_and_authorship(
    exercise, ines, otto, cohort, django_user_model, make_exercise
):
    other_track = make_track("elsewhere")
    lesson = make_lesson(other_track, "far-away", 1)
    elsewhere = make_exercise("elsewhere")
    Exercise.objects.filter(pk=elsewhere.pk).update(lesson=lesson)
    elsewhere.refresh_from_db()
    # ines teaches a cohort with no track: every published exercise is used there.
    assert regrade.regrade_allowed(user=ines, exercise=exercise)
    assert not regrade.regrade_allowed(user=otto, exercise=exercise)
    # otto teaches a cohort on a track that does not hold `exercise`.
    make_cohort(otto, name="Class B", slug="class-b", track=other_track)
    assert not regrade.regrade_allowed(user=otto, exercise=exercise)
    assert regrade.regrade_allowed(user=otto, exercise=elsewhere)
    # Whoever published a version of an exercise may regrade it.
    ExerciseVersion.objects.filter(pk=exercise.current_version_id).update(created_by=otto)
    assert regrade.regrade_allowed(user=otto, exercise=exercise)
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    assert regrade.regrade_allowed(user=root, exercise=exercise)


def test_the_exercise_list_links_regrades_only_where_allowed(
    exercise, ines_client, otto_client, cohort
):
    link = reverse("instructor:regrade", args=[exercise.slug])
    assert link in ines_client.get(reverse("instructor:exercises")).content.decode()
    assert link not in otto_client.get(reverse("instructor:exercises")).content.decode()


# -- the report shows the viewer's students only ---------------------------------------
@pytest.fixture
def two_classes(exercise, ines, otto, alice, bob, django_user_model):
    """ines teaches alice and bob; otto teaches carol. alice also worked before joining."""
    carol = django_user_model.objects.create_user("carol", password="carol-pass-123")
    mine = make_cohort(ines, students=[alice, bob])
    theirs = make_cohort(otto, name="Class B", slug="class-b", students=[carol])
    before = make_submission(alice, exercise, verdict="passed", code="alice_before = 1")
    Submission.objects.filter(pk=before.pk).update(created_at=timezone.now() - timedelta(days=400))
    subs = {
        "alice_before": before,
        "alice": make_submission(alice, exercise, verdict="passed", code="alice_after = 1"),
        "bob": make_submission(bob, exercise, verdict="passed", code="bob_code = 1"),
        "carol": make_submission(carol, exercise, verdict="passed", code="carol_code = 1"),
    }
    return {"mine": mine, "theirs": theirs, "subs": subs, "carol": carol}


def test_visible_submissions_are_those_of_the_viewers_students_since_joining(
    exercise, ines, otto, two_classes, django_user_model
):
    subs = two_classes["subs"]
    mine = set(submissions_visible_to(instructor=ines).values_list("id", flat=True))
    assert mine == {subs["alice"].pk, subs["bob"].pk}
    theirs = set(submissions_visible_to(instructor=otto).values_list("id", flat=True))
    assert theirs == {subs["carol"].pk}
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    assert submissions_visible_to(instructor=root).count() == 4


def test_the_report_lists_only_the_viewers_students_and_counts_all(
    exercise, ines, otto, two_classes, fake_grader, sent_regrades, client
):
    run = regrade.regrade_start(exercise=exercise, user=ines)
    fake_grader.result = passing_result(verdict="failed", score=0.0)
    for item in run.items.all():
        regrade.regrade_item_run(item_id=item.pk)

    client.force_login(ines)
    detail = client.get(reverse("instructor:regrade_detail", args=[exercise.slug, run.pk]))
    progress = client.get(reverse("instructor:regrade_progress", args=[exercise.slug, run.pk]))
    for html in (detail.content.decode(), progress.json()["html"]):
        assert "4 grades changed: 4 dropped" in html  # counts stay whole
        assert "alice" in html and "bob" in html
        assert "carol" not in html
        assert "2 changes of students outside your cohorts are counted, not listed" in html
    names = [c.username for c in regrade.regrade_changes(regrade=run, visible_to=ines)]
    assert sorted(names) == ["alice", "bob"]

    client.force_login(otto)
    html = client.get(reverse("instructor:regrade_detail", args=[exercise.slug, run.pk]))
    html = html.content.decode()
    assert "carol" in html and "alice" not in html and "bob" not in html


def test_migration_marks_regrades_whose_items_are_all_graded_finished(
    exercise, history, ines, make_exercise, fake_grader, sent_regrades
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("exercises.migrations.0008_authoring_rights")
    done = regrade.regrade_start(exercise=exercise, user=ines)
    for item in done.items.all():
        regrade.regrade_item_run(item_id=item.pk)
    other = make_exercise("other")
    make_submission(ines, other, verdict="passed")
    running = regrade.regrade_start(exercise=other, user=ines)
    Regrade.objects.update(finished_at=None)

    migration.mark_finished_regrades(apps, None)

    done.refresh_from_db()
    running.refresh_from_db()
    assert done.finished_at == done.created_at
    assert running.finished_at is None


@pytest.mark.django_db(transaction=True)
def test_two_instructors_pressing_regrade_at_once_start_one(
    exercise, ines, otto, alice, bob, sent_regrades
):
    """Each in a thread of its own, with its own database connection and transaction."""
    import threading

    from django.db import connection

    make_submission(alice, exercise, verdict="passed")
    make_submission(bob, exercise, score=0.5)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def press(user) -> None:
        try:
            start.wait(timeout=10)
            regrade.regrade_start(exercise=exercise, user=user)
            outcomes.append("started")
        except regrade.RegradeError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in (ines, otto)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[-1] == "started" and outcomes.count("started") == 1, outcomes
    assert "already running" in [o for o in outcomes if o != "started"][0]
    assert Regrade.objects.filter(exercise=exercise).count() == 1
