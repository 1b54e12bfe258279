"""Processes: the job cannot outlive, inspect or take over anything beyond itself."""

import os

import pytest

from .conftest import attack_source, processes_with

pytestmark = pytest.mark.security


def test_killing_its_parent_loses_only_its_own_sandbox(hostile):
    result = hostile("import os\nos.kill(os.getppid(), 9)\nimport time\ntime.sleep(5)\n")
    assert result.verdict == "error"
    assert "sandbox stopped unexpectedly" in result.message


def test_kill_minus_one_reaches_only_its_own_sandbox(hostile):
    bystander = os.getpid()
    result = hostile("import os, signal\nos.kill(-1, signal.SIGKILL)\n")
    assert result.verdict == "error"
    assert "sandbox stopped unexpectedly" in result.message
    os.kill(bystander, 0)  # still here


def test_kill_minus_one_with_stop_signal_ends_in_a_timeout(hostile, fast):
    result = hostile(
        "import os, signal, time\nos.kill(-1, signal.SIGSTOP)\ntime.sleep(10)\n", bundle=fast
    )
    assert result.verdict == "timeout"
    assert "time limit" in result.message


def test_daemonized_process_does_not_survive_the_job(hostile, canaries):
    marker = f"{canaries.marker}-daemon"
    result = hostile(attack_source("daemonize", MARKER=marker))
    assert result.verdict == "failed"
    assert "daemon started" in result.stdout
    assert processes_with(marker) == ""


def test_daemon_outlives_nothing_when_the_job_also_kills_its_parent(hostile, canaries):
    marker = f"{canaries.marker}-orphan"
    program = (
        attack_source("daemonize", MARKER=marker) + "\nos.kill(os.getppid(), 9)\ntime.sleep(3)\n"
    )
    result = hostile(program)
    assert result.verdict == "error"
    assert processes_with(marker) == ""


def test_ptrace_is_refused(hostile):
    program = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_TRACEME, PTRACE_ATTACH, PTRACE_SEIZE = 0, 16, 0x4206
for request, pid in ((PTRACE_ATTACH, os.getppid()), (PTRACE_SEIZE, 1), (PTRACE_TRACEME, 0)):
    rc = libc.ptrace(request, pid, 0, 0)
    print("ptrace", request, rc, os.strerror(ctypes.get_errno()) if rc else "ATTACHED")
buf = ctypes.create_string_buffer(64)
iov = (ctypes.c_void_p * 2)(ctypes.cast(buf, ctypes.c_void_p), 64)
rc = libc.process_vm_readv(os.getppid(), iov, 1, iov, 1, 0)
print("process_vm_readv", rc, os.strerror(ctypes.get_errno()))
"""
    result = hostile(program)
    assert "ATTACHED" not in result.stdout
    assert result.stdout.count("Operation not permitted") == 4


def test_zygote_memory_cannot_be_read_or_written_via_proc_mem(hostile):
    program = """
import os
parent = os.getppid()
for mode in ("rb", "r+b"):
    try:
        with open(f"/proc/{parent}/mem", mode) as mem:
            print("OPENED", mode)
    except OSError as exc:
        print("denied", mode, type(exc).__name__)
"""
    result = hostile(program)
    assert "OPENED" not in result.stdout
    assert result.stdout.count("denied") == 2


def test_tiocsti_cannot_inject_keystrokes(hostile):
    program = """
import fcntl, os, termios
targets = {"/dev/tty": None, "stdin": 0, "stdout": 1, "stderr": 2}
for name, fd in targets.items():
    try:
        if fd is None:
            fd = os.open("/dev/tty", os.O_RDWR)
        fcntl.ioctl(fd, termios.TIOCSTI, b"x")
        print("INJECTED", name)
    except OSError as exc:
        print("refused", name, type(exc).__name__)
try:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSTI, b"x")
    print("INJECTED pty")
except OSError as exc:
    print("refused pty", type(exc).__name__)
print("sid", os.getsid(0) == os.getpid())
"""
    result = hostile(program)
    assert "INJECTED" not in result.stdout
    assert result.stdout.count("refused") == 5


def test_privilege_and_namespace_escapes_are_refused(hostile):
    program = """
import ctypes, os, resource
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
checks = {
    "setuid0": lambda: os.setuid(0),
    "unshare-user": lambda: libc.unshare(CLONE_NEWUSER) and _raise(),
    "unshare-mount": lambda: libc.unshare(CLONE_NEWNS) and _raise(),
    "unshare-net": lambda: libc.unshare(CLONE_NEWNET) and _raise(),
    "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) and _raise(),
    "chroot": lambda: os.chroot("/tmp"),
    "raise-nproc": lambda: resource.setrlimit(resource.RLIMIT_NPROC, (10**6, 10**6)),
    "raise-as": lambda: resource.setrlimit(resource.RLIMIT_AS, (-1, -1)),
    "raise-cpu": lambda: resource.setrlimit(resource.RLIMIT_CPU, (-1, -1)),
    "setuid-binary": lambda: _setuid_binary(),
}

def _setuid_binary():
    import subprocess
    for binary in ("/usr/bin/su", "/usr/bin/sudo", "/usr/bin/newgrp", "/usr/bin/passwd"):
        if os.path.exists(binary):
            out = subprocess.run([binary, "-c", "id -u"], capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL, timeout=5)
            if out.stdout.strip() == "0":
                return
    raise OSError("no setuid binary made us root")

def _raise():
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))

for name, check in checks.items():
    try:
        check()
        print("ALLOWED", name)
    except (OSError, ValueError) as exc:
        print("refused", name, type(exc).__name__)
"""
    result = hostile(program)
    assert "ALLOWED" not in result.stdout
    assert result.stdout.count("refused") == 10


def test_closing_or_replacing_the_result_descriptor_is_reported(hostile):
    result = hostile("import os\nos.close(3)\n")
    assert result.verdict == "error"
    assert "could not run" in result.message or "exited before every case" in result.message
