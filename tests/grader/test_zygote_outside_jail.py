"""The zygote's clean-up is only ever aimed at its own jail.

After each job the zygote SIGKILLs every process it can signal and wipes
/tmp. Inside the jail that is exactly the job's leftovers; started outside it
(the benchmark's no-sandbox baseline) the same calls would hit the host, so
there it must touch nothing but the job's own process group.
"""

import subprocess
import tempfile
from pathlib import Path

from grader import Limits
from grader.bench import UnsandboxedZygote


def test_unsandboxed_zygote_spares_other_processes_and_host_tmp(adamw):
    bystander = subprocess.Popen(["sleep", "60"])
    with tempfile.NamedTemporaryFile(dir="/tmp", prefix="tracelab-bystander-") as keep:
        try:
            with UnsandboxedZygote("numpy").start() as zygote:
                outcome = zygote.run(
                    {"source": adamw.solution, "spec": adamw.grading, "cases": []}, Limits()
                )
            assert outcome.exit_code == 0
            assert bystander.poll() is None, "a process outside the job was killed"
            assert Path(keep.name).exists(), "a host file in /tmp was wiped"
        finally:
            bystander.kill()
            bystander.wait()
