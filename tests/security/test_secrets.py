"""No secret reaches the sandbox: not in its environment, not in any process's /proc entries."""

import pytest

pytestmark = pytest.mark.security


def test_environment_is_empty_of_secrets(hostile, canaries):
    result = hostile("import os\nfor k, v in sorted(os.environ.items()):\n    print('ENV', k, v)\n")
    names = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("ENV")}
    assert names <= {
        "PATH",
        "HOME",
        "LANG",
        "PWD",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "USER",
        "LOGNAME",
    }
    assert "TRACELAB_SECRET_KEY" not in result.stdout and canaries.secret not in result.stdout


def test_proc_environ_and_cmdline_of_every_visible_process_hold_no_secret(hostile, canaries):
    program = """
import os
for pid in sorted((p for p in os.listdir("/proc") if p.isdigit()), key=int):
    for entry in ("environ", "cmdline"):
        try:
            data = open(f"/proc/{pid}/{entry}", "rb").read()
            print("PROC", pid, entry, data.replace(b"\\0", b" ").decode(errors="replace"))
        except OSError as exc:
            print("PROC", pid, entry, "denied", type(exc).__name__)
"""
    result = hostile(program)
    lines = [line for line in result.stdout.splitlines() if line.startswith("PROC")]
    assert lines, result.stdout
    # The zygote's command line is visible to its own job; it carries no secret.
    zygote = next(line for line in lines if " cmdline " in line and "harness.zygote" in line)
    assert "TRACELAB_SECRET_KEY" not in zygote and canaries.secret not in zygote
    assert canaries.secret not in result.stdout and "TRACELAB_SECRET_KEY" not in result.stdout
    # The jail's init and the zygote: their environments are not readable at all.
    for pid in ("1", "2"):
        line = next(line for line in lines if line.startswith(f"PROC {pid} environ"))
        assert "denied" in line


def test_host_processes_are_invisible(hostile):
    program = """
import os
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print("PIDS", pids)
print("NAMES", [open(f"/proc/{p}/comm").read().strip() for p in pids])
"""
    result = hostile(program)
    names = result.stdout.split("NAMES")[1]
    assert "pytest" not in names and "redis" not in names and "celery" not in names
    pids = eval(result.stdout.split("PIDS")[1].split("\n")[0])  # noqa: S307 - list of ints we printed
    assert max(pids) < 50


def test_supervisor_memory_is_not_readable_through_proc(hostile, canaries):
    program = """
import os
for pid in ("1", "2"):
    for entry in ("mem", "maps", "environ", "root/proc/1/environ", "fd"):
        try:
            path = f"/proc/{pid}/{entry}"
            if entry == "fd":
                print("READ", path, os.listdir(path))
            else:
                with open(path, "rb") as handle:
                    print("READ", path, handle.read(64))
        except OSError as exc:
            print("denied", pid, entry, type(exc).__name__)
"""
    result = hostile(program)
    assert "READ" not in result.stdout
    assert result.stdout.count("denied") == 10
