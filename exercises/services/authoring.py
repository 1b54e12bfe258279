"""Authoring exercises in the browser: drafts, validation, publishing, zip import/export.

A draft holds the files of an exercise bundle (exactly what a bank directory holds) and
never reaches students. Validation runs on a worker, through the same engine check as
the bank (`grader.validate_bundle`): the reference passes, the starter fails, every
known mistake is caught and named, agreement programs pass. Its report is stored on the
draft with the content hash it was run on; publishing is allowed only when that hash is
the draft's current one, and turns the files into a new ExerciseVersion.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import stat
import tomllib
import zipfile
import zlib
from typing import IO, TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet

from exercises import live_topics
from exercises.models import Exercise, ExerciseDraft, ExerciseVersion
from exercises.services.bank import exercise_version_publish, exercises_link_lessons
from exercises.services.cohorts import is_instructor

if TYPE_CHECKING:
    import grader

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 256 << 10  # the engine's limit for one bundle file
MAX_FILES = 64
MAX_TOTAL_BYTES = 2 << 20
MAX_ZIP_BYTES = 4 << 20
SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
FILE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
_PATH_PART_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
# Fixed timestamps make an exported zip depend on the files only.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


class Status:
    QUEUED = "queued"
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    PENDING = (QUEUED, RUNNING)


class AuthoringError(Exception):
    """An authoring action was refused; the message is safe to show to the instructor."""


# -- files -----------------------------------------------------------------------------
def files_content_hash(files: dict[str, str]) -> str:
    """The bundle content hash, computed exactly as the engine does for a bundle."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def bundle_id_from_toml(text: str) -> str:
    """The `id` an exercise.toml declares, or "" when it cannot be read."""
    try:
        value = tomllib.loads(text).get("id", "")
    except tomllib.TOMLDecodeError:
        return ""
    return value if isinstance(value, str) else ""


def toml_summary(text: str) -> dict[str, Any]:
    """What an instructor checks at a glance: title, points and the cases with visibility.

    Returns {"error": message} when the TOML does not parse.
    """
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {"error": str(exc)}
    cases = []
    for case in meta.get("cases", []) if isinstance(meta.get("cases"), list) else []:
        if isinstance(case, dict):
            cases.append(
                {
                    "name": str(case.get("name", "?")),
                    "steps": case.get("steps"),
                    "hidden": bool(case.get("hidden")),
                    "draws": sorted(case.get("draw", {}))
                    if isinstance(case.get("draw"), dict)
                    else [],
                }
            )
    tolerance = meta.get("tolerance") if isinstance(meta.get("tolerance"), dict) else {}
    limits = meta.get("limits") if isinstance(meta.get("limits"), dict) else {}
    return {
        "id": meta.get("id", ""),
        "title": meta.get("title", ""),
        "lesson": meta.get("lesson", ""),
        "points": meta.get("points", ""),
        "runtime": meta.get("runtime", ""),
        "device": meta.get("device", "cpu"),
        "tolerance": tolerance,
        "limits": limits,
        "cases": cases,
    }


def mistake_title_and_hint(source: str) -> tuple[str, str]:
    """The title and HINT of a mistake file, read without running it ("" when missing)."""
    import grader

    return grader.mistake_header(source)


def check_files(files: dict[str, str]) -> None:
    """Refuse file sets the engine or a zip could not hold (names, sizes, counts).

    A missing bundle file is not refused here: validation reports it like any other
    problem of the bundle.
    """
    if "exercise.toml" not in files:
        raise AuthoringError("A bundle needs an exercise.toml.")
    if len(files) > MAX_FILES:
        raise AuthoringError(f"A bundle holds at most {MAX_FILES} files.")
    total = 0
    for name, text in files.items():
        check_path(name)
        if not isinstance(text, str) or "\x00" in text:
            raise AuthoringError(f"{name} must be text without NUL characters.")
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_FILE_BYTES:
            raise AuthoringError(f"{name} is {size:,} bytes; a file may be {MAX_FILE_BYTES:,}.")
        total += size
    if total > MAX_TOTAL_BYTES:
        raise AuthoringError(f"The bundle is {total:,} bytes; the limit is {MAX_TOTAL_BYTES:,}.")


