import io
import stat
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)

from exercises.models import Exercise, ExerciseDraft, ExerciseVersion
from exercises.services import authoring
from exercises.services.authoring import NEW_EXERCISE_FILES, AuthoringError
from exercises.tasks import validate_draft

pytestmark = pytest.mark.django_db


def files_for(slug: str = "sgd-wd", **changes: str) -> dict[str, str]:
    files = dict(NEW_EXERCISE_FILES)
    files["exercise.toml"] = files["exercise.toml"].replace('id = "my-exercise"', f'id = "{slug}"')
    files.update(changes)
    return files


class FakeReport:
    def __init__(self, ok: bool) -> None:
        self.ok = ok

    def to_dict(self):
        return {
            "slug": "sgd-wd",
            "ok": self.ok,
            "checks": [
                {"name": "reference passes", "ok": True, "detail": "all cases"},
                {"name": "mistake same is named", "ok": self.ok, "detail": "passes every case"},
            ],
        }

    def format(self) -> str:
        return "sgd-wd: valid" if self.ok else "sgd-wd: INVALID"


@pytest.fixture
def fake_validation(monkeypatch):
    """Replace the engine's validation; `.ok` decides the report."""
    state = SimpleNamespace(ok=True, calls=[], error=None)

    def validate(bundle):
        state.calls.append(bundle)
        if state.error:
            raise state.error
        return FakeReport(state.ok)

    monkeypatch.setattr(authoring, "bundle_validate", validate)
    return state


@pytest.fixture
def sent_validations(monkeypatch):
    sent = []
    monkeypatch.setattr(
        validate_draft, "apply_async", lambda args=None, **options: sent.append((args, options))
    )
    return sent


def validated_draft(author, fake_validation, files=None, exercise=None) -> ExerciseDraft:
    draft = authoring.draft_create(author=author, files=files or files_for(), exercise=exercise)
    fake_validation.ok = True
    assert authoring.draft_validate(draft_id=draft.pk) == "passed"
    draft.refresh_from_db()
    return draft


# -- files and drafts ------------------------------------------------------------------
def test_content_hash_is_the_engines():
    import grader

    files = files_for()
    assert authoring.files_content_hash(files) == grader.Bundle.from_files(files).content_hash


def test_new_draft_starts_from_a_template_and_takes_its_id_from_the_toml(ines):
    draft = authoring.draft_create(author=ines)
    assert draft.slug == "my-exercise"
    assert set(draft.files) == set(NEW_EXERCISE_FILES)
    assert draft.exercise is None and draft.author == ines


def test_draft_update_replaces_files_and_slug(ines):
    draft = authoring.draft_create(author=ines)
    authoring.draft_update(draft=draft, files=files_for("renamed"))
    draft.refresh_from_db()
    assert draft.slug == "renamed"


@pytest.mark.parametrize(
    "files, message",
    [
        ({"prompt.md": ""}, "needs an exercise.toml"),
        ({**files_for(), "../evil.py": "x"}, "plain path"),
        ({**files_for(), "/abs.py": "x"}, "relative path"),
        ({**files_for(), "a/b/c/d.py": "x"}, "plain path"),
        ({**files_for(), "mistakes/bad name.py": "x"}, "characters"),
        ({**files_for(), "big.py": "x" * (300 << 10)}, "bytes"),
        ({**files_for(), "nul.py": "a\x00b"}, "NUL"),
    ],
)
def test_unusable_file_sets_are_refused(ines, files, message):
    with pytest.raises(AuthoringError, match=message):
        authoring.draft_create(author=ines, files=files)


def test_toml_summary_lists_cases_and_their_visibility():
    summary = authoring.toml_summary(NEW_EXERCISE_FILES["exercise.toml"])
    assert summary["id"] == "my-exercise"
    assert [(c["name"], c["hidden"]) for c in summary["cases"]] == [
        ("two-speed valley", False),
        ("random quadratic", True),
    ]
    assert summary["limits"]["wall_seconds"] == 10
    assert "error" in authoring.toml_summary("id = ")


def test_mistake_title_and_hint_are_read_without_running_the_file():
    source = NEW_EXERCISE_FILES["mistakes/decay-not-scaled.py"]
    title, hint = authoring.mistake_title_and_hint(source)
    assert title == "Subtracts the decay without scaling it by the learning rate."
    assert hint.startswith("The decay term is part of the gradient")
    assert authoring.mistake_title_and_hint("def (") == ("", "")


