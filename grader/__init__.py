"""TraceLab's grading engine: pure Python, no web framework.

    bundle = load_bundle("exercises/bank/adamw")
    result = grade(bundle, source)
    result.verdict, result.to_dict()
    report = validate_bundle(bundle)      # before publishing: reference, starter, mistakes...

Student code only ever runs inside the sandbox (`_sandbox`); traces come back
as strictly checked JSON and are compared here, outside it.
"""

from ._bundle import Bundle, BundleError, Mistake, Program, load_bundle, mistake_header
from ._grade import (
    GRADER_VERSION,
    MAX_SOURCE_BYTES,
    GraderError,
    Result,
    default_pool,
    grade,
    prepare,
    prepared_for,
    run_program,
)
from ._pool import SandboxPool
from ._sandbox import Limits, SandboxError
from ._validate import Check, ValidationReport, validate_bundle

__all__ = [
    "GRADER_VERSION",
    "MAX_SOURCE_BYTES",
    "Bundle",
    "BundleError",
    "Check",
    "GraderError",
    "Limits",
    "Mistake",
    "Program",
    "Result",
    "SandboxError",
    "SandboxPool",
    "ValidationReport",
    "default_pool",
    "grade",
    "load_bundle",
    "mistake_header",
    "prepare",
    "prepared_for",
    "run_program",
    "validate_bundle",
]
