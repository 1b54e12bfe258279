"""Per-sandbox cgroups: every process of a sandbox in a group of its own, held to its limits.

These run against the host's real cgroup hierarchy (v1 or v2, whichever is
writable); the fallback tests run everywhere.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader import Limits, SandboxPool, _cgroups, grade
from grader._sandbox import Sandbox

HIERARCHY, WHY_NOT = _cgroups.detect()
needs_cgroups = pytest.mark.skipif(HIERARCHY is None, reason=f"no writable cgroups: {WHY_NOT}")
MiB = 1 << 20

# Four children of 300 MiB each: every one is well inside the job's RLIMIT_AS
# (the zygote's address space + 512 MiB), but together they hold 1.2 GiB,
# past the sandbox's 512 + 256 + 64 MiB.
SPLIT_BOMB = """
import os, time
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        hoard = b"x" * (300 << 20)   # written, so every page is really held
        time.sleep(2)
        os._exit(0)
    children.append(pid)
for pid in children:
    print("child", os.waitpid(pid, 0)[1])
"""


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


def job(adamw, source):
    return {"source": source, "spec": adamw.grading, "cases": []}


@needs_cgroups
def test_sandbox_lands_in_its_own_group_with_the_limits_set():
    with Sandbox("numpy").start() as sandbox:
        group = sandbox.cgroup
        assert group is not None and group.version == HIERARCHY.version
        assert all(path.is_dir() for path in group.paths.values())
        # bubblewrap, its init in the pid namespace and the zygote: all born inside.
        processes = descendants(sandbox._proc.pid)
        assert len(processes) >= 3
        assert processes <= group.pids()
        for pid in processes:
            assert group.name in Path(f"/proc/{pid}/cgroup").read_text()
        limits = group.limits()
        assert limits["memory_bytes"] == (512 + 256) * MiB + 2 * Limits.tmp_bytes
        assert limits["pids"] == str(16 + _cgroups.PIDS_MARGIN)
        if group.version == "v1" and (group.memory_dir / "memory.memsw.limit_in_bytes").exists():
            memsw = (group.memory_dir / "memory.memsw.limit_in_bytes").read_text().strip()
            assert int(memsw) == limits["memory_bytes"]  # no swap beyond the memory limit
        if group.version == "v2" and (group.memory_dir / "memory.swap.max").exists():
            assert (group.memory_dir / "memory.swap.max").read_text().strip() == "0"


@needs_cgroups
def test_sandbox_groups_sit_below_the_supervisors_own_group():
    own = Path("/proc/self/cgroup").read_text()
    with Sandbox("numpy").start() as sandbox:
        for controller, path in sandbox.cgroup.paths.items():
            assert path.parent.name == _cgroups.GROUP_DIR
            line = next(
                (
                    line
                    for line in own.splitlines()
                    if controller in line.split(":")[1].split(",")
                    or (controller == "unified" and line.startswith("0::"))
                ),
                None,
            )
            if line is not None:
                assert line.split(":", 2)[2].rstrip("/") in str(path.parent.parent)


@needs_cgroups
def test_a_jobs_processes_are_in_the_group(adamw):
    program = (
        "import os, time\nfor _ in range(3):\n    if os.fork() == 0:\n        time.sleep(2)\n"
        "        os._exit(0)\ntime.sleep(1)\n"
    )
    with Sandbox("numpy").start() as sandbox:
        before = len(sandbox.cgroup.pids())
        seen = []
        runner = threading.Thread(target=lambda: sandbox.run(job(adamw, program), Limits()))
        runner.start()
        deadline = time.monotonic() + 3
        while runner.is_alive() and time.monotonic() < deadline:
            seen.append(len(sandbox.cgroup.pids()))
            time.sleep(0.05)
        runner.join()
        assert max(seen) >= before + 4  # the job's child and its three children
        assert len(sandbox.cgroup.pids()) == before  # all gone after the job


@needs_cgroups
def test_limits_follow_each_jobs_own_limits(adamw):
    with Sandbox("numpy").start() as sandbox:
        outcome = sandbox.run(job(adamw, "x = 1\n"), Limits(memory_mb=300, processes=8))
        assert outcome.cgroup == HIERARCHY.version and not outcome.oom_killed
        limits = sandbox.cgroup.limits()
        assert limits["memory_bytes"] == (300 + 256) * MiB + 2 * Limits.tmp_bytes
        assert limits["pids"] == str(8 + _cgroups.PIDS_MARGIN)


@needs_cgroups
def test_memory_bomb_split_across_forked_children_is_killed_by_the_group(adamw):
    with Sandbox("numpy").start() as sandbox:
        group = sandbox.cgroup
        outcome = sandbox.run(job(adamw, SPLIT_BOMB), Limits())
        assert outcome.oom_killed
        assert not sandbox.alive, "a sandbox that hit its memory limit is not reused"
    assert not any(path.exists() for path in group.paths.values())


@needs_cgroups
def test_memory_bomb_split_across_children_gets_a_memory_verdict(adamw):
    pool = SandboxPool()
    try:
        program = SPLIT_BOMB + "\ndef adamw_step(w, grad, m, v, *rest):\n    return w, m, v\n"
        result = grade(adamw, program, pool=pool, visible_only=True)
        assert result.verdict == "error"
        assert "more memory than its limit" in result.message and "512 MB" in result.message
        assert result.resources["limits"] == f"cgroup {HIERARCHY.version}"
        assert result.resources["oom_killed"] is True
        after = grade(adamw, adamw.solution, pool=pool, visible_only=True)
        assert after.verdict == "passed"
        assert after.resources["oom_killed"] is False
    finally:
        pool.close()


@needs_cgroups
def test_a_process_in_a_group_is_held_to_its_memory_and_pids_limits():
    group = _cgroups.create()
    assert group is not None
    try:
        group.set_limits(memory_bytes=96 * MiB, pids=6)
        program = """