def test_draft_for_exercise_reuses_an_open_draft(ines, exercise):
    first = authoring.draft_for_exercise(exercise=exercise, author=ines)
    assert first.files == exercise.current_version.files
    assert authoring.draft_for_exercise(exercise=exercise, author=ines) == first


# -- validation ------------------------------------------------------------------------
def test_validation_request_marks_the_draft_queued_and_sends_a_task_after_commit(
    ines, sent_validations, django_capture_on_commit_callbacks
):
    draft = authoring.draft_create(author=ines)
    with django_capture_on_commit_callbacks(execute=True):
        authoring.draft_validation_request(draft=draft)
    draft.refresh_from_db()
    assert draft.validation_status == "queued"
    assert sent_validations == [([draft.pk], {"queue": "cpu"})]


def test_validate_stores_a_passing_report_with_the_hash_it_ran_on(ines, fake_validation):
    draft = authoring.draft_create(author=ines, files=files_for())
    assert authoring.draft_validate(draft_id=draft.pk) == "passed"
    draft.refresh_from_db()
    assert draft.validation["ok"] is True
    assert draft.validation["report"]["checks"][0]["name"] == "reference passes"
    assert draft.validated_hash == authoring.files_content_hash(draft.files)
    assert authoring.draft_is_validated(draft)


def test_validate_stores_a_failing_report(ines, fake_validation):
    fake_validation.ok = False
    draft = authoring.draft_create(author=ines, files=files_for())
    assert authoring.draft_validate(draft_id=draft.pk) == "failed"
    draft.refresh_from_db()
    assert draft.validation["text"] == "sgd-wd: INVALID"
    assert not authoring.draft_is_validated(draft)


def test_a_bundle_the_engine_cannot_load_fails_validation(ines, fake_validation):
    draft = authoring.draft_create(author=ines, files=files_for(**{"exercise.toml": "id = 3\n"}))
    assert authoring.draft_validate(draft_id=draft.pk) == "failed"
    draft.refresh_from_db()
    assert "id" in draft.validation["error"]
    assert fake_validation.calls == []


def test_an_infrastructure_failure_is_stored_as_error(ines, fake_validation):
    fake_validation.error = RuntimeError("sandbox could not start")
    draft = authoring.draft_create(author=ines, files=files_for())
    assert authoring.draft_validate(draft_id=draft.pk) == "error"
    draft.refresh_from_db()
    assert "sandbox could not start" in draft.validation["error"]


def test_validating_a_deleted_draft_does_nothing(fake_validation):
    assert authoring.draft_validate(draft_id=12345) is None


def test_editing_after_validation_makes_it_stale(ines, fake_validation):
    draft = validated_draft(ines, fake_validation)
    authoring.draft_update(draft=draft, files=files_for(**{"prompt.md": "Changed."}))
    assert not authoring.draft_is_validated(draft)


def test_validation_runs_the_real_engine(ines):
    """The built-in starting point validates; a "mistake" that is the solution does not."""
    draft = authoring.draft_create(author=ines, files=files_for())
    assert authoring.draft_validate(draft_id=draft.pk) == "passed"

    solution = NEW_EXERCISE_FILES["solution.py"]
    same = '"""Not really a mistake."""\nHINT = "None."\n' + solution
    broken = authoring.draft_create(author=ines, files=files_for(**{"mistakes/same.py": same}))
    assert authoring.draft_validate(draft_id=broken.pk) == "failed"
    broken.refresh_from_db()
    failed = [c["name"] for c in broken.validation["report"]["checks"] if not c["ok"]]
    assert any("same" in name for name in failed)


@pytest.mark.parametrize(
    "limits, message",
    [
        ("cpu_seconds = 3600", "cpu_seconds = 3600 is over the maximum of 30 s"),
        ("wall_seconds = 600", "wall_seconds = 600 is over the maximum of 60 s"),
        ("memory_mb = 65536", "memory_mb = 65536 is over the maximum of 2,048 MB"),
        ("processes = 100000", "processes = 100000 is over the maximum of 64"),
        ("output_bytes = 1e12", "output_bytes must be a whole number above 0"),
    ],
)
def test_a_draft_asking_for_more_than_the_maximum_limits_fails_validation(
    ines, fake_validation, ines_client, limits, message
):
    toml = files_for()["exercise.toml"].replace(
        "[limits]\ncpu_seconds = 5\nwall_seconds = 10\nmemory_mb = 512\n", f"[limits]\n{limits}\n"
    )
    draft = authoring.draft_create(author=ines, files=files_for(**{"exercise.toml": toml}))
    assert authoring.draft_validate(draft_id=draft.pk) == "failed"
    draft.refresh_from_db()
    assert message in draft.validation["error"]
    assert fake_validation.calls == []  # refused before anything runs in a sandbox
    with pytest.raises(AuthoringError, match="Validate the draft first"):
        authoring.draft_publish(draft_id=draft.pk, user=ines)
    fragment = ines_client.get(reverse("instructor:draft_validation", args=[draft.pk])).json()
    assert message.split(" is ")[0] in fragment["html"]


