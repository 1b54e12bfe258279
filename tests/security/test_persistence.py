"""Nothing one job does reaches the next job served by the same warm zygote.

The job runs as the zygote's own uid, so it can lower the zygote's rlimits
(prlimit), renice it, or leave System V IPC objects and read-only directories
behind. The zygote cleans what it can and retires itself when it cannot.
"""

import pytest

from grader import Limits
from grader._sandbox import Sandbox

pytestmark = pytest.mark.security

PRLIMIT = """
import os, resource
resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (10, 10))
resource.prlimit(os.getppid(), resource.RLIMIT_CPU, (2, 3))
"""
RENICE = "import os\nos.setpriority(os.PRIO_PROCESS, os.getppid(), 19)\n"
SYSV_SHM = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
segment = libc.shmget(0x7AB, 64 << 20, 0o1666)
ctypes.memset(libc.shmat(segment, None, 0), 1, 64 << 20)
"""
READ_ONLY_TREE = """
import os
os.makedirs("/tmp/stay/inner")
open("/tmp/stay/inner/planted", "w").write("for the next student")
os.makedirs("/tmp/job/trap")
os.symlink("/dev/full", "/tmp/job/trap/submission.py")
os.makedirs("/dev/shm/stay")
for path in ("/tmp/stay/inner", "/tmp/stay", "/tmp/job/trap", "/dev/shm/stay"):
    os.chmod(path, 0o500)
"""
LOOK = """
import os, resource
# Root-owned entries are the jail's own mount points (a checkout under /tmp); only
# what a job could have left behind counts.
mine = sorted(n for n in os.listdir("/tmp") if os.stat("/tmp/" + n).st_uid != 0)
print("tmp", mine, sorted(os.listdir("/tmp/job")), os.listdir("/dev/shm"))
print("nofile", resource.getrlimit(resource.RLIMIT_NOFILE))
print("ipc", open("/proc/sysvipc/shm").read().count("\\n"))
"""


def job(adamw, source):
    return {"source": source, "spec": adamw.grading, "cases": []}


@pytest.mark.parametrize(
    "attack, what",
    [(PRLIMIT, "RLIMIT_CPU, RLIMIT_NOFILE"), (RENICE, "priority"), (SYSV_SHM, "sysv_ipc_objects")],
    ids=["prlimit-on-zygote", "renice-zygote", "sysv-shared-memory"],
)
def test_tampering_with_the_zygote_retires_the_sandbox(hostile, adamw, attack, what):
    result = hostile(attack)
    assert result.verdict == "rejected"
    assert "tampered with its sandbox" in result.message and what in result.message
    with Sandbox("numpy").start() as sandbox:
        outcome = sandbox.run(job(adamw, attack), Limits())
        assert outcome.tampered and not sandbox.alive


def test_read_only_leftovers_in_scratch_do_not_reach_the_next_job(hostile, adamw):
    hostile(READ_ONLY_TREE)
    with Sandbox("numpy").start() as sandbox:
        first = sandbox.run(job(adamw, READ_ONLY_TREE), Limits())
        assert not first.tampered and sandbox.alive  # wiped completely: the zygote stays warm
        second = sandbox.run(job(adamw, LOOK), Limits())
    assert "tmp ['job'] ['submission.py'] []" in second.stdout
    assert "nofile (64, 64)" in second.stdout and "ipc 1" in second.stdout