def check_path(name: str) -> str:
    """A bundle-relative path with plain parts: no absolute paths, `..`, or odd characters."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        raise AuthoringError(f"{name!r} is not a relative path inside the bundle.")
    parts = name.split("/")
    if len(parts) > 3 or any(part in ("", ".", "..") for part in parts):
        raise AuthoringError(f"{name!r} is not a plain path inside the bundle.")
    if not all(_PATH_PART_RE.match(part) for part in parts):
        raise AuthoringError(f"{name!r} has characters a bundle file name may not use.")
    return name


# -- drafts ----------------------------------------------------------------------------
NEW_EXERCISE_FILES: dict[str, str] = {
    "exercise.toml": """\
id = "my-exercise"
title = "Gradient descent with weight decay"
lesson = ""
points = 10
runtime = "numpy"             # numpy | torch
device = "cpu"                # cpu | gpu | any
concepts = ["weight-decay"]

[grading]
driver = "optimizer_step"
entrypoint = "sgd_wd_step"
args = ["w", "grad", "lr", "weight_decay"]
returns = ["w"]
trace = ["w"]

[tolerance]                   # |got - expected| <= atol + rtol * |expected|
rtol = 1e-7
atol = 1e-10

[limits]
cpu_seconds = 5
wall_seconds = 10
memory_mb = 512

[[cases]]                     # visible: fixed, reproducible by the student
name = "two-speed valley"
surface = { kind = "valley", curvatures = [100.0, 1.0] }
w0 = [1.0, 1.0]
steps = 20
hyper = { lr = 0.01, weight_decay = 0.1 }

[[cases]]                     # hidden: values drawn afresh per submission
name = "random quadratic"
hidden = true
surface = { kind = "quadratic", dim = 4, condition = 20.0 }
steps = 20
draw = { lr = [0.005, 0.03], weight_decay = [0.01, 0.3], seed = true }
""",
    "prompt.md": """\
# Gradient descent with weight decay

Write one step of gradient descent on the loss plus $\\frac{\\lambda}{2}\\lVert w \\rVert^2$:

$$w_t = w_{t-1} - \\eta\\,(g_t + \\lambda\\, w_{t-1})$$

```python
sgd_wd_step(w, grad, lr, weight_decay) -> w
```
""",
    "starter.py": """\
import numpy as np


def sgd_wd_step(w, grad, lr, weight_decay):
    \"\"\"One step of gradient descent with weight decay. Return the new w.\"\"\"
    return w
""",
    "solution.py": """\
import numpy as np


def sgd_wd_step(w, grad, lr, weight_decay):
    return w - lr * (grad + weight_decay * w)
""",
    "mistakes/decay-not-scaled.py": """\
\"\"\"Subtracts the decay without scaling it by the learning rate.\"\"\"

import numpy as np

HINT = "The decay term is part of the gradient, so the learning rate multiplies it too."


def sgd_wd_step(w, grad, lr, weight_decay):
    return w - lr * grad - weight_decay * w
""",
}

NEW_MISTAKE_SOURCE = '''"""One line that names the mistake (shown to students)."""

import numpy as np

HINT = "What the student should check, in one or two sentences."


'''


def drafts_visible_to(*, user: AbstractBaseUser) -> QuerySet[ExerciseDraft]:
    """The drafts `user` may open: their own and those shared with them (every draft for
    a superuser). To anyone else a draft does not exist: the pages answer 404."""
    if user.is_superuser:
        return ExerciseDraft.objects.all()
    if not is_instructor(user):
        return ExerciseDraft.objects.none()
    shared = ExerciseDraft.coauthors.through.objects.filter(user_id=user.pk)
    # A subquery, not a join: the rows stay distinct, and can be locked for update.
    return ExerciseDraft.objects.filter(
        Q(author_id=user.pk) | Q(pk__in=shared.values("exercisedraft_id"))
    )


def draft_for_user(*, user: AbstractBaseUser, draft_id: int) -> ExerciseDraft | None:
    """The draft if `user` may open it; None otherwise (shown as 404, never 403)."""
    return (
        drafts_visible_to(user=user)
        .select_related("exercise", "author")
        .filter(pk=draft_id)
        .first()
    )


def draft_coauthor_add(*, draft: ExerciseDraft, username: str) -> AbstractBaseUser:
    """Share the draft with another instructor, who can then do all its author can."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not is_instructor(user) or user.pk == draft.author_id:
        raise AuthoringError(f"{username} is not another instructor; drafts are shared with those.")
    draft.coauthors.add(user)
    return user