def test_the_authoring_file_maximums_are_the_engines():
    import grader._bundle as engine

    assert authoring.MAX_FILE_BYTES == engine.MAX_BUNDLE_FILE_BYTES
    assert authoring.MAX_FILES == engine.MAX_BUNDLE_FILES
    assert authoring.MAX_TOTAL_BYTES == engine.MAX_BUNDLE_BYTES


# -- publishing ------------------------------------------------------------------------
def test_publishing_needs_a_passing_validation(ines, fake_validation):
    draft = authoring.draft_create(author=ines, files=files_for())
    with pytest.raises(AuthoringError, match="Validate the draft first"):
        authoring.draft_publish(draft_id=draft.pk, user=ines)
    fake_validation.ok = False
    authoring.draft_validate(draft_id=draft.pk)
    with pytest.raises(AuthoringError):
        authoring.draft_publish(draft_id=draft.pk, user=ines)


def test_publishing_a_stale_validation_is_refused(ines, fake_validation):
    draft = validated_draft(ines, fake_validation)
    authoring.draft_update(draft=draft, files=files_for(**{"prompt.md": "Edited."}))
    with pytest.raises(AuthoringError):
        authoring.draft_publish(draft_id=draft.pk, user=ines)


def test_publishing_creates_the_exercise_and_its_first_version(ines, fake_validation, client):
    draft = validated_draft(ines, fake_validation)
    version = authoring.draft_publish(draft_id=draft.pk, user=ines)

    exercise = Exercise.objects.get(slug="sgd-wd")
    assert exercise.current_version == version
    assert (version.number, version.created_by, version.title) == (
        1,
        ines,
        "Gradient descent with weight decay",
    )
    assert version.content_hash == authoring.files_content_hash(draft.files)
    assert not ExerciseDraft.objects.filter(pk=draft.pk).exists()
    assert "Gradient descent with weight decay" in client.get(reverse("home")).content.decode()


def test_a_draft_never_reaches_students(ines, alice_client):
    authoring.draft_create(author=ines, files=files_for("secret-draft"))
    assert not Exercise.objects.filter(slug="secret-draft").exists()
    assert "secret-draft" not in alice_client.get(reverse("home")).content.decode()
    assert alice_client.get(reverse("exercise_detail", args=["secret-draft"])).status_code == 404


def test_publishing_an_edit_adds_a_version(ines, fake_validation):
    authoring.draft_publish(draft_id=validated_draft(ines, fake_validation).pk, user=ines)
    exercise = Exercise.objects.get(slug="sgd-wd")
    edit = authoring.draft_for_exercise(exercise=exercise, author=ines)
    authoring.draft_update(draft=edit, files=files_for(**{"prompt.md": "Better words."}))
    authoring.draft_validate(draft_id=edit.pk)

    version = authoring.draft_publish(draft_id=edit.pk, user=ines)
    exercise.refresh_from_db()
    assert version.number == 2 and exercise.current_version == version
    assert version.prompt == "Better words."


def test_an_edit_must_keep_the_exercise_id(ines, fake_validation):
    authoring.draft_publish(draft_id=validated_draft(ines, fake_validation).pk, user=ines)
    exercise = Exercise.objects.get(slug="sgd-wd")
    edit = authoring.draft_for_exercise(exercise=exercise, author=ines)
    authoring.draft_update(draft=edit, files=files_for("another-id"))
    authoring.draft_validate(draft_id=edit.pk)
    with pytest.raises(AuthoringError, match="must keep"):
        authoring.draft_publish(draft_id=edit.pk, user=ines)


