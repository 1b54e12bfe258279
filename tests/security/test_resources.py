"""Resource exhaustion: every limit holds, and the student is told which one they hit."""

import time

import pytest

from grader import _cgroups

from .conftest import limited

pytestmark = pytest.mark.security


def test_cpu_loop_is_stopped_by_the_cpu_limit(hostile, fast):
    started = time.monotonic()
    result = hostile("while True:\n    pass\n", bundle=fast)
    assert result.verdict == "timeout"
    assert "CPU time" in result.message
    assert time.monotonic() - started < 6


def test_sleep_that_ignores_signals_is_killed_at_the_wall_limit(hostile, fast):
    program = """
import signal, time
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGALRM):
    signal.signal(sig, signal.SIG_IGN)
time.sleep(60)
"""
    started = time.monotonic()
    result = hostile(program, bundle=fast)
    assert result.verdict == "timeout"
    assert "2 s time limit" in result.message
    assert time.monotonic() - started < 6


def test_fork_bomb_is_contained(hostile, fast):
    program = """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
    result = hostile(program, bundle=fast)
    assert result.verdict == "timeout"
    assert "CPU time" in result.message or "time limit" in result.message


def test_fork_bomb_stops_at_the_process_limit(hostile):
    program = """
import os, time
made = 0
for _ in range(200):
    try:
        pid = os.fork()
    except OSError as exc:
        print("fork refused after", made, type(exc).__name__)
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    made += 1
"""
    result = hostile(program)
    assert result.verdict == "failed"
    made = int(result.stdout.split("fork refused after")[1].split()[0])
    assert made < 16 and "BlockingIOError" in result.stdout


def test_thread_bomb_is_contained(hostile):
    program = """
import threading, time
started = 0
try:
    for _ in range(10000):
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        started += 1
except RuntimeError as exc:
    print("threads refused after", started, exc)
"""
    result = hostile(program)
    assert result.verdict == "failed"
    started = int(result.stdout.split("threads refused after")[1].split()[0])
    assert started < 16


def test_memory_bomb_with_bytearray_raises_memory_error(hostile):
    result = hostile("chunks = [bytearray(64 << 20) for _ in range(200)]\n")
    assert result.verdict == "error"
    assert "MemoryError" in result.message


def test_memory_bomb_with_numpy_raises_memory_error(hostile):
    result = hostile("import numpy as np\nx = np.ones(10**9)\n")
    assert result.verdict == "error"
    assert "Unable to allocate" in result.message or "MemoryError" in result.message


def test_memory_bomb_split_across_forked_children_is_contained(hostile):
    """Each child stays inside its own RLIMIT_AS; only the sandbox's cgroup sees the total."""
    if _cgroups.detect()[0] is None:
        pytest.skip(f"no writable cgroups here: {_cgroups.detect()[1]}")
    program = """
import os, time
for _ in range(4):
    if os.fork() == 0:
        hoard = b"x" * (300 << 20)
        time.sleep(1)
        os._exit(0)
for _ in range(4):
    os.wait()
"""
    result = hostile(program)
    assert result.verdict == "error"
    assert "more memory than its limit" in result.message and "512 MB" in result.message
    assert result.resources["oom_killed"] is True


def test_memory_bomb_inside_the_step_names_the_memory_limit(hostile):
    program = """
import numpy as np
hoard = []

def adamw_step(w, grad, m, v, t, lr, *rest):
    while True:
        hoard.append(np.ones(1 << 24))
"""
    result = hostile(program, stub=False)
    assert result.verdict == "failed"
    assert "MemoryError" in result.message and "memory limit is 512 MB" in result.message


@pytest.mark.parametrize("folder", ["/tmp", "/dev/shm"])
def test_filling_scratch_space_hits_the_file_size_and_tmpfs_limits(hostile, folder):
    program = f"""
import errno
try:
    with open("{folder}/big", "wb") as f:
        while True:
            f.write(b"x" * (1 << 20))
except OSError as exc:
    print("one file stopped:", errno.errorcode[exc.errno])
written = 0
try:
    for i in range(100):
        with open(f"{folder}/part{{i}}", "wb") as f:
            f.write(b"y" * (4 << 20))
        written += 4
except OSError as exc:
    print("many files stopped:", errno.errorcode[exc.errno], "after", written, "MiB")
"""
    result = hostile(program)
    assert result.verdict == "failed"
    assert "one file stopped: EFBIG" in result.stdout
    assert "many files stopped: ENOSPC" in result.stdout
    assert int(result.stdout.split("after")[1].split()[0]) <= 40


def test_scratch_space_is_empty_for_the_next_job(hostile):
    hostile("open('/tmp/left-by-attacker', 'w').write('x')\nopen('/dev/shm/too', 'w').write('x')\n")
    result = hostile("import os\nprint('left', os.listdir('/tmp'), os.listdir('/dev/shm'))\n")
    assert "left-by-attacker" not in result.stdout and "'too'" not in result.stdout


def test_open_file_exhaustion_stops_at_the_descriptor_limit(hostile):
    program = """
handles = []
try:
    while True:
        handles.append(open("/dev/null"))
except OSError as exc:
    print("files refused after", len(handles), exc.strerror)
"""
    result = hostile(program)
    assert result.verdict == "failed"
    assert "Too many open files" in result.stdout
    assert int(result.stdout.split("refused after")[1].split()[0]) < 64


def test_stack_overflow_through_c_recursion_is_reported_as_a_crash(hostile):
    program = """
import sys
sys.setrecursionlimit(10**6)

def dive():
    return list(map(lambda _: dive(), [0]))

dive()
"""
    result = hostile(program)
    assert result.verdict == "error"
    assert "SIGSEGV" in result.message and "recursion" in result.message


def test_deep_python_recursion_is_reported_quickly(hostile):
    program = """
import sys
sys.setrecursionlimit(10**6)

def dive(n):
    return dive(n + 1) + 1

dive(0)
"""
    result = hostile(program)
    # Reported as the program's own error, well inside the CPU limit: the
    # harness must not spend the job's CPU time formatting a million frames.
    assert result.verdict == "error"
    assert "RecursionError" in result.message and "line 6, in dive" in result.message
    assert result.resources["cpu_ms"] < 4000


@pytest.mark.parametrize("stream", [1, 2], ids=["stdout", "stderr"])
def test_output_flood_is_cut_off(hostile, stream):
    program = f"import os\nwhile True:\n    os.write({stream}, b'A' * 65536)\n"
    started = time.monotonic()
    result = hostile(program)
    assert result.verdict == "error"
    assert "more than 1 MiB of output" in result.message
    assert len(result.stdout) + len(result.stderr) <= 2 * 16 * 1024
    assert time.monotonic() - started < 5


def test_print_flood_through_python_streams_is_cut_off(hostile):
    result = hostile("while True:\n    print('B' * 1000, flush=True)\n")
    assert result.verdict == "error"
    assert "more than 1 MiB of output" in result.message


def test_slow_trickle_of_output_is_trimmed_not_fatal(hostile):
    bundle = limited(hostile.adamw, wall_seconds=3)
    result = hostile("for i in range(3000):\n    print('line', i)\n", bundle=bundle)
    assert result.verdict == "failed"
    assert len(result.stdout) <= 16 * 1024 and result.resources["stdout_trimmed"] is True
