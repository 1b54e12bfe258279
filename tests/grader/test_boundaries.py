"""The engine stays framework-free: nothing under grader/ imports Django or the site."""

import ast
import subprocess
import sys
from pathlib import Path

GRADER = Path(__file__).resolve().parents[2] / "grader"
FORBIDDEN = ("django", "celery", "coursesite", "exercises")


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_no_grader_module_imports_django_or_the_site():
    offenders = [
        f"{path.relative_to(GRADER.parent)} imports {name}"
        for path in GRADER.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_importing_the_grader_loads_no_django():
    code = (
        "import sys, grader, grader.__main__; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=GRADER.parent, check=True
    )
    assert out.stdout.strip() == "False"