def test_a_new_draft_cannot_take_an_existing_exercises_id(ines, fake_validation, exercise):
    draft = validated_draft(ines, fake_validation, files=files_for(exercise.slug))
    with pytest.raises(AuthoringError, match="exists already"):
        authoring.draft_publish(draft_id=draft.pk, user=ines)


def test_republishing_identical_files_reuses_the_version(ines, fake_validation):
    first = authoring.draft_publish(draft_id=validated_draft(ines, fake_validation).pk, user=ines)
    exercise = Exercise.objects.get(slug="sgd-wd")
    again = validated_draft(ines, fake_validation, exercise=exercise)
    assert authoring.draft_publish(draft_id=again.pk, user=ines) == first
    assert ExerciseVersion.objects.filter(exercise=exercise).count() == 1


def test_an_id_that_is_not_a_slug_is_refused(ines, fake_validation):
    draft = validated_draft(ines, fake_validation, files=files_for("Bad Id"))
    with pytest.raises(AuthoringError, match="lower-case"):
        authoring.draft_publish(draft_id=draft.pk, user=ines)


# -- zip export and import -------------------------------------------------------------
def _zip(entries: dict[str, bytes], *, symlink: str | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    buffer.seek(0)
    return buffer


def _bundle_entries(prefix: str = "sgd-wd/") -> dict[str, bytes]:
    return {prefix + name: text.encode() for name, text in files_for().items()}


def test_export_then_import_round_trips_the_bundle(ines, fake_validation):
    authoring.draft_publish(draft_id=validated_draft(ines, fake_validation).pk, user=ines)
    exercise = Exercise.objects.get(slug="sgd-wd")
    data = authoring.exercise_export_zip(exercise=exercise)

    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "sgd-wd/exercise.toml" in names and "sgd-wd/mistakes/decay-not-scaled.py" in names
    assert authoring.exercise_export_zip(exercise=exercise) == data  # reproducible

    draft = authoring.draft_import_zip(upload=io.BytesIO(data), author=ines)
    assert draft.files == exercise.current_version.files
    assert draft.exercise == exercise


def test_import_accepts_files_at_the_top_and_skips_clutter(ines):
    entries = {name.removeprefix("sgd-wd/"): data for name, data in _bundle_entries().items()}
    entries["__MACOSX/._starter.py"] = b"\x00\x01"
    entries[".DS_Store"] = b"\x00"
    entries["mistakes/__pycache__/x.pyc"] = b"\x00"
    draft = authoring.draft_import_zip(upload=_zip(entries), author=ines)
    assert set(draft.files) == set(files_for())


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"/etc/passwd": b"x"}, "absolute paths"),
        ({"sgd-wd/../../evil.py": b"x"}, "'..'"),
        ({"C:/evil.py": b"x"}, "absolute paths"),
        ({"sgd-wd/latin1.py": "caf\u00e9".encode("latin-1")}, "not UTF-8"),
        ({"sgd-wd/big.py": b"x" * ((256 << 10) + 1)}, "larger than"),
    ],
)
def test_import_refuses_dangerous_or_broken_zips(ines, extra, message):
    with pytest.raises(AuthoringError, match=message):
        authoring.draft_import_zip(upload=_zip({**_bundle_entries(), **extra}), author=ines)


def test_import_refuses_symbolic_links(ines):
    with pytest.raises(AuthoringError, match="symbolic links"):
        authoring.draft_import_zip(
            upload=_zip(_bundle_entries(), symlink="sgd-wd/mistakes/link.py"), author=ines
        )


def test_import_refuses_too_many_files(ines):
    entries = _bundle_entries()
    entries.update({f"sgd-wd/mistakes/m{n}.py": b"x = 1\n" for n in range(70)})
    with pytest.raises(AuthoringError, match="at most 64 files"):
        authoring.draft_import_zip(upload=_zip(entries), author=ines)


def test_import_refuses_a_zip_bomb_by_its_inflated_size(ines):
    entries = _bundle_entries()
    entries.update({f"sgd-wd/mistakes/m{n}.py": b"#" * (200 << 10) for n in range(12)})
    with pytest.raises(AuthoringError, match="bundle is larger"):
        authoring.draft_import_zip(upload=_zip(entries), author=ines)


def test_import_refuses_non_zips_oversized_uploads_and_missing_toml(ines):
    with pytest.raises(AuthoringError, match="not a zip"):
        authoring.draft_import_zip(upload=io.BytesIO(b"hello"), author=ines)
    with pytest.raises(AuthoringError, match="larger than"):
        authoring.draft_import_zip(upload=_zip(_bundle_entries()), author=ines, size=5 << 20)
    with pytest.raises(AuthoringError, match="no exercise.toml"):
        authoring.draft_import_zip(upload=_zip({"x/prompt.md": b"hi"}), author=ines)


