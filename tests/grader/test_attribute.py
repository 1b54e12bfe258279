"""Attribution on hand-made traces: which known mistakes explain which cases and steps."""

from __future__ import annotations

import math

from grader._attribute import Candidate, attribute, signature

CASES = [{"name": name, "steps": 4} for name in ("first", "second", "third")]


def trace(*values):
    return [{"w": [v]} for v in values]


REFERENCE = [trace(1.0, 2.0, 3.0, 4.0), trace(5.0, 6.0, 7.0, 8.0), trace(1.0, 1.0, 1.0, 1.0)]


def candidate(name, traces, *, kind="mistake", compare=None, atoms=None):
    return Candidate(
        f"{kind}:{name}", atoms or (name,), kind, traces, [None] * len(traces), compare=compare
    )


def run(got, candidates, pairs=None):
    return attribute(
        cases=CASES,
        indexes=[0, 1, 2],
        traces=got,
        errors=[None, None, None],
        reference=REFERENCE,
        candidates=candidates,
        quantities=["w"],
        rtol=1e-7,
        atol=1e-10,
        pairs=pairs,
    )


def named(attribution):
    return {d["mistake"]: d for d in attribution.diagnoses}


def test_a_program_equal_to_a_mistake_is_named_with_full_confidence_and_its_steps():
    doubled = [trace(2.0, 4.0, 6.0, 8.0), trace(5.0, 6.0, 7.0, 8.0), REFERENCE[2]]
    found = named(run(doubled, [candidate("doubled", doubled)]))
    assert found["doubled"]["confidence"] == 1.0
    assert found["doubled"]["explains"] == [
        {"case": "first", "hidden": False, "steps": [1, 4], "quantities": ["w"], "with": []}
    ]


def test_small_harmless_differences_still_name_the_much_closer_mistake():
    doubled = [trace(2.0, 4.0, 6.0, 8.0), REFERENCE[1], REFERENCE[2]]
    nearly = [trace(2.0, 4.0, 6.0, 8.001), REFERENCE[1], REFERENCE[2]]
    found = named(run(nearly, [candidate("doubled", doubled)]))
    assert 0.99 < found["doubled"]["confidence"] < 1.0


def test_a_program_only_somewhat_closer_to_a_mistake_is_not_named():
    doubled = [trace(2.0, 4.0, 6.0, 8.0), REFERENCE[1], REFERENCE[2]]
    halfway = [trace(1.5, 3.0, 4.5, 6.0), REFERENCE[1], REFERENCE[2]]
    result = run(halfway, [candidate("doubled", doubled)])
    assert result.diagnoses == []
    assert [item["case"] for item in result.unexplained] == ["first"]


def test_two_mistakes_showing_on_different_cases_are_both_named():
    a = [trace(2.0, 4.0, 6.0, 8.0), REFERENCE[1], REFERENCE[2]]
    b = [REFERENCE[0], trace(5.0, 6.0, 7.0, 9.0), REFERENCE[2]]
    both = [a[0], b[1], REFERENCE[2]]
    found = named(run(both, [candidate("a", a), candidate("b", b)]))
    assert found["a"]["explains"][0]["case"] == "first"
    assert found["b"]["explains"][0]["case"] == "second"
    assert found["b"]["explains"][0]["steps"] == [4, 4]


def test_two_mistakes_in_one_case_are_told_apart_step_by_step():
    early = [trace(0.0, 2.0, 3.0, 4.0), REFERENCE[1], REFERENCE[2]]
    late = [trace(1.0, 2.0, 3.0, 9.0), REFERENCE[1], REFERENCE[2]]
    both = [trace(0.0, 2.0, 3.0, 9.0), REFERENCE[1], REFERENCE[2]]
    found = named(run(both, [candidate("early", early), candidate("late", late)]))
    assert found["early"]["explains"][0]["steps"] == [1, 1]
    assert found["early"]["explains"][0]["with"] == ["late"]
    assert found["late"]["explains"][0]["steps"] == [4, 4]


def test_pairs_are_asked_for_only_when_single_mistakes_leave_a_case_unexplained():
    asked = []
    pair = [trace(7.0, 7.0, 7.0, 7.0), REFERENCE[1], REFERENCE[2]]

    def pairs():
        asked.append(True)
        return [candidate("a+b", pair, atoms=("a", "b"))]

    single = [trace(2.0, 4.0, 6.0, 8.0), REFERENCE[1], REFERENCE[2]]
    named(run(single, [candidate("a", single)], pairs=pairs))
    assert asked == []
    found = named(run(pair, [candidate("a", single)], pairs=pairs))
    assert asked == [True]
    assert set(found) == {"a", "b"}
    assert found["a"]["explains"][0]["with"] == ["b"]


