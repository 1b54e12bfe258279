"""Classic seccomp-BPF filter for the grading sandbox.

`build_filter()` returns a raw array of ``struct sock_filter`` instructions
(8 bytes each: ``u16 code; u8 jt; u8 jf; u32 k``), the format bubblewrap
expects on the file descriptor given to ``bwrap --seccomp FD``.  The program is
generated here, with the standard library only, so the grader needs neither
libseccomp nor its Python bindings.

The submitted code is an optimizer exercise: it computes, allocates memory,
reads and writes files, forks and starts threads.  It never needs any of the
system calls below, which are the usual paths out of a sandbox or into the
host, so they fail with ``EPERM``:

* Inspecting or tampering with other processes: ``ptrace``,
  ``process_vm_readv``/``process_vm_writev``, ``kcmp``, ``pidfd_getfd``.
* Changing the filesystem view or escaping it: ``mount``, ``umount2``,
  ``pivot_root``, ``chroot`` and the new mount API (``open_tree``,
  ``move_mount``, ``fsopen``, ``fsconfig``, ``fsmount``, ``fspick``,
  ``mount_setattr``); ``open_by_handle_at``/``name_to_handle_at`` open files
  by handle, bypassing the mount namespace (the classic container breakout).
* Creating or joining namespaces: ``unshare``, ``setns``; ``clone`` with any
  ``CLONE_NEW*`` flag.  ``clone3`` passes its flags in a structure a BPF
  filter cannot read, so it fails with ``ENOSYS`` instead, which makes the C
  library fall back to ``clone`` (the approach container runtimes take).
* Large, frequently exploited kernel attack surface: ``bpf``,
  ``perf_event_open``, ``userfaultfd``, ``io_uring_*``, the key-management
  calls (``keyctl``, ``add_key``, ``request_key``), ``lookup_dcookie``,
  ``fanotify_init`` and ``personality`` (which can, for instance, switch off
  address-space randomization).
* Administering the host: loading kernel code (``kexec_*``, ``*_module``),
  ``reboot``, swap, process accounting, quotas, the kernel log (``syslog``),
  x86 port I/O (``iopl``, ``ioperm``), the clocks (``settimeofday``,
  ``clock_settime``, ``clock_adjtime``, ``adjtimex``), the host and domain
  names, and ``vhangup``.
* Injecting keystrokes into a terminal: ``ioctl(TIOCSTI)`` and
  ``ioctl(TIOCLINUX)``; every other ``ioctl`` is allowed.

Everything else is allowed.  A system call made through another ABI (an
architecture other than the one the filter was built for, e.g. the i386 ABI
via ``int 0x80`` on x86_64, or the x32 ABI) kills the process, because the
syscall numbers above would not match it.
"""

from __future__ import annotations

import platform
import struct
from typing import NamedTuple

__all__ = ["DENIED_SYSCALLS", "build_filter"]

# --- BPF instruction encoding (linux/bpf_common.h, linux/filter.h) ---------

_BPF_LD = 0x00
_BPF_JMP = 0x05
_BPF_RET = 0x06
_BPF_W = 0x00
_BPF_ABS = 0x20
_BPF_JEQ = 0x10
_BPF_JGE = 0x30
_BPF_JSET = 0x40
_BPF_K = 0x00

_LD_ABS_W = _BPF_LD | _BPF_W | _BPF_ABS
_JEQ_K = _BPF_JMP | _BPF_JEQ | _BPF_K
_JGE_K = _BPF_JMP | _BPF_JGE | _BPF_K
_JSET_K = _BPF_JMP | _BPF_JSET | _BPF_K
_RET_K = _BPF_RET | _BPF_K

_BPF_MAXINSNS = 4096

# Both supported architectures are little-endian, so the native sock_filter
# layout is little-endian and the low 32 bits of an argument come first.
_SOCK_FILTER = struct.Struct("<HBBI")

# --- seccomp (linux/seccomp.h) --------------------------------------------

_SECCOMP_RET_KILL_PROCESS = 0x80000000
_SECCOMP_RET_ERRNO = 0x00050000
_SECCOMP_RET_ALLOW = 0x7FFF0000

# struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer;
#                       __u64 args[6]; }
_OFFSET_NR = 0
_OFFSET_ARCH = 4


def _arg_low_offset(index: int) -> int:
    """Offset of the low 32 bits of ``args[index]`` (little-endian)."""
    return 16 + 8 * index


_EPERM = 1
_ENOSYS = 38

_X32_SYSCALL_BIT = 0x40000000

_TIOCSTI = 0x5412
_TIOCLINUX = 0x541C

_CLONE_NEWNS = 0x00020000
_CLONE_NEWCGROUP = 0x02000000
_CLONE_NEWUTS = 0x04000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_CLONE_NAMESPACE_FLAGS = (
    _CLONE_NEWNS
    | _CLONE_NEWUTS
    | _CLONE_NEWIPC
    | _CLONE_NEWUSER
    | _CLONE_NEWPID
    | _CLONE_NEWNET
    | _CLONE_NEWCGROUP
)

DENIED_SYSCALLS: tuple[str, ...] = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "syslog",
    "iopl",
    "ioperm",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
    "fanotify_init",
    "mount_setattr",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "personality",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "vhangup",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "pidfd_getfd",
    "kcmp",
)
"""System calls that fail with EPERM (those missing on an architecture are skipped)."""

# --- Per-architecture tables ----------------------------------------------

# asm/unistd_64.h (x86_64).
_X86_64_SYSCALLS: dict[str, int] = {
    "ioctl": 16,
    "clone": 56,
    "ptrace": 101,
    "syslog": 103,
    "personality": 135,
    "vhangup": 153,
    "pivot_root": 155,
    "adjtimex": 159,
    "chroot": 161,
    "acct": 163,
    "settimeofday": 164,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "lookup_dcookie": 212,
    "clock_settime": 227,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "clock_adjtime": 305,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "clone3": 435,
    "pidfd_getfd": 438,
    "mount_setattr": 442,
}

# asm-generic/unistd.h (aarch64); there is no iopl or ioperm.
_AARCH64_SYSCALLS: dict[str, int] = {
    "lookup_dcookie": 18,
    "ioctl": 29,
    "umount2": 39,
    "mount": 40,
    "pivot_root": 41,
    "chroot": 51,
    "vhangup": 58,
    "quotactl": 60,
    "acct": 89,
    "personality": 92,
    "unshare": 97,
    "kexec_load": 104,
    "init_module": 105,
    "delete_module": 106,
    "clock_settime": 112,
    "syslog": 116,
    "ptrace": 117,
    "reboot": 142,
    "sethostname": 161,
    "setdomainname": 162,
    "settimeofday": 170,
    "adjtimex": 171,
    "add_key": 217,
    "request_key": 218,
    "keyctl": 219,
    "clone": 220,
    "swapon": 224,
    "swapoff": 225,
    "perf_event_open": 241,
    "fanotify_init": 262,
    "name_to_handle_at": 264,
    "open_by_handle_at": 265,
    "clock_adjtime": 266,
    "setns": 268,
    "process_vm_readv": 270,
    "process_vm_writev": 271,
    "kcmp": 272,
    "finit_module": 273,
    "bpf": 280,
    "userfaultfd": 282,
    "kexec_file_load": 294,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "clone3": 435,
    "pidfd_getfd": 438,
    "mount_setattr": 442,
}


class _Arch(NamedTuple):
    audit_arch: int
    syscalls: dict[str, int]
    has_x32_abi: bool


_ARCHES: dict[str, _Arch] = {
    "x86_64": _Arch(audit_arch=0xC000003E, syscalls=_X86_64_SYSCALLS, has_x32_abi=True),
    "aarch64": _Arch(audit_arch=0xC00000B7, syscalls=_AARCH64_SYSCALLS, has_x32_abi=False),
}

_ARCH_ALIASES: dict[str, str] = {"amd64": "x86_64", "arm64": "aarch64"}

_Insn = tuple[int, int, int, int]


# --- Instruction helpers --------------------------------------------------


def _stmt(code: int, k: int) -> _Insn:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> _Insn:
    if not (0 <= jt <= 255 and 0 <= jf <= 255):
        raise ValueError("BPF jump offset out of range")
    return (code, jt, jf, k)