def _stored_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bad_crc_zip() -> bytes:
    """A well-formed archive whose prompt.md no longer matches its CRC-32."""
    data = bytearray(_stored_zip(_bundle_entries()))
    text = files_for()["prompt.md"].encode()
    at = bytes(data).index(text)
    data[at] ^= 0x01
    return bytes(data)


def _corrupt_deflate_zip() -> bytes:
    entries = _bundle_entries()
    data = bytearray(_stored_zip(entries, zipfile.ZIP_DEFLATED))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("sgd-wd/solution.py")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start, start + info.compress_size):
        data[offset] = 0xFF
    return bytes(data)


def _unknown_method_zip() -> bytes:
    """Entries that claim a compression method zipfile cannot inflate (Deflate64)."""
    data = bytearray(_stored_zip(_bundle_entries()))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    for info in archive.infolist():
        data[info.header_offset + 8 : info.header_offset + 10] = (9).to_bytes(2, "little")
    central = bytes(data).index(b"PK\x01\x02")
    while central != -1:
        data[central + 10 : central + 12] = (9).to_bytes(2, "little")
        central = bytes(data).find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _truncated_member_zip() -> bytes:
    """The central directory is intact but a member's data is cut short."""
    data = _stored_zip(_bundle_entries())
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("sgd-wd/solution.py")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    end = start + info.compress_size
    # The member's bytes are removed and every later offset shifted down with them.
    shortened = data[: start + 4] + data[end:]
    cut = end - (start + 4)
    buffer = bytearray(shortened)
    central = bytes(buffer).index(b"PK\x01\x02")
    position = central
    while position != -1:
        offset = int.from_bytes(buffer[position + 42 : position + 46], "little")
        if offset > start:
            buffer[position + 42 : position + 46] = (offset - cut).to_bytes(4, "little")
        position = bytes(buffer).find(b"PK\x01\x02", position + 4)
    end_record = bytes(buffer).rindex(b"PK\x05\x06")
    directory = int.from_bytes(buffer[end_record + 16 : end_record + 20], "little")
    buffer[end_record + 16 : end_record + 20] = (directory - cut).to_bytes(4, "little")
    return bytes(buffer)


BROKEN_ZIPS = {
    "bad-crc": _bad_crc_zip,
    "corrupt-deflate": _corrupt_deflate_zip,
    "unknown-method": _unknown_method_zip,
    "truncated-member": _truncated_member_zip,
    "truncated-archive": lambda: _stored_zip(_bundle_entries())[:-40],
    "cut-in-half": lambda: _stored_zip(_bundle_entries())[:900],
}


@pytest.mark.parametrize("kind", sorted(BROKEN_ZIPS))
def test_import_of_a_damaged_zip_is_an_authoring_error(ines, kind):
    with pytest.raises(AuthoringError, match="damaged|not a zip|cannot be read"):
        authoring.draft_import_zip(upload=io.BytesIO(BROKEN_ZIPS[kind]()), author=ines)
    assert not ExerciseDraft.objects.exists()