def test_a_mistake_that_would_have_failed_a_case_the_program_passes_is_not_named():
    everywhere = [trace(2.0, 4.0, 6.0, 8.0), trace(9.0, 9.0, 9.0, 9.0), REFERENCE[2]]
    only_first = [everywhere[0], REFERENCE[1], REFERENCE[2]]
    result = run(only_first, [candidate("everywhere", everywhere)])
    assert result.diagnoses == []


def test_a_convention_is_compared_on_its_own_quantities_only():
    cases = [{"name": "only", "steps": 2}]
    reference = [[{"w": [1.0], "m": [1.0]}, {"w": [2.0], "m": [2.0]}]]
    got = [[{"w": [3.0], "m": [-5.0]}, {"w": [6.0], "m": [-7.0]}]]
    scaled = [[{"w": [3.0], "m": [0.0]}, {"w": [6.0], "m": [0.0]}]]
    result = attribute(
        cases=cases,
        indexes=[0],
        traces=got,
        errors=[None],
        reference=reference,
        candidates=[candidate("velocity", scaled, kind="convention", compare=("w",))],
        quantities=["w", "m"],
        rtol=1e-7,
        atol=1e-10,
    )
    assert [(d["mistake"], d["kind"]) for d in result.diagnoses] == [("velocity", "convention")]


def test_what_is_left_unexplained_has_a_signature_shared_by_the_same_shape():
    one = [trace(1.0, 2.0, 3.5, 4.0), REFERENCE[1], REFERENCE[2]]
    other = [trace(1.0, 2.0, 3.6, 4.0), REFERENCE[1], REFERENCE[2]]
    far = [trace(1.0, 2.0, 3.0, 40.0), REFERENCE[1], REFERENCE[2]]
    first, second, third = run(one, []), run(other, []), run(far, [])
    assert first.unexplained[0]["step"] == 3 and first.unexplained[0]["quantity"] == "w"
    assert first.signature == second.signature != third.signature
    assert signature([]) is None


def test_relative_errors_are_reported_per_case_and_non_finite_as_none():
    broken = [trace(1.0, 2.0, math.nan, math.nan), REFERENCE[1], trace(1.0, 1.0, 1.0, 1.5)]
    result = run(broken, [])
    assert result.relative_errors[0] is None
    assert result.relative_errors[1] == 0.0
    assert result.relative_errors[2] == 0.5


def test_the_fewest_names_are_chosen_over_all_cases_together():
    # The third case alone fits a convention, but the two mistakes that explain the other
    # cases explain it too: naming the convention as well would be one name too many.
    a = [trace(0.0, 2.0, 3.0, 4.0), REFERENCE[1], trace(0.0, 1.0, 1.0, 1.0)]
    b = [trace(1.0, 2.0, 3.0, 9.0), trace(5.0, 6.0, 7.0, 9.0), trace(1.0, 1.0, 1.0, 2.0)]
    both = [trace(0.0, 2.0, 3.0, 9.0), b[1], trace(0.0, 1.0, 1.0, 2.0)]
    convention = [REFERENCE[0], REFERENCE[1], both[2]]
    found = named(
        run(
            both,
            [
                candidate("a", a),
                candidate("b", b),
                candidate("shifted", convention, kind="convention", compare=("w",)),
            ],
        )
    )
    assert set(found) == {"a", "b"}


def test_a_mistake_that_is_a_special_case_of_another_named_one_is_not_named_twice():
    special = [trace(0.0, 2.0, 3.0, 4.0), REFERENCE[1], REFERENCE[2]]
    general = [special[0], trace(9.0, 6.0, 7.0, 8.0), REFERENCE[2]]
    other = [trace(1.0, 2.0, 3.0, 9.0), REFERENCE[1], REFERENCE[2]]
    got = [trace(0.0, 2.0, 3.0, 9.0), general[1], REFERENCE[2]]
    candidates = [
        candidate("special", special),
        candidate("general", general),
        candidate("other", other),
    ]
    found = named(run(got, candidates))
    assert set(found) == {"general", "other"}
    assert {item["case"] for item in found["general"]["explains"]} == {"first", "second"}
