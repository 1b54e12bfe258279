"""Two known mistakes in one program, derived from the bundle's own files.

Every mistake file is the reference with one fault written into it. Where two
mistakes change different lines of the reference, applying both changes gives
the program that makes both mistakes: a three-way merge with the reference as
the common ancestor. Pairs whose changes touch the same tokens are left out
(they are alternatives, not a combination), and so is any merge that does not
parse. The merged programs run in the sandbox like every other bundle program.
"""

from __future__ import annotations

import ast
import difflib
import io
import tokenize
from itertools import combinations


def body_lines(source: str) -> list[str]:
    """The program without its module docstring and its HINT or NOTE text."""
    lines = source.splitlines(keepends=True)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return lines
    drop: set[int] = set()
    for position, node in enumerate(tree.body):
        is_docstring = (
            position == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        is_text = (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ("HINT", "NOTE")
        )
        if is_docstring or is_text:
            drop.update(range(node.lineno - 1, node.end_lineno))
    kept = [line for number, line in enumerate(lines) if number not in drop]
    # Blank lines differ around the removed text from file to file: they carry no fault.
    return [line for line in kept if line.strip()]


def _tokens(lines: list[str]) -> list[tuple[int, str]]:
    """The program as tokens: two mistakes on one line can still touch different tokens."""
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING)
    try:
        found = tokenize.generate_tokens(io.StringIO("".join(lines)).readline)
        return [(token.type, token.string) for token in found if token.type not in skip]
    except (tokenize.TokenError, SyntaxError):
        return []


def _edits(base: list, changed: list) -> list[tuple[int, int, list]]:
    matcher = difflib.SequenceMatcher(a=base, b=changed, autojunk=False)
    return [
        (i1, i2, changed[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def merge(base: str, first: str, second: str) -> str | None:
    """The reference with both programs' changes, or None where they touch the same tokens."""
    tokens = _tokens(body_lines(base))
    ours, theirs = _tokens(body_lines(first)), _tokens(body_lines(second))
    if not (tokens and ours and theirs):
        return None
    # A change both programs make (a shared simplification of the reference) is made once.
    shared = {(a, b, tuple(r)) for a, b, r in _edits(tokens, ours)}
    shared |= {(a, b, tuple(r)) for a, b, r in _edits(tokens, theirs)}
    edits = sorted((a, b, list(r)) for a, b, r in shared)
    if not edits:
        return None
    for (start, end, _), (next_start, next_end, _) in zip(edits, edits[1:], strict=False):
        # Two insertions at one place have no order between them.
        if next_start < end or start == end == next_start == next_end:
            return None
    merged: list = []
    position = 0
    for start, end, replacement in edits:
        merged += tokens[position:start]
        merged += replacement
        position = end
    merged += tokens[position:]
    try:
        text = tokenize.untokenize(merged)
        ast.parse(text)
    # IndexError: untokenize pops an indentation level the merged tokens never opened
    # (one program moves a line out of a block, the other the line after it in).
    except (SyntaxError, ValueError, IndentationError, IndexError):
        return None
    return text


def pairs(solution: str, programs: dict[str, str]) -> dict[tuple[str, str], str]:
    """Every pair of programs (mistakes) that merge cleanly, keyed by their sorted ids."""
    found = {}
    for first, second in combinations(sorted(programs), 2):
        merged = merge(solution, programs[first], programs[second])
        if merged is not None:
            found[(first, second)] = merged
    return found
