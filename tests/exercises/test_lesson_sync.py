"""Loading tracks, lessons, practice problems and quizzes from the bank.

The fixture track under data/tracks stands in for the real lesson content; the last
test syncs the real bank's tracks when they are present.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from exercises.models import Lesson, LessonProgress, PracticeProblem, QuizItem, Track
from exercises.services.bank import BankSyncError, bank_tracks_sync, exercises_link_lessons

pytestmark = pytest.mark.django_db

FIXTURE_TRACKS = Path(__file__).parent / "data" / "tracks"


@pytest.fixture
def tracks(tmp_path) -> Path:
    """A private copy of the fixture tracks that a test may edit."""
    root = tmp_path / "tracks"
    shutil.copytree(FIXTURE_TRACKS, root)
    return root


def lesson_dir(root: Path, slug: str) -> Path:
    return root / "optimization-mini" / "lessons" / slug


def test_first_sync_creates_track_lessons_practice_and_quiz_items(tracks):
    report = bank_tracks_sync(root=tracks)

    assert report == [
        ("track", "optimization-mini", "created"),
        ("lesson", "gradient-descent", "created"),
        ("lesson", "adam-and-adamw", "created"),
    ]
    track = Track.objects.get(slug="optimization-mini")
    assert track.title == "Optimizers, briefly"
    lessons = list(track.lessons.order_by("position"))
    assert [(lesson.slug, lesson.position) for lesson in lessons] == [
        ("gradient-descent", 1),
        ("adam-and-adamw", 2),
    ]
    adam = lessons[1]
    assert adam.minutes == 15
    assert adam.pass_percent == 75
    assert adam.exercise_slugs == ["adam", "adamw"]
    assert "decoupled-weight-decay" in adam.concepts
    assert adam.body.startswith("# Adam and AdamW")
    assert PracticeProblem.objects.filter(lesson=adam).count() == 2
    items = list(QuizItem.objects.filter(lesson=adam).order_by("position"))
    assert [item.key for item in items] == [
        "bias-correction-why",
        "first-step-size",
        "decoupled",
        "decay-uses-old-weight",
    ]
    assert items[0].answer == 1 and len(items[0].options) == 4
    assert items[0].concepts == ["bias-correction"]
    assert lessons[0].assets.keys() == {"valley.svg"}
    assert lessons[0].assets["valley.svg"].lstrip().startswith("<svg")


def test_second_sync_rewrites_nothing(tracks):
    bank_tracks_sync(root=tracks)
    before = {lesson.slug: lesson.content_hash for lesson in Lesson.objects.all()}

    report = bank_tracks_sync(root=tracks)

    assert {state for _, _, state in report} == {"unchanged"}
    assert {lesson.slug: lesson.content_hash for lesson in Lesson.objects.all()} == before


def test_unchanged_lessons_are_not_written_again(tracks, django_assert_max_num_queries):
    bank_tracks_sync(root=tracks)
    # Track, lessons, retired lessons, linking: a handful of reads, no lesson writes.
    with django_assert_max_num_queries(8):
        bank_tracks_sync(root=tracks)


def test_editing_a_lesson_updates_it_and_keeps_quiz_items_by_key(tracks):
    bank_tracks_sync(root=tracks)
    item = QuizItem.objects.get(key="decoupled")
    toml = lesson_dir(tracks, "adam-and-adamw") / "lesson.toml"
    toml.write_text(toml.read_text().replace("It uses a larger", "It uses a much larger"))

    report = bank_tracks_sync(root=tracks)

    assert ("lesson", "adam-and-adamw", "updated") in report
    assert ("lesson", "gradient-descent", "unchanged") in report
    item.refresh_from_db()
    assert item.options[0] == "It uses a much larger $\\epsilon$"
    assert QuizItem.objects.get(key="decoupled").pk == item.pk


def test_a_removed_quiz_item_becomes_inactive_and_is_never_deleted(tracks):
    bank_tracks_sync(root=tracks)
    toml = lesson_dir(tracks, "adam-and-adamw") / "lesson.toml"
    text = toml.read_text()
    start = text.index('[[quiz.items]]\nid = "decay-uses-old-weight"')
    toml.write_text(text[:start])

    bank_tracks_sync(root=tracks)

    gone = QuizItem.objects.get(key="decay-uses-old-weight")
    assert gone.active is False
    assert QuizItem.objects.filter(lesson=gone.lesson, active=True).count() == 3

    toml.write_text(text)  # putting it back revives the same row
    bank_tracks_sync(root=tracks)
    assert QuizItem.objects.get(pk=gone.pk).active is True


def test_reordering_lessons_moves_them_without_breaking_unique_positions(tracks):
    bank_tracks_sync(root=tracks)
    track_toml = tracks / "optimization-mini" / "track.toml"
    track_toml.write_text(
        track_toml.read_text().replace(
            'lessons = ["gradient-descent", "adam-and-adamw"]',
            'lessons = ["adam-and-adamw", "gradient-descent"]',
        )
    )

    bank_tracks_sync(root=tracks)

    assert list(Lesson.objects.order_by("position").values_list("slug", flat=True)) == [
        "adam-and-adamw",
        "gradient-descent",
    ]


def test_a_lesson_dropped_from_its_track_is_retired_with_its_progress_kept(tracks, alice):
    bank_tracks_sync(root=tracks)
    lesson = Lesson.objects.get(slug="gradient-descent")
    LessonProgress.objects.create(user=alice, lesson=lesson)
    track_toml = tracks / "optimization-mini" / "track.toml"
    track_toml.write_text(
        track_toml.read_text().replace('"gradient-descent", "adam-and-adamw"', '"adam-and-adamw"')
    )

    report = bank_tracks_sync(root=tracks)

    assert ("lesson", "gradient-descent", "retired") in report
    lesson.refresh_from_db()
    assert lesson.active is False
    assert LessonProgress.objects.filter(lesson=lesson, user=alice).exists()
    assert Lesson.objects.get(slug="adam-and-adamw").position == 1


def test_a_listed_lesson_without_a_directory_is_reported_missing(tracks):
    track_toml = tracks / "optimization-mini" / "track.toml"
    track_toml.write_text(
        track_toml.read_text().replace('"adam-and-adamw"]', '"adam-and-adamw", "not-written-yet"]')
    )

    report = bank_tracks_sync(root=tracks)

    assert ("lesson", "not-written-yet", "missing") in report
    assert not Lesson.objects.filter(slug="not-written-yet").exists()
    assert Lesson.objects.count() == 2


@pytest.mark.parametrize(
    "old, new, words",
    [
        ('answer = 1\nexplanation = "Starting', 'answer = 4\nexplanation = "Starting', "answer"),
        ('id = "decoupled"', 'id = "bias-correction-why"', "share an id"),
        ('id = "decoupled"', 'id = "Not A Slug"', "not a slug"),
        ("pass_percent = 75", "pass_percent = 120", "pass_percent"),
        ('title = "Adam and AdamW"', "title = [unclosed", "lesson.toml"),
    ],
)
def test_a_broken_lesson_names_itself_and_writes_nothing(tracks, old, new, words):
    toml = lesson_dir(tracks, "adam-and-adamw") / "lesson.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new, 1))

    with pytest.raises(BankSyncError) as excinfo:
        bank_tracks_sync(root=tracks)

    assert excinfo.value.slug.startswith("adam-and-adamw")
    assert words in str(excinfo.value)
    assert not Track.objects.exists() and not Lesson.objects.exists()


def test_an_answer_may_name_the_right_option_by_its_text(tracks):
    toml = lesson_dir(tracks, "gradient-descent") / "lesson.toml"
    toml.write_text(toml.read_text().replace("answer = 1\n", 'answer = "Against the gradient"\n'))

    bank_tracks_sync(root=tracks)

    assert QuizItem.objects.get(key="direction").answer == 1


def test_exercises_are_linked_in_the_order_their_lesson_lists_them(tracks, make_exercise):
    adamw = make_exercise("adamw")
    adam = make_exercise("adam")
    sgd = make_exercise("sgd")
    loose = make_exercise("momentum")

    bank_tracks_sync(root=tracks)

    adam.refresh_from_db(), adamw.refresh_from_db(), sgd.refresh_from_db(), loose.refresh_from_db()
    lesson = Lesson.objects.get(slug="adam-and-adamw")
    assert (adam.lesson, adam.position) == (lesson, 1)
    assert (adamw.lesson, adamw.position) == (lesson, 2)
    assert sgd.lesson.slug == "gradient-descent"
    assert loose.lesson is None


def test_an_exercise_naming_a_lesson_that_does_not_list_it_follows_the_listed_ones(
    tracks, make_exercise
):
    bank_tracks_sync(root=tracks)
    exercise = make_exercise("clipping")
    version = exercise.current_version
    version.lesson_slug = "gradient-descent"
    version.save()

    assert exercises_link_lessons() == 1

    exercise.refresh_from_db()
    assert exercise.lesson.slug == "gradient-descent"
    assert exercise.position > 1


def test_sync_bank_command_loads_bundles_then_tracks(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        "exercises.management.commands.sync_bank.bank_sync", lambda root: [("adamw", 1, True)]
    )
    shutil.copytree(FIXTURE_TRACKS, tmp_path / "tracks")

    call_command("sync_bank", "--root", str(tmp_path))

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "adamw: version 1 (created)"
    assert "track optimization-mini: created" in lines
    assert "lesson adam-and-adamw: created" in lines


def test_sync_bank_command_reports_broken_lesson_content(tmp_path, monkeypatch):
    monkeypatch.setattr("exercises.management.commands.sync_bank.bank_sync", lambda root: [])
    shutil.copytree(FIXTURE_TRACKS, tmp_path / "tracks")
    toml = tmp_path / "tracks" / "optimization-mini" / "lessons" / "gradient-descent"
    (toml / "lesson.toml").write_text("id = [unclosed")

    with pytest.raises(CommandError, match="gradient-descent"):
        call_command("sync_bank", "--root", str(tmp_path))


def test_the_real_bank_tracks_sync_cleanly_and_idempotently():
    root = Path(settings.TRACELAB_BANK_DIR) / "tracks"
    if not root.is_dir():
        pytest.skip("the bank has no tracks yet")

    first = bank_tracks_sync(root=root)
    second = bank_tracks_sync(root=root)

    assert Track.objects.exists() and Lesson.objects.exists()
    assert {state for kind, _, state in second if kind == "lesson"} <= {"unchanged", "missing"}
    assert len(first) == len(second)
    for item in QuizItem.objects.all():
        assert 0 <= item.answer < len(item.options)
