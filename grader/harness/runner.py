"""Runs one job in a freshly forked child: load the program, run every case.

Frames written to the result descriptor, in order:
  {"fatal": {...}}                                  the program could not be run at all
  {"case": i, "trace": [...], "error": str | None,  one per case
   "notes": {...} (optional)}
  {"done": true}                                    every case was attempted
"""

from __future__ import annotations

import os
import sys
import traceback
import types

from . import protocol
from .drivers import DRIVERS, SubmissionFault

SOURCE_NAME = "submission.py"


class Trace(list):
    """A case's records, and notes a driver keeps beside them (which exception was raised)."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict = {}


def _where(exc: BaseException) -> str:
    """The innermost line of the submission in the traceback, if any.

    Walks the frames without formatting them: a RecursionError after
    sys.setrecursionlimit(10**6) carries a million frames, and extracting
    them all (with source lines) would spend seconds of the job's CPU time.
    """
    found = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(SOURCE_NAME):
            found = (tb.tb_lineno, code.co_name)
        tb = tb.tb_next
    if found is None:
        return ""
    return f"line {found[0]}, in {found[1]}: "


def describe(exc: BaseException) -> str:
    if isinstance(exc, SubmissionFault):
        return str(exc)
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if isinstance(exc, SystemExit):
        message = f"SystemExit({exc.code!r}): the program tried to exit instead of returning"
    return (_where(exc) + message)[:2000]


def _load(source: str, result_fd: int):
    with open(SOURCE_NAME, "w", encoding="utf-8") as handle:
        handle.write(source)
    try:
        code = compile(source, SOURCE_NAME, "exec", dont_inherit=True)
    except SyntaxError as exc:
        protocol.write_frame(
            result_fd,
            {
                "fatal": {
                    "kind": "syntax",
                    "message": f"{type(exc).__name__}: {exc.msg}",
                    "line": exc.lineno,
                    "offset": exc.offset,
                }
            },
        )
        return None
    except (MemoryError, RecursionError) as exc:
        # The parser gives up on pathologically nested source this way, not
        # with a SyntaxError; it is still the source that cannot be compiled.
        message = f"{type(exc).__name__}: the source is nested too deeply to compile"
        protocol.write_frame(result_fd, {"fatal": {"kind": "syntax", "message": message}})
        return None
    module = types.ModuleType("submission")
    module.__file__ = os.path.abspath(SOURCE_NAME)
    sys.modules["submission"] = module
    try:
        exec(code, module.__dict__)
    except BaseException as exc:  # noqa: BLE001 - the program's own failure is a result
        protocol.write_frame(result_fd, {"fatal": {"kind": "load", "message": describe(exc)}})
        return None
    return module


def run(job: dict, result_fd: int) -> None:
    spec = job["spec"]
    module = _load(job["source"], result_fd)
    if module is None:
        return
    entrypoint = spec["entrypoint"]
    target = getattr(module, entrypoint, None)
    if target is None or not callable(target):
        kind = spec.get("entry_kind", "function")
        protocol.write_frame(
            result_fd,
            {
                "fatal": {
                    "kind": "missing",
                    "message": f"{SOURCE_NAME} defines no {kind} named {entrypoint}",
                }
            },
        )
        return
    driver = DRIVERS[spec["driver"]]
    for index, case in enumerate(job["cases"]):
        trace = Trace()
        error = None
        try:
            driver(target, case, spec, trace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends are results too
            error = describe(exc)
        frame = {"case": index, "trace": list(trace), "error": error}
        if trace.notes:
            frame["notes"] = trace.notes
        protocol.write_frame(result_fd, frame)
    protocol.write_frame(result_fd, {"done": True})
