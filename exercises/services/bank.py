"""Publishing the exercise bank (bundle directories in git) into the database."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from exercises.models import Exercise, ExerciseVersion

if TYPE_CHECKING:
    import grader


class BankSyncError(Exception):
    """A bundle in the bank could not be loaded; nothing was written."""

    def __init__(self, *, slug: str, error: Exception) -> None:
        super().__init__(f"{slug}: {error}")
        self.slug = slug
        self.error = error


def bank_bundle_dirs(*, root: Path) -> list[Path]:
    """Directories under `root` that hold a bundle (they have an exercise.toml)."""
    return sorted(path for path in Path(root).iterdir() if (path / "exercise.toml").is_file())


def bank_sync(*, root: Path | str) -> list[tuple[str, int, bool]]:
    """Load every bundle under `root` and publish the ones whose content changed.

    Returns one `(slug, version_number, created)` per bundle. A new content hash gets
    the next version number; an already known hash (also an older one, after a revert)
    is reused. Either way the exercise's `current_version` points at it. All bundles are
    loaded before anything is written, so one broken bundle leaves the database as it was.

    Raises BankSyncError naming the bundle when the engine rejects it.
    """
    import grader

    bundles: list[grader.Bundle] = []
    for path in bank_bundle_dirs(root=Path(root)):
        try:
            bundles.append(grader.load_bundle(path))
        except grader.BundleError as exc:
            raise BankSyncError(slug=path.name, error=exc) from exc

    with transaction.atomic():
        return [_publish_bundle(bundle=bundle) for bundle in bundles]


def _publish_bundle(*, bundle: grader.Bundle) -> tuple[str, int, bool]:
    exercise, _ = Exercise.objects.get_or_create(slug=bundle.slug, defaults={"title": bundle.title})
    version, created = exercise_version_publish(exercise=exercise, bundle=bundle)
    return bundle.slug, version.number, created


def exercise_version_publish(
    *, exercise: Exercise, bundle: grader.Bundle, user: AbstractBaseUser | None = None
) -> tuple[ExerciseVersion, bool]:
    """Make `bundle` the exercise's current version; returns (version, created).

    A bundle whose content hash is already a version of this exercise reuses that
    version, so publishing the same files twice creates nothing. Call inside a
    transaction: the exercise row is locked so two publishers cannot take the same
    version number.
    """
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    version = ExerciseVersion.objects.filter(
        exercise=exercise, content_hash=bundle.content_hash
    ).first()
    created = version is None
    if version is None:
        last_number = exercise.versions.aggregate(last=Max("number"))["last"] or 0
        version = ExerciseVersion.objects.create(
            exercise=exercise,
            number=last_number + 1,
            content_hash=bundle.content_hash,
            files=dict(bundle.files),
            title=bundle.title,
            prompt=bundle.prompt,
            starter=bundle.starter,
            runtime=bundle.runtime,
            device=bundle.device,
            points=bundle.points,
            lesson_slug=bundle.lesson or "",
            concepts=list(bundle.concepts),
            created_by=user,
        )
    if exercise.current_version_id != version.pk or exercise.title != version.title:
        exercise.current_version = version
        exercise.title = version.title
        exercise.save(update_fields=["current_version", "title"])
    return version, created


# -- tracks and lessons ----------------------------------------------------------------
#
# bank/tracks/<track>/track.toml                 id, title, summary, lessons = [ids]
# bank/tracks/<track>/lessons/<id>/lesson.toml   metadata, [[practice]], [quiz] + items
# bank/tracks/<track>/lessons/<id>/lesson.md     the text; *.svg next to it are figures

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_FIGURE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.svg$")
MAX_FIGURE_BYTES = 256 << 10
MAX_LESSON_TEXT_BYTES = 512 << 10
# Positions parked out of the way while a track's lessons are renumbered, so the
# (track, position) constraint never sees two lessons on one position mid-update.
_PARKED_POSITION = 1_000_000


@dataclass(frozen=True)
class _QuizItemSpec:
    key: str
    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class _LessonSpec:
    slug: str
    title: str
    summary: str
    minutes: int
    concepts: tuple[str, ...]
    exercise_slugs: tuple[str, ...]
    body: str
    assets: dict[str, str]
    practice: tuple[tuple[str, str], ...]
    pass_percent: int
    items: tuple[_QuizItemSpec, ...]
    content_hash: str


@dataclass(frozen=True)
class _TrackSpec:
    slug: str
    title: str
    summary: str
    content_hash: str
    lessons: tuple[_LessonSpec, ...]
    missing: tuple[str, ...] = ()


def bank_track_dirs(*, root: Path) -> list[Path]:
    """Directories under `root` that hold a track (they have a track.toml)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if (path / "track.toml").is_file())