def draft_coauthor_remove(*, draft: ExerciseDraft, username: str) -> bool:
    """Stop sharing the draft with `username`; False when it was not shared with them."""
    removed, _ = ExerciseDraft.coauthors.through.objects.filter(
        exercisedraft_id=draft.pk, user__username=username
    ).delete()
    return removed > 0


def draft_create(
    *,
    author: AbstractBaseUser,
    files: dict[str, str] | None = None,
    exercise: Exercise | None = None,
) -> ExerciseDraft:
    """A new draft, from the given files or the built-in starting point."""
    files = dict(files if files is not None else NEW_EXERCISE_FILES)
    check_files(files)
    return ExerciseDraft.objects.create(
        slug=(bundle_id_from_toml(files["exercise.toml"]) or "draft")[:100],
        exercise=exercise,
        files=files,
        author=author,
    )


def draft_for_exercise(*, exercise: Exercise, author: AbstractBaseUser) -> ExerciseDraft:
    """The author's open draft of a published exercise (their own or one shared with
    them), or a new one of theirs holding its current files."""
    draft = drafts_visible_to(user=author).filter(exercise=exercise).order_by("-updated_at").first()
    if draft is not None:
        return draft
    if exercise.current_version is None:
        raise AuthoringError(f"{exercise.slug} has no published version to edit.")
    return draft_create(author=author, files=exercise.current_version.files, exercise=exercise)


def draft_update(*, draft: ExerciseDraft, files: dict[str, str]) -> ExerciseDraft:
    """Replace the draft's files. An earlier validation stays stored, but no longer
    counts: its hash is the old content's."""
    check_files(files)
    draft.files = dict(files)
    draft.slug = (bundle_id_from_toml(files["exercise.toml"]) or draft.slug or "draft")[:100]
    draft.save(update_fields=["files", "slug", "updated_at"])
    return draft


def draft_is_validated(draft: ExerciseDraft) -> bool:
    """True when the last validation passed on exactly the draft's current files."""
    return (
        draft.validation_status == Status.PASSED
        and bool(draft.validated_hash)
        and draft.validated_hash == files_content_hash(draft.files)
    )


def draft_validation_request(*, draft: ExerciseDraft) -> None:
    """Mark the draft queued and send the validation to a worker once committed."""
    from exercises.tasks import validate_draft

    with transaction.atomic():
        ExerciseDraft.objects.filter(pk=draft.pk).update(
            validation_status=Status.QUEUED, validation=None, validated_hash=""
        )
        draft.validation_status, draft.validation, draft.validated_hash = Status.QUEUED, None, ""
        draft_id = draft.pk
        live_topics.draft_changed(draft_id=draft_id)
        # A GPU exercise is validated where its submissions will be graded.
        device = toml_summary(draft.files.get("exercise.toml", "")).get("device")
        queue = "gpu" if device == "gpu" else "cpu"
        # robust: with the broker down the page still answers; the draft shows "queued"
        # and the instructor can press Validate again.
        transaction.on_commit(
            lambda: validate_draft.apply_async(args=[draft_id], queue=queue), robust=True
        )


def bundle_validate(bundle: grader.Bundle) -> Any:
    """The engine's bundle validation (the seam tests replace)."""
    import grader

    return grader.validate_bundle(bundle, pool=None)