@pytest.mark.parametrize("kind", sorted(BROKEN_ZIPS))
def test_import_view_answers_a_damaged_zip_with_a_form_error(ines_client, kind):
    upload = SimpleUploadedFile("b.zip", BROKEN_ZIPS[kind](), "application/zip")
    response = ines_client.post(reverse("instructor:draft_import"), {"bundle": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "damaged" in page or "not a zip" in page or "cannot be read" in page
    assert not ExerciseDraft.objects.exists()


def test_import_refuses_an_absurd_number_of_entries(ines):
    entries = _bundle_entries()
    entries.update({f"sgd-wd/d{n}/": b"" for n in range(5000)})
    with pytest.raises(AuthoringError, match="too many entries"):
        authoring.draft_import_zip(upload=io.BytesIO(_stored_zip(entries)), author=ines)


def test_import_refuses_one_member_that_inflates_past_its_claimed_size(ines):
    """A zip bomb that lies about its size in the directory is stopped by the bytes read."""
    entries = _bundle_entries()
    entries["sgd-wd/mistakes/bomb.py"] = b"#" * (4 << 20)
    data = bytearray(_stored_zip(entries, zipfile.ZIP_DEFLATED))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("sgd-wd/mistakes/bomb.py")
    # Claim 10 bytes, in both the local header and the central directory.
    data[info.header_offset + 22 : info.header_offset + 26] = (10).to_bytes(4, "little")
    position = bytes(data).index(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(data[position + 28 : position + 30], "little")
        if bytes(data[position + 46 : position + 46 + name_length]) == b"sgd-wd/mistakes/bomb.py":
            data[position + 24 : position + 28] = (10).to_bytes(4, "little")
        position = bytes(data).find(b"PK\x01\x02", position + 4)
    with pytest.raises(AuthoringError, match="larger than|damaged"):
        authoring.draft_import_zip(upload=io.BytesIO(bytes(data)), author=ines)


@pytest.mark.parametrize(
    "name",
    ["sgd-wd/../../etc/cron.d/x", "../x.py", "sgd-wd/mistakes/../../../x.py", "sgd-wd/a\\b.py"],
)
def test_import_refuses_path_traversal_names(ines, name):
    with pytest.raises(AuthoringError):
        authoring.draft_import_zip(
            upload=io.BytesIO(_stored_zip({**_bundle_entries(), name: b"x"})), author=ines
        )


# -- views -----------------------------------------------------------------------------
def _post_data(draft, **overrides):
    files = draft.files
    data = {
        "exercise_toml": files["exercise.toml"],
        "prompt_md": files["prompt.md"],
        "starter_py": files["starter.py"],
        "solution_py": files["solution.py"],
        "mistakes-TOTAL_FORMS": "1",
        "mistakes-INITIAL_FORMS": "1",
        "mistakes-0-file_id": "decay-not-scaled",
        "mistakes-0-source": files["mistakes/decay-not-scaled.py"],
        "agreement-TOTAL_FORMS": "0",
        "agreement-INITIAL_FORMS": "0",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_new_exercise_button_opens_a_draft_with_editors(ines_client):
    response = ines_client.post(reverse("instructor:draft_new"))
    draft = ExerciseDraft.objects.get()
    assert response["Location"] == reverse("instructor:draft", args=[draft.pk])
    page = ines_client.get(response["Location"]).content.decode()
    assert "python-editor" in page and "vendor/codemirror/tracelab-editor.js" in page
    assert "instructor/instructor.js" in page
    assert "Subtracts the decay without scaling it by the learning rate." in page  # title
    assert "The decay term is part of the gradient" in page  # hint
    assert 'id="publish-btn" disabled' in page
    assert "two-speed valley" in page and "hidden" in page  # case summary


def test_saving_the_form_adds_and_removes_mistakes(ines_client, ines):
    draft = authoring.draft_create(author=ines, files=files_for())
    url = reverse("instructor:draft", args=[draft.pk])
    data = _post_data(
        draft,
        **{
            "mistakes-TOTAL_FORMS": "2",
            "mistakes-0-DELETE": "on",
            "mistakes-1-file_id": "forgets-decay",
            "mistakes-1-source": '"""Forgets the decay."""\nHINT = "Add it."\n'
            "def sgd_wd_step(w, grad, lr, weight_decay):\n    return w - lr * grad\n",
        },
    )
    response = ines_client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "mistakes/forgets-decay.py" in draft.files
    assert "mistakes/decay-not-scaled.py" not in draft.files


def test_saving_refuses_duplicate_and_bad_mistake_ids(ines_client, ines):
    draft = authoring.draft_create(author=ines, files=files_for())
    url = reverse("instructor:draft", args=[draft.pk])
    duplicate = _post_data(
        draft,
        **{
            "mistakes-TOTAL_FORMS": "2",
            "mistakes-1-file_id": "decay-not-scaled",
            "mistakes-1-source": "x = 1\n",
        },
    )
    response = ines_client.post(url, duplicate)
    assert response.status_code == 400
    assert "Two files are called" in response.content.decode()
    bad = _post_data(draft, **{"mistakes-0-file_id": "../up"})
    assert ines_client.post(url, bad).status_code == 400
    draft.refresh_from_db()
    assert draft.files == files_for()


def test_save_and_validate_queues_the_validation(
    ines_client, ines, sent_validations, django_capture_on_commit_callbacks
):
    draft = authoring.draft_create(author=ines, files=files_for())
    url = reverse("instructor:draft", args=[draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        ines_client.post(url, _post_data(draft, action="validate"))
    draft.refresh_from_db()
    assert draft.validation_status == "queued"
    assert sent_validations[0][0] == [draft.pk]
    page = ines_client.get(url).content.decode()
    assert 'data-pending="true"' in page


def test_validation_fragment_reports_the_state(ines_client, ines, fake_validation):
    draft = authoring.draft_create(author=ines, files=files_for())
    url = reverse("instructor:draft_validation", args=[draft.pk])
    ExerciseDraft.objects.filter(pk=draft.pk).update(validation_status="running")
    assert ines_client.get(url).json()["done"] is False

    fake_validation.ok = False
    authoring.draft_validate(draft_id=draft.pk)
    data = ines_client.get(url).json()
    assert (data["done"], data["publishable"], data["status"]) == (True, False, "failed")
    assert "Validation failed" in data["html"] and "mistake same is named" in data["html"]

    fake_validation.ok = True
    authoring.draft_validate(draft_id=draft.pk)
    data = ines_client.get(url).json()
    assert data["publishable"] is True and "Validation passed" in data["html"]


def test_publish_view_publishes_or_explains(ines_client, ines, fake_validation):
    draft = authoring.draft_create(author=ines, files=files_for())
    response = ines_client.post(reverse("instructor:draft_publish", args=[draft.pk]), follow=True)
    assert "Validate the draft first" in response.content.decode()

    authoring.draft_validate(draft_id=draft.pk)
    response = ines_client.post(reverse("instructor:draft_publish", args=[draft.pk]), follow=True)
    assert "Published sgd-wd version 1" in response.content.decode()


def test_delete_view_removes_the_draft(ines_client, ines):
    draft = authoring.draft_create(author=ines)
    ines_client.post(reverse("instructor:draft_delete", args=[draft.pk]))
    assert not ExerciseDraft.objects.exists()


def test_edit_view_opens_a_draft_of_a_published_exercise(ines_client, exercise):
    response = ines_client.post(reverse("instructor:exercise_edit", args=[exercise.slug]))
    draft = ExerciseDraft.objects.get(exercise=exercise)
    assert response["Location"] == reverse("instructor:draft", args=[draft.pk])


def test_import_and_export_views(ines_client, ines, fake_validation):
    upload = SimpleUploadedFile("b.zip", _zip(_bundle_entries()).getvalue(), "application/zip")
    response = ines_client.post(reverse("instructor:draft_import"), {"bundle": upload})
    draft = ExerciseDraft.objects.get()
    assert response["Location"] == reverse("instructor:draft", args=[draft.pk])

    bad = SimpleUploadedFile("b.zip", _zip({"/etc/x": b"1"}).getvalue(), "application/zip")
    response = ines_client.post(reverse("instructor:draft_import"), {"bundle": bad})
    assert response.status_code == 400 and "absolute paths" in response.content.decode()

    authoring.draft_validate(draft_id=draft.pk)
    authoring.draft_publish(draft_id=draft.pk, user=ines)
    response = ines_client.get(reverse("instructor:export_zip", args=["sgd-wd"]))
    assert response["Content-Type"] == "application/zip"
    assert 'filename="sgd-wd-v1.zip"' in response["Content-Disposition"]
    assert "sgd-wd/solution.py" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_exercise_list_shows_drafts_and_published_exercises(ines_client, ines, exercise, cohort):
    authoring.draft_create(author=ines, files=files_for("in-progress"))
    page = ines_client.get(reverse("instructor:exercises")).content.decode()
    assert "in-progress" in page and exercise.slug in page
    assert reverse("instructor:regrade", args=[exercise.slug]) in page


def test_a_gpu_exercise_is_validated_on_the_gpu_queue(
    ines, sent_validations, django_capture_on_commit_callbacks
):
    toml = files_for()["exercise.toml"].replace('device = "cpu"', 'device = "gpu"')
    draft = authoring.draft_create(author=ines, files=files_for(**{"exercise.toml": toml}))
    with django_capture_on_commit_callbacks(execute=True):
        authoring.draft_validation_request(draft=draft)
    assert sent_validations == [([draft.pk], {"queue": "gpu"})]


def test_validate_draft_task_runs_the_service(ines, fake_validation):
    draft = authoring.draft_create(author=ines, files=files_for())
    assert validate_draft(draft.pk) == "passed"


# -- drafts belong to their authors ----------------------------------------------------
def _draft_urls(draft) -> list[tuple[str, str]]:
    return [
        ("get", reverse("instructor:draft", args=[draft.pk])),
        ("post", reverse("instructor:draft", args=[draft.pk])),
        ("post", reverse("instructor:draft_validate", args=[draft.pk])),
        ("get", reverse("instructor:draft_validation", args=[draft.pk])),
        ("post", reverse("instructor:draft_publish", args=[draft.pk])),
        ("post", reverse("instructor:draft_delete", args=[draft.pk])),
    ]


def test_another_instructor_gets_404_on_every_url_of_a_draft(
    ines, otto_client, fake_validation, sent_validations
):
    draft = validated_draft(ines, fake_validation)
    for method, url in _draft_urls(draft):
        data = _post_data(draft) if method == "post" else None
        response = getattr(otto_client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    draft.refresh_from_db()
    assert draft.files == files_for() and authoring.draft_is_validated(draft)
    assert sent_validations == []
    assert not Exercise.objects.filter(slug="sgd-wd").exists()


def test_the_exercise_list_shows_only_the_viewers_drafts(ines, otto, otto_client, ines_client):
    authoring.draft_create(author=ines, files=files_for("ines-secret"))
    authoring.draft_create(author=otto, files=files_for("ottos-own"))
    page = otto_client.get(reverse("instructor:exercises")).content.decode()
    assert "ottos-own" in page and "ines-secret" not in page
    assert "ines-secret" in ines_client.get(reverse("instructor:exercises")).content.decode()


def test_publishing_someone_elses_draft_is_refused_by_the_service(ines, otto, fake_validation):
    draft = validated_draft(ines, fake_validation)
    with pytest.raises(AuthoringError, match="no longer exists"):
        authoring.draft_publish(draft_id=draft.pk, user=otto)
    assert ExerciseDraft.objects.filter(pk=draft.pk).exists()


def test_a_shared_draft_opens_for_its_co_author(
    ines, otto, ines_client, otto_client, fake_validation
):
    draft = validated_draft(ines, fake_validation)
    share = reverse("instructor:draft_share", args=[draft.pk])
    response = ines_client.post(share, {"action": "add", "username": "otto"}, follow=True)
    assert "otto can now open" in response.content.decode()
    assert list(draft.coauthors.all()) == [otto]

    assert otto_client.get(reverse("instructor:draft", args=[draft.pk])).status_code == 200
    assert "sgd-wd" in otto_client.get(reverse("instructor:exercises")).content.decode()
    response = otto_client.post(reverse("instructor:draft_publish", args=[draft.pk]), follow=True)
    assert "Published sgd-wd version 1" in response.content.decode()


def test_sharing_takes_only_instructors_and_can_be_taken_back(
    ines, otto, alice, ines_client, otto_client
):
    draft = authoring.draft_create(author=ines, files=files_for())
    share = reverse("instructor:draft_share", args=[draft.pk])
    for name in ("alice", "nobody", "ines"):
        response = ines_client.post(share, {"action": "add", "username": name}, follow=True)
        assert "is not another instructor" in response.content.decode(), name
    assert not draft.coauthors.exists()

    assert otto_client.post(share, {"action": "add", "username": "otto"}).status_code == 404
    assert not draft.coauthors.exists()
    ines_client.post(share, {"action": "add", "username": "otto"})
    ines_client.post(share, {"action": "remove", "username": "otto"})
    assert not draft.coauthors.exists()
    assert otto_client.get(reverse("instructor:draft", args=[draft.pk])).status_code == 404
    assert ines_client.post(share, {"action": "nonsense"}).status_code == 400


def test_a_superuser_opens_every_draft(ines, django_user_model, client):
    draft = authoring.draft_create(author=ines, files=files_for("ines-secret"))
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(root)
    assert client.get(reverse("instructor:draft", args=[draft.pk])).status_code == 200
    assert "ines-secret" in client.get(reverse("instructor:exercises")).content.decode()


def test_editing_a_published_exercise_opens_the_viewers_own_draft(ines, otto, exercise):
    mine = authoring.draft_for_exercise(exercise=exercise, author=ines)
    theirs = authoring.draft_for_exercise(exercise=exercise, author=otto)
    assert mine != theirs and theirs.author == otto
    assert authoring.draft_for_exercise(exercise=exercise, author=ines) == mine
    mine.coauthors.add(otto)
    assert authoring.draft_for_exercise(exercise=exercise, author=otto) in (mine, theirs)