def bank_tracks_sync(*, root: Path | str) -> list[tuple[str, str, str]]:
    """Load every track under `root` (bank/tracks) with its lessons, practice and quizzes.

    Returns one `(kind, slug, state)` per track and lesson, kind being "track" or
    "lesson" and state "created", "updated", "unchanged", "retired" or "missing" (listed
    by the track but without a directory yet: left out, not an error). Lessons whose
    files did not change (same content hash) are not rewritten. Quiz items are matched
    by their stable id: an item dropped from the file becomes inactive, never deleted,
    and a lesson dropped from its track is retired the same way, so the attempts and
    progress that refer to them keep their meaning. Exercises are then linked to the
    lessons that list them.

    Everything is parsed before anything is written; raises BankSyncError naming the
    track or lesson at fault, leaving the database as it was.
    """
    specs = [_read_track(path) for path in bank_track_dirs(root=Path(root))]
    seen: dict[str, str] = {}
    for track in specs:
        for lesson in track.lessons:
            if lesson.slug in seen:
                raise BankSyncError(
                    slug=lesson.slug,
                    error=ValueError(
                        f"lesson is listed by tracks {seen[lesson.slug]!r} and {track.slug!r}"
                    ),
                )
            seen[lesson.slug] = track.slug

    report: list[tuple[str, str, str]] = []
    with transaction.atomic():
        for position, track in enumerate(specs, start=1):
            report.extend(_publish_track(track=track, position=position))
        exercises_link_lessons()
    return report


def exercises_link_lessons() -> int:
    """Point every exercise at the lesson that lists it (`Exercise.lesson`, `position`).

    The lesson's `exercises` list decides the order. An exercise no active lesson lists
    falls back to the lesson its bundle names (after the listed ones), else to none.
    Returns how many exercises changed.
    """
    from exercises.models import Lesson

    lessons = list(Lesson.objects.filter(active=True).only("id", "slug", "exercise_slugs"))
    by_slug = {lesson.slug: lesson for lesson in lessons}
    wanted: dict[str, tuple[int, int]] = {}
    for lesson in lessons:
        for index, slug in enumerate(lesson.exercise_slugs or [], start=1):
            wanted.setdefault(slug, (lesson.pk, index))
    changed = 0
    exercises = Exercise.objects.select_related("current_version").only(
        "id", "slug", "lesson_id", "position", "current_version__lesson_slug"
    )
    for exercise in exercises:
        target = wanted.get(exercise.slug)
        if target is None:
            named = exercise.current_version.lesson_slug if exercise.current_version else ""
            lesson = by_slug.get(named)
            target = (lesson.pk, 1000 + exercise.pk) if lesson else (None, 0)
        if (exercise.lesson_id, exercise.position) != target:
            Exercise.objects.filter(pk=exercise.pk).update(lesson=target[0], position=target[1])
            changed += 1
    return changed


def _publish_track(*, track: _TrackSpec, position: int) -> list[tuple[str, str, str]]:
    from exercises.models import Lesson, Track

    report: list[tuple[str, str, str]] = []
    row = Track.objects.filter(slug=track.slug).first()
    if row is None:
        row = Track.objects.create(
            slug=track.slug,
            title=track.title,
            summary=track.summary,
            position=position,
            content_hash=track.content_hash,
        )
        report.append(("track", track.slug, "created"))
    elif (row.title, row.summary, row.position, row.content_hash) != (
        track.title,
        track.summary,
        position,
        track.content_hash,
    ):
        row.title, row.summary = track.title, track.summary
        row.position, row.content_hash = position, track.content_hash
        row.save(update_fields=["title", "summary", "position", "content_hash"])
        report.append(("track", track.slug, "updated"))
    else:
        report.append(("track", track.slug, "unchanged"))

    listed = [spec.slug for spec in track.lessons]
    existing = {lesson.slug: lesson for lesson in Lesson.objects.filter(slug__in=listed)}
    retired = list(Lesson.objects.filter(track=row).exclude(slug__in=listed).order_by("position"))
    # Listed lessons take positions 1..n in file order; retired ones follow them.
    targets = {slug: index for index, slug in enumerate(listed, start=1)}
    for offset, lesson in enumerate(retired, start=len(listed) + 1):
        targets[lesson.slug] = offset
    moving = [
        lesson
        for lesson in [*existing.values(), *retired]
        if (lesson.track_id, lesson.position) != (row.pk, targets[lesson.slug])
    ]
    for lesson in moving:
        Lesson.objects.filter(pk=lesson.pk).update(position=_PARKED_POSITION + lesson.pk)
    for lesson in moving:
        Lesson.objects.filter(pk=lesson.pk).update(track=row, position=targets[lesson.slug])
        lesson.track_id, lesson.position = row.pk, targets[lesson.slug]

    for lesson in retired:
        if lesson.active:
            Lesson.objects.filter(pk=lesson.pk).update(active=False)
            report.append(("lesson", lesson.slug, "retired"))

    for spec in track.lessons:
        lesson = existing.get(spec.slug)
        if lesson is not None and lesson.content_hash == spec.content_hash and lesson.active:
            report.append(("lesson", spec.slug, "unchanged"))
            continue
        state = "created" if lesson is None else "updated"
        _publish_lesson(spec=spec, lesson=lesson, track=row, position=targets[spec.slug])
        report.append(("lesson", spec.slug, state))
    report.extend(("lesson", slug, "missing") for slug in track.missing)
    return report