def draft_validate(*, draft_id: int) -> str | None:
    """Validate a draft's files in the sandbox and store the report (run by the worker).

    The report is stored with the hash of the files that were validated, whatever
    happened to the draft meanwhile. A bundle the engine cannot load is a failed
    validation; an exception from the machinery is stored as status "error". Returns
    the status stored, or None when the draft is gone.
    """
    import grader

    draft = ExerciseDraft.objects.filter(pk=draft_id).first()
    if draft is None:
        return None
    ExerciseDraft.objects.filter(pk=draft_id).update(validation_status=Status.RUNNING)
    live_topics.draft_changed(draft_id=draft_id)
    files = dict(draft.files)
    content_hash = files_content_hash(files)
    try:
        bundle = grader.Bundle.from_files(files)
    except grader.BundleError as exc:
        status = Status.FAILED
        validation = {"ok": False, "error": str(exc), "report": None, "text": str(exc)}
    else:
        try:
            report = bundle_validate(bundle)
        except Exception as exc:  # noqa: BLE001 - stored and shown, never lost in a log
            logger.exception("validating draft %s failed", draft_id)
            status = Status.ERROR
            message = f"Validation could not run: {type(exc).__name__}: {exc}"
            validation = {"ok": False, "error": message, "report": None, "text": message}
        else:
            ok = bool(report.ok)
            status = Status.PASSED if ok else Status.FAILED
            validation = {
                "ok": ok,
                "error": None,
                "report": report.to_dict(),
                "text": report.format(),
            }
    ExerciseDraft.objects.filter(pk=draft_id).update(
        validation=validation, validation_status=status, validated_hash=content_hash
    )
    live_topics.draft_changed(draft_id=draft_id)
    return status


def draft_delete(*, draft: ExerciseDraft) -> None:
    draft.delete()


def draft_publish(*, draft_id: int, user: AbstractBaseUser) -> ExerciseVersion:
    """Publish a validated draft as the exercise's current version and delete the draft.

    Creates the exercise when it is new. The same files published twice reuse their
    version. Raises AuthoringError when the draft is not one `user` may open, the last
    validation did not pass on the current files, or the bundle's id clashes with
    another exercise.
    """
    import grader

    with transaction.atomic():
        draft = (
            # Only the draft row is locked: PostgreSQL cannot lock the nullable side of
            # the join to its exercise.
            drafts_visible_to(user=user)
            .select_for_update(of=("self",))
            .select_related("exercise")
            .filter(pk=draft_id)
            .first()
        )
        if draft is None:
            raise AuthoringError("This draft no longer exists.")
        if not draft_is_validated(draft):
            raise AuthoringError(
                "Validate the draft first: publishing needs a passing validation of "
                "exactly the current files."
            )
        try:
            bundle = grader.Bundle.from_files(dict(draft.files))
        except grader.BundleError as exc:
            raise AuthoringError(str(exc)) from exc
        if not SLUG_RE.match(bundle.slug) or len(bundle.slug) > 100:
            raise AuthoringError(
                f"The id {bundle.slug!r} must be lower-case letters, digits and dashes."
            )
        exercise = draft.exercise
        if exercise is not None and exercise.slug != bundle.slug:
            raise AuthoringError(
                f"This draft edits {exercise.slug!r}; its exercise.toml must keep "
                f'id = "{exercise.slug}".'
            )
        if exercise is None:
            if Exercise.objects.filter(slug=bundle.slug).exists():
                raise AuthoringError(
                    f"An exercise with the id {bundle.slug!r} exists already. Pick another "
                    "id, or edit that exercise from the exercise list."
                )
            exercise = Exercise.objects.create(slug=bundle.slug, title=bundle.title)
        version, _ = exercise_version_publish(exercise=exercise, bundle=bundle, user=user)
        draft.delete()
        # The same lesson linking the bank sync does (a lesson listing the exercise,
        # else the lesson its bundle names).
        exercises_link_lessons()
    return version


# -- zip export and import -------------------------------------------------------------
def exercise_export_zip(*, exercise: Exercise) -> bytes:
    """The exercise's current version as a bundle directory `<slug>/...` in a zip."""
    version = exercise.current_version
    if version is None:
        raise AuthoringError(f"{exercise.slug} has no published version.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(version.files):
            info = zipfile.ZipInfo(f"{exercise.slug}/{name}", date_time=_ZIP_DATE)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, version.files[name].encode("utf-8"))
    return buffer.getvalue()


def _skipped(name: str) -> bool:
    parts = name.split("/")
    return (
        any(part.startswith(".") for part in parts) or "__pycache__" in parts or "__MACOSX" in parts
    )


