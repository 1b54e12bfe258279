"""Two mistakes merged into one program from their files, with the reference as ancestor."""

from __future__ import annotations

from grader._compose import body_lines, merge, pairs

REFERENCE = """import numpy as np


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
"""
NO_CORRECTION = '''"""Steps with the raw moments."""

import numpy as np

HINT = "Divide by 1 - beta**t."


def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    w = w - lr * m / (np.sqrt(v) + eps)
    return w, m, v
'''
EPS_INSIDE = REFERENCE.replace("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)")
SQRT_MISSING = REFERENCE.replace("(np.sqrt(v_hat) + eps)", "(v_hat + eps)")


def run(source: str, *args):
    space = {}
    exec(source, space)  # test programs written above, never student code
    return space["adam_step"](*args)


def test_two_changes_on_one_line_merge_into_a_program_with_both():
    merged = merge(REFERENCE, NO_CORRECTION, EPS_INSIDE)
    assert merged is not None
    import numpy as np

    w, m, v = run(merged, np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), 1, 0.1)
    expected_m, expected_v = 0.05, 0.001 * 0.25
    assert np.allclose(w, 1.0 - 0.1 * expected_m / np.sqrt(expected_v + 1e-8))


def test_changes_to_the_same_tokens_do_not_merge():
    assert merge(REFERENCE, EPS_INSIDE, SQRT_MISSING) is None


def test_docstrings_and_hints_are_not_part_of_the_change():
    assert not any("HINT" in line or "raw moments" in line for line in body_lines(NO_CORRECTION))


def test_pairs_are_keyed_by_sorted_ids_and_leave_out_conflicts():
    found = pairs(
        REFERENCE, {"sqrt-missing": SQRT_MISSING, "eps-inside": EPS_INSIDE, "raw": NO_CORRECTION}
    )
    assert set(found) == {("eps-inside", "raw"), ("raw", "sqrt-missing")}


def test_changes_that_unbalance_the_indentation_do_not_merge():
    head = "def f(x, lr):\n    for p in x:\n        a = p * 2\n"
    solution = head + "        b = a + 1\n    c = lr\n"
    # One moves `b = a + 1` out of the loop, the other moves `c = lr` into it.
    out_of_loop = head + "    b = a + 1\n    c = lr\n"
    into_loop = head + "        b = a + 1\n        c = lr\n"
    assert merge(solution, out_of_loop, into_loop) is None
