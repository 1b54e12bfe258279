"""Grading latency and throughput, measured: `python -m grader.bench [--json]`.

For a numpy and a torch exercise it grades a mix of correct and wrong
programs and prints latency percentiles for three paths:

- warm: the production path, a pool of pre-started sandboxes whose zygote has
  already imported the runtime (one forked child per submission);
- cold: a fresh sandbox per submission that imports numpy/torch itself;
- nosandbox: the same zygote and harness started without bubblewrap, setpriv
  or seccomp, to show what the isolation itself costs (never used to grade).

Then it measures throughput with two worker processes grading numpy
submissions on the warm path. Latency is `grade()` wall time once the bundle
version is prepared (its reference and mistake traces cached), as in a worker.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from ._bundle import Bundle, load_bundle
from ._grade import grade, prepared_for
from ._pool import SandboxPool
from ._sandbox import BOOT, HARNESS_DIR, Sandbox

BANK = Path(__file__).resolve().parent.parent / "exercises" / "bank"


class UnsandboxedZygote(Sandbox):
    """The zygote without any isolation: for measuring overhead only."""

    def command(self, *, control_fd: int, seccomp_fd: int) -> list[str]:
        boot = BOOT.replace("/opt/tracelab", str(HARNESS_DIR.parent))
        return [sys.executable, "-I", "-B", "-c", boot, str(control_fd), ",".join(self.preload)]


class UnsandboxedPool(SandboxPool):
    def _new(self, runtime: str) -> Sandbox:
        return UnsandboxedZygote(runtime, warm=True)


def _programs(bundle: Bundle) -> list[str]:
    """Alternate the reference with each known mistake: passes and failures both cost."""
    wrong = [m.source for m in bundle.mistakes] or [bundle.starter]
    return [bundle.solution if i % 2 == 0 else wrong[(i // 2) % len(wrong)] for i in range(64)]


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 1)


def measure(bundle: Bundle, pool: SandboxPool, runs: int) -> dict:
    prepared_for(bundle, pool=pool)
    programs = _programs(bundle)
    for program in programs[:3]:  # settle the pool before timing
        grade(bundle, program, pool=pool)
    samples = []
    for i in range(runs):
        # Let the pool refill between submissions, as it does between real requests.
        time.sleep(0.02 if pool.warm else 0)
        started = time.perf_counter()
        grade(bundle, programs[i % len(programs)], pool=pool)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": _percentile(samples, 50),
        "p95_ms": _percentile(samples, 95),
        "mean_ms": round(statistics.fmean(samples), 1),
        "runs": runs,
    }


def _throughput_worker(slug: str, count: int, start, results) -> None:
    bundle = load_bundle(BANK / slug)
    pool = SandboxPool(size=2)
    prepared_for(bundle, pool=pool)
    programs = _programs(bundle)
    grade(bundle, programs[0], pool=pool)
    start.wait()
    for i in range(count):
        grade(bundle, programs[i % len(programs)], pool=pool)
    results.put(time.perf_counter())
    pool.close()


def throughput(slug: str, *, workers: int = 2, per_worker: int = 100) -> float:
    """Gradings per second with `workers` processes, each with its own warm pool."""
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_throughput_worker, args=(slug, per_worker, start, results))
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    time.sleep(3)  # every worker prepared and warm
    began = time.perf_counter()
    start.set()
    finished = [results.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join()
    return round(workers * per_worker / (max(finished) - began), 1)


def run(numpy_slug: str, torch_slug: str, runs: int) -> dict:
    report: dict = {
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    }
    for label, slug in (("numpy", numpy_slug), ("torch", torch_slug)):
        path = BANK / slug
        if not (path / "exercise.toml").is_file():
            report[label] = {"skipped": f"no bundle {slug!r}"}
            continue
        bundle = load_bundle(path)
        figures = {}
        paths = [
            ("warm", SandboxPool(size=1)),
            ("cold", SandboxPool(warm=False)),
            ("nosandbox", UnsandboxedPool(size=1)),
        ]
        for name, pool in paths:
            count = runs if name != "cold" or label == "numpy" else max(5, runs // 5)
            stats = measure(bundle, pool, count)
            pool.close()
            figures[f"{name}_p50_ms"] = stats["p50_ms"]
            figures[f"{name}_p95_ms"] = stats["p95_ms"]
            figures[f"{name}_runs"] = stats["runs"]
        figures["warm_over_nosandbox"] = round(
            figures["warm_p50_ms"] / figures["nosandbox_p50_ms"], 2
        )
        report[label] = figures
    report["throughput_numpy_per_s"] = throughput(numpy_slug)
    return report


def _flatten(report: dict) -> dict:
    flat = {}
    for key, value in report.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--numpy", default="adamw", help="numpy exercise slug (default adamw)")
    parser.add_argument(
        "--torch", default="torch-adamw", help="torch exercise slug (default torch-adamw)"
    )
    parser.add_argument("--runs", type=int, default=60, help="gradings per path (default 60)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    report = run(args.numpy, args.torch, args.runs)
    flat = _flatten(report)
    if args.json:
        print(json.dumps(flat))
    else:
        width = max(map(len, flat))
        for key, value in flat.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
