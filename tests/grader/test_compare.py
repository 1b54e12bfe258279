import math

from grader._compare import first_divergence, step_errors, traces_match


def trace(*steps):
    return [{"w": list(w)} for w in steps]


def test_identical_traces_have_no_divergence():
    ref = trace([1.0, 2.0], [0.5, 1.5])
    divergence, agreed = first_divergence(ref, ref, ["w"], rtol=1e-9, atol=0)
    assert divergence is None
    assert agreed == 2


def test_first_divergence_reports_step_quantity_index_and_values():
    ref = trace([1.0, 2.0], [0.5, 1.5], [0.25, 1.0])
    got = trace([1.0, 2.0], [0.5, 1.6], [9.0, 9.0])
    divergence, agreed = first_divergence(ref, got, ["w"], rtol=1e-9, atol=0)
    assert (divergence.step, divergence.quantity, divergence.index) == (2, "w", 1)
    assert divergence.expected == 1.5 and divergence.got == 1.6
    assert math.isclose(divergence.error, 0.1)
    assert agreed == 1


def test_values_within_tolerance_agree():
    ref = trace([1.0])
    got = trace([1.0 + 5e-10])
    assert first_divergence(ref, got, ["w"], rtol=1e-9, atol=0)[0] is None
    assert first_divergence(ref, trace([1.0 + 5e-9]), ["w"], rtol=1e-9, atol=0)[0] is not None


def test_absolute_tolerance_covers_values_near_zero():
    assert first_divergence(trace([0.0]), trace([1e-13]), ["w"], rtol=1e-9, atol=1e-12)[0] is None


def test_nan_never_matches_a_finite_value():
    divergence, _ = first_divergence(trace([1.0]), trace([math.nan]), ["w"], rtol=1, atol=1)
    assert divergence is not None and divergence.error == math.inf
    assert divergence.to_dict()["got"] == "nan"


def test_short_trace_diverges_where_it_ends():
    divergence, agreed = first_divergence(trace([1.0], [2.0]), trace([1.0]), ["w"], rtol=0, atol=0)
    assert divergence.step == 2 and divergence.reason == "ended early"
    assert agreed == 1


def test_traces_of_different_length_do_not_match():
    assert not traces_match(trace([1.0]), trace([1.0], [1.0]), ["w"], rtol=0, atol=0)
    assert traces_match(trace([1.0]), trace([1.0]), ["w"], rtol=0, atol=0)


def test_every_quantity_is_compared_in_declared_order():
    ref = [{"w": [1.0], "m": [2.0]}]
    got = [{"w": [1.0], "m": [3.0]}]
    divergence, _ = first_divergence(ref, got, ["w", "m"], rtol=0, atol=0)
    assert divergence.quantity == "m"


def test_step_errors_are_the_largest_error_per_step():
    ref = trace([1.0, 2.0], [1.0, 2.0])
    got = trace([1.5, 2.0], [1.0, math.inf])
    assert step_errors(ref, got, ["w"]) == [0.5, None]


def test_values_of_the_wrong_size_diverge_instead_of_being_truncated():
    divergence, agreed = first_divergence(trace([1.0, 2.0]), trace([1.0]), ["w"], rtol=0, atol=0)
    assert (divergence.step, divergence.reason, agreed) == (1, "wrong size", 0)
