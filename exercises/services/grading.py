"""The one place where the site reaches the grading engine.

Everything else calls `grade_code`; tests patch it here and never run the real grader.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import tomllib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from coursesite import metrics

if TYPE_CHECKING:
    import grader
    from exercises.models import ExerciseVersion

logger = logging.getLogger(__name__)

# Building a bundle parses its files and lets the engine cache reference traces on it,
# so a worker keeps recent bundles alive between submissions.
_BUNDLE_CACHE_SIZE = 64
_bundles: OrderedDict[str, grader.Bundle] = OrderedDict()
_bundles_lock = threading.Lock()


def bundle_for_version(*, version: ExerciseVersion) -> grader.Bundle:
    """Return the engine's Bundle for an exercise version, cached per content hash."""
    # Imported on first use: web processes never grade and should not pay for loading
    # the engine and its numerical libraries.
    import grader

    key = version.content_hash
    with _bundles_lock:
        bundle = _bundles.get(key)
        if bundle is not None:
            _bundles.move_to_end(key)
            return bundle
    bundle = grader.Bundle.from_files(dict(version.files))
    with _bundles_lock:
        _bundles[key] = bundle
        _bundles.move_to_end(key)
        while len(_bundles) > _BUNDLE_CACHE_SIZE:
            _bundles.popitem(last=False)
    return bundle


def grade_code(*, version: ExerciseVersion, code: str, visible_only: bool) -> dict[str, Any]:
    """Grade `code` against `version` and return the engine's result as a plain dict.

    Student faults (wrong traces, crashes, timeouts, forbidden code) come back as a
    verdict in the dict; an exception here means the grading infrastructure failed.
    """
    import grader

    started = time.perf_counter()
    with metrics.GRADINGS_IN_PROGRESS.track_inprogress():
        try:
            bundle = bundle_for_version(version=version)
            return grader.grade(bundle, code, visible_only=visible_only).to_dict()
        finally:
            metrics.GRADING_SECONDS.labels(queue=version.queue_name).observe(
                time.perf_counter() - started
            )


@functools.lru_cache(maxsize=_BUNDLE_CACHE_SIZE)
def _wall_seconds(content_hash: str, exercise_toml: str) -> float:
    import grader

    try:
        limits = tomllib.loads(exercise_toml).get("limits", {})
        return float(limits.get("wall_seconds", grader.Limits.wall_seconds))
    except (tomllib.TOMLDecodeError, TypeError, ValueError, AttributeError):
        return float(grader.Limits.wall_seconds)


def wall_seconds(*, version: ExerciseVersion) -> float:
    """The version's wall-clock limit per grading run (the engine's default if unset).

    Read from exercise.toml alone, once per version, so claiming a row never waits
    for a bundle build.
    """
    return _wall_seconds(version.content_hash, version.files.get("exercise.toml", ""))


def clear_bundle_cache() -> None:
    """Forget every cached bundle (used by tests and after a bank reload)."""
    with _bundles_lock:
        _bundles.clear()


def grading_warm_up() -> None:
    """Get a worker process ready before its first submission arrives.

    Starts the warm sandbox pool for every runtime in use and computes the
    reference and mistake traces of every current exercise version, in a
    background thread, so the first student does not wait for either.
    """
    from exercises.models import Exercise, ExerciseVersion

    current = Exercise.objects.exclude(current_version=None).values("current_version")
    versions = list(ExerciseVersion.objects.filter(pk__in=current))

    def warm() -> None:
        import grader

        pool = grader.default_pool()
        for runtime in {v.runtime for v in versions}:
            pool.warm_up(runtime)
        for version in versions:
            try:
                grader.prepared_for(bundle_for_version(version=version), pool=pool)
            except Exception:  # noqa: BLE001 - a broken bundle is reported when graded
                logger.exception("could not prepare %s", version)

    threading.Thread(target=warm, name="grading-warm-up", daemon=True).start()