import os, time
made = 0
try:
    for _ in range(20):
        if os.fork() == 0:
            time.sleep(1)
            os._exit(0)
        made += 1
except OSError:
    pass
print("forked", made, flush=True)
hoard = b"x" * (400 << 20)
print("SURVIVED", flush=True)
"""
        out = subprocess.run(
            group.wrap([sys.executable, "-c", program]), capture_output=True, text=True, timeout=30
        )
        assert "forked" in out.stdout
        assert int(out.stdout.split("forked")[1].split()[0]) < 6
        assert "SURVIVED" not in out.stdout and out.returncode == -9
        assert group.oom_kills() >= 1
    finally:
        assert group.remove()
    assert not any(path.exists() for path in group.paths.values())


@needs_cgroups
@pytest.mark.parametrize("ending", ["close", "timeout", "zygote-killed", "flood"])
def test_group_is_gone_after_the_sandbox_ends(adamw, ending):
    programs = {
        "close": "x = 1\n",
        "timeout": "import time\ntime.sleep(30)\n",
        "zygote-killed": "import os\nif os.fork() == 0:\n    import time\n    time.sleep(30)\n"
        "os.kill(os.getppid(), 9)\n",
        "flood": "import os\nwhile True:\n    os.write(1, b'x' * 65536)\n",
    }
    sandbox = Sandbox("numpy").start()
    group = sandbox.cgroup
    sandbox.run(job(adamw, programs[ending]), Limits(wall_seconds=1))
    sandbox.close()
    assert not any(path.exists() for path in group.paths.values())
    assert group not in _cgroups._live


@needs_cgroups
def test_the_wrapper_refuses_to_run_a_command_it_cannot_place_in_its_group(tmp_path):
    hierarchy = _cgroups.Hierarchy(HIERARCHY.version, {"unified": tmp_path / "missing"})
    group = _cgroups.SandboxCgroup(hierarchy, "never-made")
    marker = tmp_path / "ran"
    out = subprocess.run(group.wrap(["/usr/bin/touch", str(marker)]), capture_output=True)
    assert out.returncode == 125
    assert not marker.exists()


@needs_cgroups
def test_groups_left_by_a_dead_supervisor_are_removed_on_the_next_start():
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = [base / f"sandbox-{dead.pid}-0" for base in HIERARCHY.bases.values()]
    for path in stale:
        path.mkdir()
    _cgroups.detect(refresh=True)
    assert not any(path.exists() for path in stale)


def test_without_writable_cgroups_sandboxes_fall_back_to_rlimits(adamw, monkeypatch):
    monkeypatch.setenv("TRACELAB_CGROUPS", "off")
    _cgroups.detect(refresh=True)
    pool = SandboxPool()
    try:
        with Sandbox("numpy").start() as sandbox:
            assert sandbox.cgroup is None
            outcome = sandbox.run(job(adamw, "x = 1\n"), Limits())
            assert outcome.cgroup is None and not outcome.oom_killed
        result = grade(adamw, adamw.solution, pool=pool, visible_only=True)
        assert result.verdict == "passed"
        assert result.resources["limits"] == "rlimits only"
        # rlimits still stop a single process's memory bomb.
        bomb = "x = bytearray(4 << 30)\n"
        assert "MemoryError" in grade(adamw, bomb, pool=pool, visible_only=True).message
    finally:
        pool.close()
        monkeypatch.delenv("TRACELAB_CGROUPS")
        _cgroups.detect(refresh=True)


def test_no_cgroup_hierarchy_is_reported_with_a_reason(tmp_path):
    assert _cgroups.find("", "0::/\n") == (
        None,
        "no cgroup2 hierarchy; no cgroup v1 memory and pids controllers",
    )
    blocked = tmp_path / "memory"
    blocked.write_text("a file where a directory should be")
    mounts = f"cgroup {blocked} cgroup rw,memory 0 0\ncgroup {blocked} cgroup rw,pids 0 0\n"
    hierarchy, reason = _cgroups.find(mounts, "4:memory:/\n5:pids:/\n")
    assert hierarchy is None and "not writable" in reason


def test_v2_hierarchy_gets_its_controllers_enabled_and_limits_written(tmp_path):
    # A stand-in for a delegated cgroup2 directory: the same files, as plain files.
    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")
    (tmp_path / "cgroup.subtree_control").write_text("")
    (tmp_path / "tracelab").mkdir()
    (tmp_path / "tracelab" / "cgroup.subtree_control").write_text("")
    hierarchy, reason = _cgroups.find(f"cgroup2 {tmp_path} cgroup2 rw 0 0\n", "0::/\n")
    assert reason == "" and hierarchy.version == "v2"
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+memory +pids"
    group = _cgroups.SandboxCgroup(hierarchy, "sandbox-1-0")
    group._make()
    (group.memory_dir / "memory.swap.max").write_text("max")
    group.set_limits(memory_bytes=123 * MiB, pids=20)
    assert (group.memory_dir / "memory.max").read_text() == str(123 * MiB)
    assert (group.memory_dir / "memory.swap.max").read_text() == "0"
    assert (group.memory_dir / "pids.max").read_text() == "20"
    assert group.wrap(["cmd"])[-2:] == ["--", "cmd"]
    assert str(group.memory_dir / "cgroup.procs") in group.wrap(["cmd"])
