"""Conventions: the reference's rule written another way, turned into traces to compare.

A convention says how a program written in it relates to the reference: the
same rule run on other inputs (`lr` inside the velocity buffer is the reference
with another `lr`) or the same values one step along (a 1-based step counter).
Its trace is the reference's own, run on transformed cases in the sandbox, so a
convention never needs a program of its own to be recognised; its example
program only proves, at validation, that the words fit a real program.

Input expressions are written by exercise authors and evaluated here, outside
the sandbox: only numbers, the case's numeric inputs, + - * / ** and brackets.
"""

from __future__ import annotations

import ast
import copy
import math
import operator

MAX_EXPRESSION_CHARS = 200
_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def parse(expression) -> ast.Expression:
    """The checked syntax tree of an input expression; ValueError says what is not allowed."""
    if isinstance(expression, bool) or not isinstance(expression, (str, int, float)):
        raise ValueError("must be a number or an expression in quotes")
    text = str(expression)
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ValueError(f"longer than {MAX_EXPRESSION_CHARS} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ValueError(f"{text!r} is not an expression") from None
    for node in ast.walk(tree):
        allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant)
        allowed += tuple(_BINARY) + tuple(_UNARY)
        if not isinstance(node, allowed):
            raise ValueError(f"{text!r}: only numbers, names, + - * / ** and brackets")
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, (int, float))
        ):
            raise ValueError(f"{text!r}: constants must be numbers")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = node.right
            if not (isinstance(exponent, ast.Constant) and abs(exponent.value) <= 16):
                raise ValueError(f"{text!r}: a power must be a number up to 16")
    return tree


def evaluate(expression, names: dict[str, float]) -> float:
    """The value of an input expression over `names`; ValueError when it has none."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise ValueError(f"the case has no numeric input {node.id!r}")
            return float(names[node.id])
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](walk(node.operand))
        return _BINARY[type(node.op)](walk(node.left), walk(node.right))

    try:
        value = walk(parse(expression))
    except (ZeroDivisionError, OverflowError):
        raise ValueError(f"{expression!r} has no value for this case") from None
    if not math.isfinite(value):
        raise ValueError(f"{expression!r} has no finite value for this case")
    return value


def _inputs(case: dict) -> dict:
    """Where a case keeps its named inputs: hyper-parameters, or a function's arguments."""
    return case["hyper"] if isinstance(case.get("hyper"), dict) else case.setdefault("args", {})


def transformed_case(case: dict, convention) -> dict:
    """The case the reference runs to reproduce a program written in `convention`."""
    fresh = copy.deepcopy(case)
    table = _inputs(fresh)
    scalars = {
        k: v for k, v in table.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    for key, expression in convention.inputs.items():
        current = table.get(key)
        if isinstance(current, list):  # a per-step schedule: each step on its own
            table[key] = [evaluate(expression, {**scalars, key: item}) for item in current]
        else:
            table[key] = evaluate(expression, scalars)
    if convention.shift > 0:
        fresh["steps"] = int(fresh["steps"]) + convention.shift
    return fresh


def aligned(trace: list | None, steps: int, shift: int) -> list | None:
    """The reference's records lined up with a program's steps (None where none exists)."""
    if trace is None:
        return None
    records = []
    for step in range(steps):
        source = step + shift
        records.append(trace[source] if 0 <= source < len(trace) else None)
    return records