def _load(offset: int) -> _Insn:
    return _stmt(_LD_ABS_W, offset)


def _ret(action: int) -> _Insn:
    return _stmt(_RET_K, action)


def _errno(value: int) -> int:
    return _SECCOMP_RET_ERRNO | value


def _return_if_nr(nr: int, action: int) -> list[_Insn]:
    """``if (A == nr) return action;`` with A holding the syscall number."""
    return [_jump(_JEQ_K, nr, 0, 1), _ret(action)]


def _guarded(nr: int, body: list[_Insn]) -> list[_Insn]:
    """Run `body` (which must end every path in a return) only for syscall `nr`."""
    return [_jump(_JEQ_K, nr, 0, len(body)), *body]


# --- Program sections -----------------------------------------------------


def _check_arch(arch: _Arch) -> list[_Insn]:
    return [
        _load(_OFFSET_ARCH),
        _jump(_JEQ_K, arch.audit_arch, 1, 0),
        _ret(_SECCOMP_RET_KILL_PROCESS),
    ]


def _load_nr(arch: _Arch) -> list[_Insn]:
    insns = [_load(_OFFSET_NR)]
    if arch.has_x32_abi:
        insns += [
            _jump(_JGE_K, _X32_SYSCALL_BIT, 0, 1),
            _ret(_SECCOMP_RET_KILL_PROCESS),
        ]
    return insns


def _deny_by_name(arch: _Arch) -> list[_Insn]:
    insns: list[_Insn] = []
    for name in DENIED_SYSCALLS:
        nr = arch.syscalls.get(name)
        if nr is not None:
            insns += _return_if_nr(nr, _errno(_EPERM))
    return insns


def _deny_clone3(arch: _Arch) -> list[_Insn]:
    return _return_if_nr(arch.syscalls["clone3"], _errno(_ENOSYS))


def _deny_terminal_injection(arch: _Arch) -> list[_Insn]:
    # The kernel takes the ioctl request as an unsigned int, so only the low
    # 32 bits of args[1] matter; comparing them defeats high-bit padding.
    body = [
        _load(_arg_low_offset(1)),
        _jump(_JEQ_K, _TIOCSTI, 2, 0),
        _jump(_JEQ_K, _TIOCLINUX, 1, 0),
        _ret(_SECCOMP_RET_ALLOW),
        _ret(_errno(_EPERM)),
    ]
    return _guarded(arch.syscalls["ioctl"], body)


def _deny_namespace_clone(arch: _Arch) -> list[_Insn]:
    # clone() flags are args[0] on both architectures and the kernel only
    # uses their low 32 bits.
    body = [
        _load(_arg_low_offset(0)),
        _jump(_JSET_K, _CLONE_NAMESPACE_FLAGS, 1, 0),
        _ret(_SECCOMP_RET_ALLOW),
        _ret(_errno(_EPERM)),
    ]
    return _guarded(arch.syscalls["clone"], body)


def _resolve_arch(arch: str | None) -> _Arch:
    name = platform.machine() if arch is None else arch
    name = _ARCH_ALIASES.get(name, name)
    try:
        return _ARCHES[name]
    except KeyError:
        raise ValueError(f"unsupported architecture for seccomp filter: {name!r}") from None


def _encode(insns: list[_Insn]) -> bytes:
    if len(insns) > _BPF_MAXINSNS:
        raise ValueError("seccomp filter is too long")
    return b"".join(_SOCK_FILTER.pack(*insn) for insn in insns)


# --- Public API -----------------------------------------------------------


def build_filter(arch: str | None = None) -> bytes:
    """Return the BPF program for `arch` ('x86_64' or 'aarch64'; default: platform.machine())."""
    spec = _resolve_arch(arch)
    insns = [
        *_check_arch(spec),
        *_load_nr(spec),
        *_deny_by_name(spec),
        *_deny_clone3(spec),
        *_deny_terminal_injection(spec),
        *_deny_namespace_clone(spec),
        _ret(_SECCOMP_RET_ALLOW),
    ]
    return _encode(insns)
