"""The warm process inside a sandbox: imports the runtime once, forks a child per job.

It holds no secret and no expected value. Jobs arrive on the control socket
with three descriptors (result, stdout, stderr) attached; each job runs in a
forked child with its own limits, and every process the job left behind is
killed before the zygote reports the child's exit status.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import random
import resource
import shutil
import signal
import socket
import sys

from . import protocol

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
JOB_DIR = "/tmp/job"
SCRATCH_DIRS = ("/tmp", "/dev/shm")


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(option, value, 0, 0, 0)


def _set_limits(limits: dict) -> None:
    # On top of what this process already used (a GPU standby child has spent CPU
    # initialising CUDA before its job arrived).
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(limits["cpu_seconds"]) + round(usage.ru_utime + usage.ru_stime)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if limits.get("address_space_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (limits["address_space_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _reseed() -> None:
    seed = int.from_bytes(os.urandom(8), "little")
    random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed % (2**32))
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def _child(job: dict, fds: list[int], control_fd: int, keep: frozenset = frozenset()) -> None:
    """Run one job in this process. `keep`: descriptors the runtime owns (a CUDA context)."""
    result_fd, out_fd, err_fd = fds
    # The result channel goes to 3, or past the runtime's own descriptors.
    channel = 3 if 3 not in keep else max(keep) + 1
    try:
        os.setsid()
        os.close(control_fd)
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        os.dup2(result_fd, channel)
        for name in os.listdir("/proc/self/fd"):
            if int(name) > 2 and int(name) != channel and int(name) not in keep:
                try:
                    os.close(int(name))
                except OSError:
                    pass
        limits = dict(job["limits"])
        if limits.get("memory_bytes"):
            limits["address_space_bytes"] = _vm_size() + limits["memory_bytes"]
        _set_limits(limits)
        _reseed()
        os.makedirs(JOB_DIR, exist_ok=True)
        os.chdir(JOB_DIR)
        from . import runner

        runner.run(job, channel)
    except BaseException as exc:  # noqa: BLE001 - last resort: say something, never hang
        try:
            protocol.write_frame(
                channel, {"fatal": {"kind": "harness", "message": repr(exc)[:500]}}
            )
        except OSError:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001
                pass
        os._exit(0)


def _inside_sandbox() -> bool:
    """True only in the jail: an unprivileged uid in a fresh pid namespace.

    kill(-1) signals every process the caller may signal. In the jail that is
    exactly the job's processes; anywhere else it would be the whole host.
    """
    return os.getuid() != 0 and os.getpid() <= 16


def _kill_leftovers(child: int) -> int:
    """SIGKILL every process of the job (double-forked, setsid'ed ones too) and reap them."""
    if not _inside_sandbox():
        try:
            os.killpg(child, signal.SIGKILL)
        except OSError:
            pass
        _reap()
        return 0
    killed = 0
    for _ in range(1000):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError as exc:
            if exc.errno in (errno.ESRCH, errno.EPERM):
                break
            raise
        killed += 1
        _reap()
    _reap()
    return killed


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _make_removable(top: str) -> None:
    """chmod 0700 every directory a job left, so a read-only one cannot shield its contents.

    The job ran as our uid, so we own all of it. Symlinks are skipped (chmod
    would follow them) and never descended into.
    """
    try:
        os.chmod(top, 0o700)
    except OSError:
        pass
    for root, dirs, _ in os.walk(top):
        for name in dirs:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                try:
                    os.chmod(path, 0o700)
                except OSError:
                    pass


def _wipe_scratch(keep: set[str]) -> None:
    if not _inside_sandbox():
        return  # outside the jail /tmp is the host's own
    for root in SCRATCH_DIRS:
        if not os.path.isdir(root):
            continue
        for name in os.listdir(root):
            if os.path.join(root, name) in keep:
                continue
            path = os.path.join(root, name)
            if os.path.isdir(path) and not os.path.islink(path):
                _make_removable(path)
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass


def _ipc_objects() -> int:
    count = 0
    for kind in ("shm", "sem", "msg"):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                count += max(0, len(table.read().splitlines()) - 1)
        except OSError:
            pass
    return count


def _own_state() -> dict:
    """What a job could change in this zygote and pass on to the next job.

    The job runs as our uid, so it may lower our rlimits with prlimit(2)
    (which we could never raise again), renice us or narrow our CPU
    affinity; and it may leave System V IPC objects (memory held across
    jobs) in the sandbox's IPC namespace.
    """
    state: dict = {
        name: resource.getrlimit(getattr(resource, name))
        for name in dir(resource)
        if name.startswith("RLIMIT_")
    }
    state["priority"] = os.getpriority(os.PRIO_PROCESS, 0)
    state["affinity"] = sorted(os.sched_getaffinity(0))
    if _inside_sandbox():
        state["sysv_ipc_objects"] = _ipc_objects()
    return state


def _tampering(baseline: dict, keep: set[str]) -> str | None:
    """What the last job left changed, after clean-up; None when the zygote is as it was."""
    changed = sorted(key for key, value in _own_state().items() if baseline.get(key) != value)
    if _inside_sandbox():
        for root in SCRATCH_DIRS:
            if os.path.isdir(root) and any(
                os.path.join(root, name) not in keep for name in os.listdir(root)
            ):
                changed.append(f"{root} could not be emptied")
    return ", ".join(changed) or None


def _status(status: int, usage) -> dict:
    report = {
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000, 1),
        "max_rss_kb": usage.ru_maxrss,
    }
    return report