# What zipfile raises on a damaged member: a bad CRC, a truncated or corrupt stream,
# overlapping entries, a compression method it cannot inflate.
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """At most MAX_FILE_BYTES + 1 inflated bytes of one member (its CRC checked when whole)."""
    try:
        with archive.open(info) as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except _ZIP_READ_ERRORS as exc:
        raise AuthoringError(
            f"The zip is damaged: {info.filename!r} cannot be read ({exc})."
        ) from exc


def zip_read_bundle_files(upload: IO[bytes], *, size: int | None = None) -> dict[str, str]:
    """Read a bundle from a zip, refusing anything that could escape or exhaust.

    Refused: absolute paths, `..`, backslashes, symbolic links and other non-regular
    entries, encrypted entries, more than MAX_FILES files, a file over MAX_FILE_BYTES
    or a total over MAX_TOTAL_BYTES (checked on the bytes actually inflated, not only on
    the sizes the archive claims), and files that are not UTF-8 text. Hidden files and
    __pycache__/__MACOSX folders are skipped. One top-level folder holding the bundle is
    stripped.
    """
    if size is not None and size > MAX_ZIP_BYTES:
        raise AuthoringError(f"The zip is larger than {MAX_ZIP_BYTES // (1 << 20)} MiB.")
    try:
        archive = zipfile.ZipFile(upload)
    except _ZIP_READ_ERRORS as exc:
        raise AuthoringError("That file is not a zip archive (or it is damaged).") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_FILES * 4:
            raise AuthoringError(f"The zip holds too many entries (more than {MAX_FILES * 4}).")
        raw: dict[str, zipfile.ZipInfo] = {}
        for info in entries:
            name = info.filename
            if name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
                raise AuthoringError(f"{name!r}: absolute paths are not allowed in a bundle zip.")
            if ".." in name.split("/"):
                raise AuthoringError(f"{name!r}: '..' is not allowed in a bundle zip.")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise AuthoringError(f"{name!r}: symbolic links are not allowed in a bundle zip.")
            if info.is_dir():
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
                raise AuthoringError(f"{name!r} is not a regular file.")
            if info.flag_bits & 0x1:
                raise AuthoringError(f"{name!r} is encrypted.")
            if _skipped(name):
                continue
            raw[name] = info
        if len(raw) > MAX_FILES:
            raise AuthoringError(
                f"A bundle holds at most {MAX_FILES} files; this zip has {len(raw)}."
            )
        prefix = _common_folder(list(raw))
        files: dict[str, str] = {}
        total = 0
        for name, info in raw.items():
            if info.file_size > MAX_FILE_BYTES:
                raise AuthoringError(f"{name!r} is larger than {MAX_FILE_BYTES // 1024} KiB.")
            data = _zip_member(archive, info)
            if len(data) > MAX_FILE_BYTES:
                raise AuthoringError(f"{name!r} is larger than {MAX_FILE_BYTES // 1024} KiB.")
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise AuthoringError(f"The bundle is larger than {MAX_TOTAL_BYTES // 1024} KiB.")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise AuthoringError(f"{name!r} is not UTF-8 text.") from exc
            relative = name[len(prefix) :]
            files[check_path(relative)] = text
    if "exercise.toml" not in files:
        raise AuthoringError("The zip holds no exercise.toml (at its top, or in one folder).")
    check_files(files)
    return files


def _common_folder(names: list[str]) -> str:
    """'slug/' when every file sits in that one folder and exercise.toml is not at the top."""
    if not names or "exercise.toml" in names:
        return ""
    first = names[0].split("/", 1)[0]
    if all("/" in name and name.split("/", 1)[0] == first for name in names):
        return first + "/"
    return ""


def draft_import_zip(
    *, upload: IO[bytes], author: AbstractBaseUser, size: int | None = None
) -> ExerciseDraft:
    """A new draft from an uploaded bundle zip; it edits the exercise with the same id."""
    files = zip_read_bundle_files(upload, size=size)
    slug = bundle_id_from_toml(files["exercise.toml"])
    exercise = Exercise.objects.filter(slug=slug).first() if slug else None
    return draft_create(author=author, files=files, exercise=exercise)