def _publish_lesson(*, spec: _LessonSpec, lesson, track, position: int) -> None:
    from exercises.models import Lesson, PracticeProblem, QuizItem

    fields = {
        "title": spec.title,
        "summary": spec.summary,
        "minutes": spec.minutes,
        "body": spec.body,
        "assets": spec.assets,
        "concepts": list(spec.concepts),
        "exercise_slugs": list(spec.exercise_slugs),
        "pass_percent": spec.pass_percent,
        "content_hash": spec.content_hash,
        "active": True,
    }
    if lesson is None:
        lesson = Lesson.objects.create(slug=spec.slug, track=track, position=position, **fields)
    else:
        Lesson.objects.filter(pk=lesson.pk).update(**fields)

    # Practice problems are referred to by nothing else, so they are simply replaced.
    PracticeProblem.objects.filter(lesson=lesson).delete()
    PracticeProblem.objects.bulk_create(
        PracticeProblem(lesson=lesson, position=index, question=question, answer=answer)
        for index, (question, answer) in enumerate(spec.practice, start=1)
    )

    items = {item.key: item for item in QuizItem.objects.filter(lesson=lesson)}
    keep = {item.key for item in spec.items}
    QuizItem.objects.filter(lesson=lesson).exclude(key__in=keep).update(active=False)
    for index, item in enumerate(spec.items, start=1):
        values = {
            "position": index,
            "question": item.question,
            "options": list(item.options),
            "answer": item.answer,
            "explanation": item.explanation,
            "concepts": list(item.concepts),
            "active": True,
        }
        if item.key in items:
            QuizItem.objects.filter(pk=items[item.key].pk).update(**values)
        else:
            QuizItem.objects.create(lesson=lesson, key=item.key, **values)


def _read_track(path: Path) -> _TrackSpec:
    raw = _read_bytes(path / "track.toml", slug=path.name)
    meta = _parse_toml(raw, slug=path.name, name="track.toml")
    slug = _text(meta, "id", slug=path.name, default=path.name)
    if not _SLUG.match(slug):
        raise BankSyncError(slug=path.name, error=ValueError(f"track id {slug!r} is not a slug"))
    lesson_ids = meta.get("lessons", [])
    if not isinstance(lesson_ids, list) or not all(isinstance(x, str) for x in lesson_ids):
        raise BankSyncError(slug=slug, error=ValueError("lessons must be a list of lesson ids"))
    if len(set(lesson_ids)) != len(lesson_ids):
        raise BankSyncError(slug=slug, error=ValueError("a lesson is listed twice"))
    # A track may list lessons that are still being written: a listed lesson without a
    # directory is reported as missing and left out; a lesson that exists must be valid.
    missing = tuple(
        lesson_id for lesson_id in lesson_ids if not (path / "lessons" / lesson_id).exists()
    )
    lessons = tuple(
        _read_lesson(path / "lessons" / lesson_id, slug=lesson_id)
        for lesson_id in lesson_ids
        if lesson_id not in missing
    )
    return _TrackSpec(
        slug=slug,
        title=_text(meta, "title", slug=slug),
        summary=_text(meta, "summary", slug=slug, default=""),
        content_hash=hashlib.sha256(raw).hexdigest(),
        lessons=lessons,
        missing=missing,
    )


