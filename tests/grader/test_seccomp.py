"""Tests for the seccomp-BPF filter generator in `grader._seccomp`.

The unit tests decode the generated program and run it through a small BPF
interpreter.  The process tests load the filter with bubblewrap and check
real system calls made from a Python process inside the sandbox; each probe is
chosen so that, without the filter, the kernel would answer with something
other than EPERM (checked by `test_probes_are_not_denied_without_filter`), so
an EPERM can only come from the filter.
"""

from __future__ import annotations

import errno
import os
import platform
import shutil
import signal
import struct
import subprocess
import textwrap

import pytest

from grader._seccomp import DENIED_SYSCALLS, build_filter

# --- Constants typed independently of the module under test ---------------

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}

# A few syscall numbers per architecture, from the kernel's unistd headers.
SYSCALL_NR = {
    "x86_64": {
        "ioctl": 16,
        "getpid": 39,
        "clone": 56,
        "ptrace": 101,
        "mount": 165,
        "keyctl": 250,
        "unshare": 272,
        "perf_event_open": 298,
        "bpf": 321,
        "clone3": 435,
        "iopl": 172,
    },
    "aarch64": {
        "ioctl": 29,
        "getpid": 172,
        "clone": 220,
        "ptrace": 117,
        "mount": 40,
        "keyctl": 219,
        "unshare": 97,
        "perf_event_open": 241,
        "bpf": 280,
        "clone3": 435,
    },
}

RET_KILL_PROCESS = 0x80000000
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | errno.EPERM
RET_ENOSYS = 0x00050000 | errno.ENOSYS

TIOCSTI = 0x5412
TIOCLINUX = 0x541C
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
CLONE_THREAD = 0x00010000
SIGCHLD = 17

BWRAP = "/usr/bin/bwrap"
PYTHON = "/usr/bin/python3"
HOST_ARCH = platform.machine()


# --- A small classic-BPF interpreter for seccomp programs ------------------


def decode(program: bytes) -> list[tuple[int, int, int, int]]:
    return [struct.unpack_from("<HBBI", program, i) for i in range(0, len(program), 8)]


def seccomp_data(nr: int, arch: int, args: tuple[int, ...] = ()) -> bytes:
    padded = (tuple(args) + (0,) * 6)[:6]
    return struct.pack("<iIQ6Q", nr, arch, 0, *padded)


def evaluate(program: bytes, nr: int, arch: str | int, args: tuple[int, ...] = ()) -> int:
    """Run `program` on a seccomp_data record and return the action it yields."""
    audit_arch = AUDIT_ARCH[arch] if isinstance(arch, str) else arch
    data = seccomp_data(nr, audit_arch, args)
    insns = decode(program)
    acc = 0
    pc = 0
    while True:
        assert 0 <= pc < len(insns), "program runs off its end"
        code, jt, jf, k = insns[pc]
        pc += 1
        if code == 0x20:  # BPF_LD | BPF_W | BPF_ABS
            (acc,) = struct.unpack_from("<I", data, k)
        elif code == 0x06:  # BPF_RET | BPF_K
            return k
        elif code == 0x15:  # BPF_JMP | BPF_JEQ | BPF_K
            pc += jt if acc == k else jf
        elif code == 0x35:  # BPF_JMP | BPF_JGE | BPF_K
            pc += jt if acc >= k else jf
        elif code == 0x45:  # BPF_JMP | BPF_JSET | BPF_K
            pc += jt if acc & k else jf
        else:
            raise AssertionError(f"unexpected opcode {code:#x} at {pc - 1}")


# --- Unit tests on the generated program ----------------------------------


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_program_is_whole_instructions_below_kernel_limit(arch: str) -> None:
    program = build_filter(arch)
    assert program
    assert len(program) % 8 == 0
    assert len(program) // 8 < 4096


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_program_uses_only_valid_loads_and_forward_jumps(arch: str) -> None:
    insns = decode(build_filter(arch))
    for pc, (code, jt, jf, k) in enumerate(insns):
        if code == 0x20:
            # Aligned 32-bit loads inside struct seccomp_data (64 bytes).
            assert k % 4 == 0 and k + 4 <= 64
        elif code in (0x15, 0x35, 0x45):
            assert pc + 1 + max(jt, jf) < len(insns)
        else:
            assert code == 0x06
    assert insns[-1] == (0x06, 0, 0, RET_ALLOW)


def test_aarch64_program_builds() -> None:
    program = build_filter("aarch64")
    assert program != build_filter("x86_64")
    assert evaluate(program, SYSCALL_NR["aarch64"]["getpid"], "aarch64") == RET_ALLOW


def test_default_architecture_is_the_host() -> None:
    if HOST_ARCH not in AUDIT_ARCH:
        pytest.skip(f"no filter for {HOST_ARCH}")
    assert build_filter() == build_filter(HOST_ARCH)


