"""Showing student code: a line diff between two attempts, and highlighted source.

Both return data or markup in which the student's text is always escaped: the diff is
plain rows for an autoescaping template, and Pygments escapes what it highlights.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

CONTEXT_LINES = 3
MAX_DIFF_LINES = 4000


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "same" | "removed" | "added" | "skip"
    old_number: int | None
    new_number: int | None
    text: str


@dataclass(frozen=True)
class CodeDiff:
    rows: list[DiffRow]
    added: int
    removed: int

    @property
    def identical(self) -> bool:
        return self.added == 0 and self.removed == 0


def code_diff(old: str, new: str, *, context: int = CONTEXT_LINES) -> CodeDiff:
    """Line diff of two programs, unchanged runs beyond `context` lines folded into a
    single "skip" row that says how many lines it hides."""
    a = old.splitlines()[:MAX_DIFF_LINES]
    b = new.splitlines()[:MAX_DIFF_LINES]
    rows: list[DiffRow] = []
    added = removed = 0
    opcodes = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            first, last = index == 0, index == len(opcodes) - 1
            keep_head = 0 if first else context
            keep_tail = 0 if last else context
            length = i2 - i1
            if length > keep_head + keep_tail + 1:
                for k in range(keep_head):
                    rows.append(DiffRow("same", i1 + k + 1, j1 + k + 1, a[i1 + k]))
                hidden = length - keep_head - keep_tail
                rows.append(
                    DiffRow(
                        "skip", None, None, f"{hidden} unchanged line{'' if hidden == 1 else 's'}"
                    )
                )
                for k in range(length - keep_tail, length):
                    rows.append(DiffRow("same", i1 + k + 1, j1 + k + 1, a[i1 + k]))
            else:
                for k in range(length):
                    rows.append(DiffRow("same", i1 + k + 1, j1 + k + 1, a[i1 + k]))
            continue
        for i in range(i1, i2):
            rows.append(DiffRow("removed", i + 1, None, a[i]))
            removed += 1
        for j in range(j1, j2):
            rows.append(DiffRow("added", None, j + 1, b[j]))
            added += 1
    return CodeDiff(rows=rows, added=added, removed=removed)


_FORMATTER = HtmlFormatter(cssclass="highlight", linenos="table", lineanchors="L")


def highlight_python(code: str) -> SafeString:
    """Python source as Pygments HTML (with line numbers); Pygments escapes the text."""
    return mark_safe(highlight(code, PythonLexer(), _FORMATTER))  # noqa: S308