def _read_lesson(path: Path, *, slug: str) -> _LessonSpec:
    if not _SLUG.match(slug):
        raise BankSyncError(slug=slug, error=ValueError("lesson id is not a slug"))
    if not path.is_dir():
        raise BankSyncError(slug=slug, error=ValueError(f"{path} does not exist"))
    toml_raw = _read_bytes(path / "lesson.toml", slug=slug)
    body_raw = _read_bytes(path / "lesson.md", slug=slug)
    meta = _parse_toml(toml_raw, slug=slug, name="lesson.toml")
    if meta.get("id", slug) != slug:
        raise BankSyncError(
            slug=slug, error=ValueError(f"lesson.toml says id = {meta.get('id')!r}")
        )

    digest = hashlib.sha256()
    assets: dict[str, str] = {}
    for name, raw in (("lesson.toml", toml_raw), ("lesson.md", body_raw)):
        digest.update(f"{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    for figure in sorted(path.glob("*.svg")):
        if not _FIGURE_NAME.match(figure.name):
            raise BankSyncError(slug=slug, error=ValueError(f"bad figure name {figure.name!r}"))
        raw = _read_bytes(figure, slug=slug, limit=MAX_FIGURE_BYTES)
        assets[figure.name] = _decode(raw, slug=slug, name=figure.name)
        digest.update(f"{figure.name}\0{len(raw)}\0".encode())
        digest.update(raw)

    practice = []
    for index, problem in enumerate(_tables(meta, "practice", slug=slug), start=1):
        practice.append(
            (
                _text(problem, "question", slug=f"{slug} practice {index}"),
                _text(problem, "answer", slug=f"{slug} practice {index}"),
            )
        )

    quiz = meta.get("quiz", {})
    if not isinstance(quiz, dict):
        raise BankSyncError(slug=slug, error=ValueError("[quiz] must be a table"))
    pass_percent = quiz.get("pass_percent", 75)
    if not isinstance(pass_percent, int) or not 0 <= pass_percent <= 100:
        raise BankSyncError(slug=slug, error=ValueError("quiz.pass_percent must be 0..100"))
    items = tuple(
        _quiz_item(item, slug=slug, index=index)
        for index, item in enumerate(_tables(quiz, "items", slug=slug), start=1)
    )
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise BankSyncError(slug=slug, error=ValueError("two quiz items share an id"))

    minutes = meta.get("minutes", 10)
    if not isinstance(minutes, int) or minutes < 0:
        raise BankSyncError(slug=slug, error=ValueError("minutes must be a whole number"))
    return _LessonSpec(
        slug=slug,
        title=_text(meta, "title", slug=slug),
        summary=_text(meta, "summary", slug=slug, default=""),
        minutes=minutes,
        concepts=_strings(meta, "concepts", slug=slug),
        exercise_slugs=_strings(meta, "exercises", slug=slug),
        body=_decode(body_raw, slug=slug, name="lesson.md"),
        assets=assets,
        practice=tuple(practice),
        pass_percent=pass_percent,
        items=items,
        content_hash=digest.hexdigest(),
    )


def _quiz_item(item: dict, *, slug: str, index: int) -> _QuizItemSpec:
    where = f"{slug} quiz item {index}"
    key = _text(item, "id", slug=where)
    if not _SLUG.match(key):
        raise BankSyncError(slug=where, error=ValueError(f"id {key!r} is not a slug"))
    options = item.get("options")
    if (
        not isinstance(options, list)
        or len(options) < 2
        or not all(isinstance(option, str) and option.strip() for option in options)
    ):
        raise BankSyncError(slug=where, error=ValueError("options must be two or more strings"))
    answer = item.get("answer")
    # The answer is a 0-based index into options, or the text of the right option.
    if isinstance(answer, str) and answer in options:
        answer = options.index(answer)
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(options):
        raise BankSyncError(
            slug=where,
            error=ValueError("answer must be a 0-based index into options (or an option's text)"),
        )
    return _QuizItemSpec(
        key=key,
        question=_text(item, "question", slug=where),
        options=tuple(options),
        answer=answer,
        explanation=_text(item, "explanation", slug=where, default=""),
        concepts=_strings(item, "concepts", slug=where),
    )


def _read_bytes(path: Path, *, slug: str, limit: int = MAX_LESSON_TEXT_BYTES) -> bytes:
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError(f"{path.name} is missing (or not a plain file)")
        raw = path.read_bytes()
    except (OSError, ValueError) as exc:
        raise BankSyncError(slug=slug, error=exc) from exc
    if len(raw) > limit:
        raise BankSyncError(slug=slug, error=ValueError(f"{path.name} is over {limit} bytes"))
    return raw


def _decode(raw: bytes, *, slug: str, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankSyncError(slug=slug, error=ValueError(f"{name} is not UTF-8")) from exc


def _parse_toml(raw: bytes, *, slug: str, name: str) -> dict:
    try:
        return tomllib.loads(_decode(raw, slug=slug, name=name))
    except tomllib.TOMLDecodeError as exc:
        raise BankSyncError(slug=slug, error=ValueError(f"{name}: {exc}")) from exc


def _text(table: dict, key: str, *, slug: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise BankSyncError(slug=slug, error=ValueError(f"{key} must be a non-empty string"))
    return value.strip()


def _strings(table: dict, key: str, *, slug: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise BankSyncError(slug=slug, error=ValueError(f"{key} must be a list of strings"))
    return tuple(value)


def _tables(table: dict, key: str, *, slug: str) -> list[dict]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise BankSyncError(slug=slug, error=ValueError(f"[[{key}]] must be tables"))
    return value