def test_unknown_architecture_raises_value_error() -> None:
    with pytest.raises(ValueError):
        build_filter("sparc")


def test_denied_syscalls_lists_each_name_once() -> None:
    assert len(DENIED_SYSCALLS) == len(set(DENIED_SYSCALLS))
    assert {"ptrace", "mount", "unshare", "bpf", "io_uring_setup", "kcmp"} <= set(DENIED_SYSCALLS)


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_filter_kills_foreign_architecture(arch: str) -> None:
    program = build_filter(arch)
    other = "aarch64" if arch == "x86_64" else "x86_64"
    assert evaluate(program, SYSCALL_NR[arch]["getpid"], other) == RET_KILL_PROCESS
    assert evaluate(program, SYSCALL_NR[arch]["getpid"], 0x40000003) == RET_KILL_PROCESS  # i386


def test_filter_kills_x32_abi_on_x86_64() -> None:
    program = build_filter("x86_64")
    assert evaluate(program, 0x40000000 | 39, "x86_64") == RET_KILL_PROCESS


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
@pytest.mark.parametrize("name", ["ptrace", "mount", "keyctl", "unshare", "perf_event_open", "bpf"])
def test_filter_program_denies_syscall_with_eperm(arch: str, name: str) -> None:
    assert evaluate(build_filter(arch), SYSCALL_NR[arch][name], arch) == RET_EPERM


def test_filter_program_skips_syscalls_missing_on_aarch64() -> None:
    # iopl is x86-only; on aarch64 its x86 number (172) is getpid.
    assert evaluate(build_filter("x86_64"), SYSCALL_NR["x86_64"]["iopl"], "x86_64") == RET_EPERM
    assert evaluate(build_filter("aarch64"), 172, "aarch64") == RET_ALLOW


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_filter_program_makes_clone3_fail_with_enosys(arch: str) -> None:
    assert evaluate(build_filter(arch), SYSCALL_NR[arch]["clone3"], arch) == RET_ENOSYS


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_filter_program_checks_ioctl_request_low_32_bits(arch: str) -> None:
    program = build_filter(arch)
    nr = SYSCALL_NR[arch]["ioctl"]
    assert evaluate(program, nr, arch, (0, TIOCSTI)) == RET_EPERM
    assert evaluate(program, nr, arch, (0, TIOCLINUX)) == RET_EPERM
    assert evaluate(program, nr, arch, (0, (1 << 32) | TIOCSTI)) == RET_EPERM
    assert evaluate(program, nr, arch, (0, 0x5401)) == RET_ALLOW  # TCGETS


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_filter_program_checks_clone_namespace_flags(arch: str) -> None:
    program = build_filter(arch)
    nr = SYSCALL_NR[arch]["clone"]
    assert evaluate(program, nr, arch, (SIGCHLD,)) == RET_ALLOW
    assert evaluate(program, nr, arch, (0x003D0F00,)) == RET_ALLOW  # pthread_create flags
    assert evaluate(program, nr, arch, (CLONE_NEWNET | SIGCHLD,)) == RET_EPERM
    assert evaluate(program, nr, arch, (CLONE_NEWUSER,)) == RET_EPERM
    assert evaluate(program, nr, arch, (0x00020000,)) == RET_EPERM  # CLONE_NEWNS


# --- Process tests: the filter loaded by bubblewrap -----------------------

PRELUDE = textwrap.dedent(
    """
    import ctypes, errno, os
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def outcome(ret):
        if ret >= 0:
            return "OK"
        return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))

    def os_outcome(fn, *args):
        try:
            fn(*args)
        except OSError as exc:
            return errno.errorcode.get(exc.errno, str(exc.errno))
        return "OK"
    """
)


