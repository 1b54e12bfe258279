"""Prints how long each phase of the container tests took, at the end of the run."""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMINGS_FILE = ROOT / "test-artifacts" / "containers" / "timings.json"
_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter) -> None:
    try:
        if TIMINGS_FILE.stat().st_mtime < _SESSION_STARTED:
            return  # from an earlier run
        timings = json.loads(TIMINGS_FILE.read_text())
    except (OSError, ValueError):
        return
    terminalreporter.section("container stack: seconds per phase")
    for phase, seconds in timings.items():
        terminalreporter.line(f"{seconds:8.1f}  {phase}")
