"""The filesystem: nothing of the host or the project is readable; only scratch is writable."""

from pathlib import Path

import pytest

from .conftest import HARNESS, ROOT, VENV, attack_source

pytestmark = pytest.mark.security

SECRETS = {
    "etc-shadow": Path("/etc/shadow"),
    "database": ROOT / "var" / "db.sqlite3",
    "settings": ROOT / "coursesite" / "settings.py",
    "dotenv": ROOT / ".env",
    "reference-solution": ROOT / "exercises" / "bank" / "adamw" / "solution.py",
    "bank-toml": ROOT / "exercises" / "bank" / "adamw" / "exercise.toml",
    "mistake": ROOT / "exercises" / "bank" / "adamw" / "mistakes" / "coupled-l2.py",
    "grader-compare": ROOT / "grader" / "_grade.py",
    "root-home": Path("/root/.bash_history"),
    "host-passwd": Path("/etc/passwd"),
}


@pytest.mark.parametrize("target", SECRETS.values(), ids=SECRETS.keys())
def test_submission_cannot_read_host_or_project_files(hostile, target):
    result = hostile(attack_source("read_file", PATH=str(target)))
    assert result.verdict == "failed"
    assert "READ" not in result.stdout
    assert f"denied {target}: FileNotFoundError" in result.stdout


def test_submission_cannot_read_the_canary_files(hostile, canaries):
    for path in canaries.files:
        result = hostile(attack_source("read_file", PATH=str(path)))
        assert "READ" not in result.stdout and "denied" in result.stdout


def test_submission_cannot_list_var_or_other_submissions(hostile):
    program = f"""
import os
for folder in ({str(ROOT / "var")!r}, {str(ROOT)!r}, {str(ROOT / "exercises")!r}, "/work", "/home",
               "/root", "/srv", "/var/lib", "/tmp", "/run", "/var/run", "/etc"):
    try:
        print("LIST", folder, sorted(os.listdir(folder)))
    except OSError as exc:
        print("gone", folder, type(exc).__name__)
"""
    result = hostile(program)
    listed = {
        line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("LIST")
    }
    assert str(ROOT / "var") not in listed and str(ROOT / "exercises") not in listed
    assert "db.sqlite3" not in result.stdout and "canary" not in result.stdout
    # What the jail holds: the read-only runtime, the scratch space, ld.so.cache.
    assert listed[str(ROOT)].endswith("['.venv']")
    assert listed["/etc"].endswith("['ld.so.cache']")
    assert "gone /run" in result.stdout and "gone /var/run" in result.stdout


WRITE_TARGETS = {
    "root": Path("/"),
    "usr": Path("/usr"),
    "usr-bin": Path("/usr/bin"),
    "venv": VENV,
    "venv-site-packages": next(VENV.glob("lib/python3*/site-packages")),
    "harness": Path("/opt/tracelab/harness"),
    "project-var": ROOT / "var",
    "etc": Path("/etc"),
    "proc": Path("/proc"),
}


@pytest.mark.parametrize("folder", WRITE_TARGETS.values(), ids=WRITE_TARGETS.keys())
def test_submission_cannot_write_outside_its_scratch_space(hostile, canaries, folder):
    result = hostile(attack_source("write_file", FOLDER=str(folder), MARKER=canaries.marker))
    assert result.verdict == "failed"
    assert "WROTE" not in result.stdout
    assert "refused" in result.stdout


def test_writes_to_tmp_stay_inside_the_sandbox(hostile, canaries):
    result = hostile(attack_source("write_file", FOLDER="/tmp", MARKER=canaries.marker))
    assert "WROTE" in result.stdout  # allowed, but in a private tmpfs
    assert not any(canaries.marker in p.name for p in Path("/tmp").iterdir())


def test_harness_on_the_host_is_not_modified(hostile, canaries):
    before = {p: p.read_bytes() for p in HARNESS.glob("*.py")}
    program = f"""
import os
for name in os.listdir("/opt/tracelab/harness"):
    path = os.path.join("/opt/tracelab/harness", name)
    for action in ("append", "chmod", "unlink", "rename"):
        try:
            if action == "append":
                open(path, "a").write("# {canaries.marker}\\n")
            elif action == "chmod":
                os.chmod(path, 0o777)
            elif action == "unlink":
                os.unlink(path)
            else:
                os.rename(path, path + ".{canaries.marker}")
            print("CHANGED", action, path)
        except OSError as exc:
            pass
"""
    result = hostile(program)
    assert "CHANGED" not in result.stdout
    assert {p: p.read_bytes() for p in HARNESS.glob("*.py")} == before


def test_symlinks_planted_in_scratch_do_not_make_the_cleanup_delete_elsewhere(hostile, canaries):
    program = """
import os
for target in ("/opt/tracelab/harness", "/usr/lib", "/proc/1/root", "/work"):
    name = "/tmp/link-" + target.replace("/", "_")
    os.symlink(target, name)
os.makedirs("/tmp/job/deep", exist_ok=True)
os.symlink("/opt/tracelab", "/tmp/job/deep/harness-link")
"""
    hostile(program)
    result = hostile("import os\nprint('harness', sorted(os.listdir('/opt/tracelab/harness')))\n")
    assert "'zygote.py'" in result.stdout and "'runner.py'" in result.stdout
    assert (HARNESS / "zygote.py").exists()
