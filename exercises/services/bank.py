"""Publishing the exercise bank (bundle directories in git) into the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
    # Lock the exercise row so two concurrent syncs cannot pick the same number.
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
        )

    if exercise.current_version_id != version.pk or exercise.title != version.title:
        exercise.current_version = version
        exercise.title = version.title
        exercise.save(update_fields=["current_version", "title"])
    return bundle.slug, version.number, created