def serve(control_fd: int, preload: list[str], *, gpu: bool = False) -> None:
    for name in preload:
        __import__(name)
    if "numpy" in sys.modules:
        import numpy.random  # noqa: F401 - lazily loaded otherwise, 12 ms in every child
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    from . import drivers, runner  # noqa: F401 - warm the harness too

    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Whatever the sandbox itself put in /tmp (parents of read-only mounts, when
    # the runtime lives under /tmp) stays; everything a job adds is wiped.
    keep = {
        os.path.join(root, name)
        for root in SCRATCH_DIRS
        if os.path.isdir(root)
        for name in os.listdir(root)
    }
    baseline = _own_state()
    sock = socket.socket(fileno=control_fd)
    sock.sendall(protocol.encode({"ready": True, "preloaded": preload}))
    standby = _spawn_standby(control_fd) if gpu and "torch" in sys.modules else None
    while True:
        try:
            job, fds = _receive_job(sock)
        except (OSError, EOFError):
            return
        if standby is not None and os.waitpid(standby[0], os.WNOHANG)[0] != 0:
            standby[1].close()
            standby = None  # it died before its job (CUDA failed to start): fork as usual
        if standby is not None:
            pid, line = standby
            try:
                frame = protocol.encode(job)
                socket.send_fds(line, [frame[: protocol.HEADER.size]], fds)
                line.sendall(frame[protocol.HEADER.size :])
            except OSError:
                pass  # the standby died: its exit status below says so
            line.close()
            standby = None
        else:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(job, fds, control_fd)
        for fd in fds:
            os.close(fd)
        _, status, usage = os.wait4(pid, 0)
        report = _status(status, usage)
        _kill_leftovers(pid)
        _wipe_scratch(keep)
        # A job that changed the zygote must not reach the next job through it:
        # say so, and serve nothing more (the supervisor retires the sandbox).
        report["tampered"] = _tampering(baseline, keep)
        if gpu and not report["tampered"] and "torch" in sys.modules:
            standby = _spawn_standby(control_fd)  # after clean-up, which kills every process
        sock.sendall(protocol.encode(report))
        if report["tampered"]:
            return


def _spawn_standby(control_fd: int) -> tuple[int, socket.socket]:
    """Fork the next job's child now and let it initialise CUDA while no job waits.

    Creating a CUDA context takes about a second; CUDA cannot survive a fork, so
    it can never be done once in the zygote. The standby child does it ahead of
    time, then waits for its one job on a private socket. It is an ordinary
    one-shot job child in every other way: the same limits, the same clean-up.
    """
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid != 0:
        theirs.close()
        return pid, ours
    try:
        os.close(control_fd)
        ours.close()
        torch = sys.modules["torch"]
        before = set(map(int, os.listdir("/proc/self/fd")))
        warm = torch.ones(8, 8, device="cuda")
        (warm @ warm).sum().item()  # context, allocator and cuBLAS handle
        cuda_fds = frozenset(set(map(int, os.listdir("/proc/self/fd"))) - before)
        job, fds = _receive_job(theirs)
    except BaseException:  # noqa: BLE001 - no job for this child; the zygote sees it exit
        os._exit(1)
    _child(job, fds, theirs.fileno(), keep=cuda_fds - set(fds) - {theirs.fileno()})


def _receive_job(sock: socket.socket) -> tuple[dict, list[int]]:
    header, fds, _, _ = socket.recv_fds(sock, protocol.HEADER.size, 3)
    if not header:
        raise EOFError("control socket closed")
    if len(header) < protocol.HEADER.size:
        header += protocol.read_exact(sock, protocol.HEADER.size - len(header))
    (size,) = protocol.HEADER.unpack(header)
    return json.loads(protocol.read_exact(sock, size)), fds


def main() -> None:
    control_fd = int(sys.argv[1])
    preload = [name for name in sys.argv[2].split(",") if name] if len(sys.argv) > 2 else []
    serve(control_fd, preload, gpu=len(sys.argv) > 3 and sys.argv[3] == "gpu")