def _bwrap_works() -> bool:
    if not (os.path.exists(BWRAP) and os.path.exists(PYTHON)):
        return False
    try:
        proc = subprocess.run(
            [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--", "/bin/true"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


needs_sandbox = pytest.mark.skipif(
    HOST_ARCH not in AUDIT_ARCH or shutil.which(BWRAP) is None or not _bwrap_works(),
    reason="needs Linux on x86_64/aarch64 with a working bubblewrap",
)


def run_sandboxed(snippet: str, *, seccomp: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a Python snippet under bwrap, with the filter on an inherited fd."""
    code = PRELUDE + textwrap.dedent(snippet)
    cmd = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    cmd += ["--unshare-pid", "--die-with-parent"]
    read_fd, write_fd = os.pipe()
    try:
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(build_filter() if seccomp else b"")
        if seccomp:
            cmd += ["--seccomp", str(read_fd)]
        cmd += ["--", PYTHON, "-I", "-c", code]
        return subprocess.run(cmd, pass_fds=(read_fd,), capture_output=True, text=True, timeout=60)
    finally:
        os.close(read_fd)


def probe(snippet: str, *, seccomp: bool = True) -> dict[str, str]:
    """Run a snippet printing `key=value` lines and return them as a dict."""
    proc = run_sandboxed(snippet, seccomp=seccomp)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)


def nr(name: str) -> int:
    return SYSCALL_NR[HOST_ARCH][name]


# Mounting on a missing directory: ENOENT when the call reaches the kernel.
MOUNT_CALL = 'libc.mount(b"none", b"/nonexistent-tracelab", b"tmpfs", 0, None)'
# CLONE_THREAD without CLONE_SIGHAND: EINVAL before any namespace is created.
BAD_CLONE_FLAGS = CLONE_NEWNET | CLONE_THREAD


def _discriminating_probes() -> str:
    """Calls the filter must deny and the kernel would otherwise reject differently."""
    return f"""
    print("ptrace=" + outcome(libc.ptrace(16, 999999, None, None)))  # ATTACH: ESRCH
    print("unshare=" + outcome(libc.unshare(0x1)))  # invalid flag: EINVAL
    print("mount=" + outcome({MOUNT_CALL}))
    print("keyctl=" + outcome(libc.syscall({nr("keyctl")}, 9999, 0, 0)))  # bad op: EOPNOTSUPP
    print("perf_event_open=" + outcome(libc.syscall({nr("perf_event_open")}, None, 0, -1, -1, 0)))
    print("clone=" + outcome(libc.syscall({nr("clone")}, {BAD_CLONE_FLAGS}, 0, 0, 0, 0)))
    print("clone3=" + outcome(libc.syscall({nr("clone3")}, None, 0)))  # size 0: EINVAL
    """


PTY_AS_CONTROLLING_TTY = """
    import fcntl, termios
    os.setsid()
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
"""


@needs_sandbox
def test_probes_are_not_denied_without_filter() -> None:
    results = probe(
        _discriminating_probes()
        + PTY_AS_CONTROLLING_TTY
        + """
    print("tiocsti=" + os_outcome(fcntl.ioctl, slave, termios.TIOCSTI, b"x"))
    """,
        seccomp=False,
    )
    assert results.keys() == {
        "ptrace",
        "unshare",
        "mount",
        "keyctl",
        "perf_event_open",
        "clone",
        "clone3",
        "tiocsti",
    }
    for name, result in results.items():
        assert result not in ("EPERM", "ENOSYS"), name


@needs_sandbox
def test_filter_allows_ordinary_python_program() -> None:
    proc = run_sandboxed(
        """
        import hashlib, json, tempfile
        data = json.dumps({"squares": [i * i for i in range(10)]})
        with open("/dev/null", "w") as sink:
            sink.write(data)
        print(hashlib.sha256(data.encode()).hexdigest()[:8], sum(i * i for i in range(10)))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-1] == "285"


@needs_sandbox
def test_filter_allows_fork() -> None:
    results = probe(
        """
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        _, status = os.waitpid(pid, 0)
        print("status=" + str(os.waitstatus_to_exitcode(status)))
        """
    )
    assert results["status"] == "7"


@needs_sandbox
def test_filter_allows_threads() -> None:
    results = probe(
        """
        import threading
        out = []
        threads = [threading.Thread(target=out.append, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("threads=" + str(sorted(out)))
        """
    )
    assert results["threads"] == "[0, 1, 2, 3]"


@needs_sandbox
def test_filter_allows_subprocess() -> None:
    results = probe(
        """
        import subprocess
        print("rc=" + str(subprocess.run(["/bin/true"]).returncode))
        """
    )
    assert results["rc"] == "0"


@needs_sandbox
def test_filter_denies_ptrace() -> None:
    results = probe(
        """
        print("traceme=" + outcome(libc.ptrace(0, 0, None, None)))
        print("attach=" + outcome(libc.ptrace(16, 999999, None, None)))
        """
    )
    assert results == {"traceme": "EPERM", "attach": "EPERM"}


@needs_sandbox
def test_filter_denies_unshare_of_user_namespace() -> None:
    results = probe(f'print("unshare=" + outcome(libc.unshare({CLONE_NEWUSER})))')
    assert results["unshare"] == "EPERM"


@needs_sandbox
def test_filter_denies_os_unshare() -> None:
    results = probe(
        """
        if hasattr(os, "unshare"):  # Python 3.12+
            print("unshare=" + os_outcome(os.unshare, os.CLONE_NEWNS))
        else:
            print("unshare=" + outcome(libc.unshare(0x00020000)))
        """
    )
    assert results["unshare"] == "EPERM"


@needs_sandbox
def test_filter_denies_mount() -> None:
    results = probe(f'print("mount=" + outcome({MOUNT_CALL}))')
    assert results["mount"] == "EPERM"


@needs_sandbox
def test_filter_denies_keyctl() -> None:
    # KEYCTL_GET_KEYRING_ID of the session keyring, and an invalid operation.
    results = probe(
        f"""
        print("get=" + outcome(libc.syscall({nr("keyctl")}, 0, -3, 0)))
        print("bad=" + outcome(libc.syscall({nr("keyctl")}, 9999, 0, 0)))
        """
    )
    assert results == {"get": "EPERM", "bad": "EPERM"}


@needs_sandbox
def test_filter_denies_bpf() -> None:
    results = probe(f'print("bpf=" + outcome(libc.syscall({nr("bpf")}, 5, None, 8)))')
    assert results["bpf"] == "EPERM"


@needs_sandbox
def test_filter_denies_perf_event_open() -> None:
    results = probe(
        f'print("perf=" + outcome(libc.syscall({nr("perf_event_open")}, None, 0, -1, -1, 0)))'
    )
    assert results["perf"] == "EPERM"


@needs_sandbox
def test_filter_denies_all_discriminating_probes() -> None:
    results = probe(_discriminating_probes())
    expected = {name: "EPERM" for name in results}
    expected["clone3"] = "ENOSYS"
    assert results == expected


@needs_sandbox
def test_filter_denies_clone_with_new_network_namespace() -> None:
    results = probe(
        f"""
        ret = libc.syscall({nr("clone")}, {CLONE_NEWNET | SIGCHLD}, 0, 0, 0, 0)
        if ret == 0:  # only reached if the filter let the clone through
            os._exit(0)
        print("clone=" + outcome(ret))
        """
    )
    assert results["clone"] == "EPERM"


@needs_sandbox
def test_filter_makes_clone3_fail_with_enosys() -> None:
    results = probe(f'print("clone3=" + outcome(libc.syscall({nr("clone3")}, None, 0)))')
    assert results["clone3"] == "ENOSYS"


@needs_sandbox
def test_filter_denies_tiocsti_but_allows_other_terminal_ioctls() -> None:
    results = probe(
        PTY_AS_CONTROLLING_TTY
        + """
    print("tiocsti=" + os_outcome(fcntl.ioctl, slave, termios.TIOCSTI, b"x"))
    print("tioclinux=" + os_outcome(fcntl.ioctl, slave, termios.TIOCLINUX, bytes(8)))
    print("tcgetattr=" + os_outcome(termios.tcgetattr, slave))
    print("winsize=" + os_outcome(fcntl.ioctl, slave, termios.TIOCGWINSZ, bytes(8)))
    """
    )
    assert results == {
        "tiocsti": "EPERM",
        "tioclinux": "EPERM",
        "tcgetattr": "OK",
        "winsize": "OK",
    }


@needs_sandbox
def test_filter_denies_tiocsti_with_high_bits_set_in_request() -> None:
    results = probe(
        PTY_AS_CONTROLLING_TTY
        + f"""
    request = ctypes.c_ulong({(1 << 32) | TIOCSTI})
    print("tiocsti=" + outcome(libc.syscall({nr("ioctl")}, slave, request, ctypes.c_char_p(b"x"))))
    """
    )
    assert results["tiocsti"] == "EPERM"


@needs_sandbox
@pytest.mark.skipif(HOST_ARCH != "x86_64", reason="x32 ABI exists only on x86_64")
def test_filter_kills_process_using_x32_abi() -> None:
    proc = run_sandboxed(
        """
        libc.syscall(0x40000000 | 39)  # x32 getpid
        print("survived")
        """
    )
    assert "survived" not in proc.stdout
    assert proc.returncode in (128 + signal.SIGSYS, -signal.SIGSYS)


@needs_sandbox
@pytest.mark.skipif(HOST_ARCH != "x86_64", reason="i386 ABI via int 0x80 exists only on x86_64")
def test_filter_kills_process_using_i386_abi() -> None:
    snippet = """
        import mmap
        code = b"\\xb8\\x14\\x00\\x00\\x00\\xcd\\x80\\xc3"  # mov eax, 20 (getpid); int 0x80; ret
        page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        page.write(code)
        address = ctypes.addressof(ctypes.c_char.from_buffer(page))
        getpid_i386 = ctypes.CFUNCTYPE(ctypes.c_int)(address)
        print("pid=" + str(getpid_i386()), flush=True)
        """
    control = run_sandboxed(snippet, seccomp=False)
    if control.returncode != 0 or "pid=" not in control.stdout:
        pytest.skip("kernel without i386 emulation (or W^X policy)")
    proc = run_sandboxed(snippet)
    assert "pid=" not in proc.stdout
    assert proc.returncode in (128 + signal.SIGSYS, -signal.SIGSYS)
