"""Attribution: which known mistakes explain a failing run, case by case and step by step.

A failing program is compared with candidate explanations, each a trace on
the same concrete cases: every known mistake, every declared convention (the
reference run on transformed inputs or shifted steps, compared on its own
quantities) and every pair of mistakes that combine into one program
(`_compose`, computed only when single explanations leave a case unexplained).

Closeness is relative. Each value's error is measured against the size of the
quantity in the reference, and a candidate explains a case when the program is
within MATCH of it, or very much closer to it than to the reference (RATIO): a
program that makes a known mistake with small harmless differences elsewhere is
still that mistake. Where no candidate explains a whole case, the steps that
left the reference are explained one by one (a schedule with one fault in its
warmup and another in its decay); a case is only explained when every step that
left the reference is. Across cases, the fewest mistakes that explain every
explained case are named, and a mistake is never named when a case the program
passes would have shown it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

MATCH = 1e-6  # relative error within which two traces are the same program
MATCH_ATOL = 1e-9  # ... and the absolute floor, where whole traces are compared value by value
RATIO = 0.01  # "much closer": at most this fraction of the distance to the reference
LOOSE = 1e-3  # ... and never further than this from the candidate, relatively
SCALE_FLOOR = 1e-3  # errors near zero are measured against this fraction of the quantity's size


@dataclass(frozen=True)
class Candidate:
    """A known explanation's traces: one per prepared case (None when it has none)."""

    key: str
    atoms: tuple[str, ...]  # the mistakes (or convention) it stands for
    kind: str  # "mistake" | "convention"
    traces: list
    errors: list
    compare: tuple[str, ...] | None = None  # None: every traced quantity


@dataclass
class Explanation:
    """One way to explain one failing case."""

    atoms: frozenset
    kind: str
    steps: tuple[int, int]
    quantities: tuple[str, ...]
    distance: float
    confidence: float
    compared: int  # how many quantities were compared (more is stronger evidence)
    exact: bool = False  # within MATCH everywhere, not merely much closer than the reference
    # Where each mistake shows, when they share a case step by step: atom -> (steps, quantities).
    spans: dict = field(default_factory=dict)


@dataclass
class Attribution:
    diagnoses: list[dict] = field(default_factory=list)
    unexplained: list[dict] = field(default_factory=list)
    signature: str | None = None
    # Per case graded: its largest relative error (None: not finite or nothing to compare).
    relative_errors: list = field(default_factory=list)


# -- measuring ----------------------------------------------------------------------
def _arrays(trace: list, quantities: list[str]) -> dict[str, np.ndarray | None]:
    """Per quantity, the trace as a (steps, values) array; None records become NaN rows."""
    found = {}
    for quantity in quantities:
        rows = [record[quantity] if record is not None else None for record in trace]
        width = max((len(row) for row in rows if row), default=0)
        if width == 0 or any(row is not None and len(row) not in (0, width) for row in rows):
            found[quantity] = None
            continue
        array = np.full((len(rows), width), np.nan)
        for position, row in enumerate(rows):
            if row:
                array[position] = row
        found[quantity] = array
    return found


def _missing(trace: list, steps: int) -> np.ndarray:
    """Steps a candidate has no record for (shifted conventions at the edges).

    Steps past the end of a trace that stopped early are not missing: they differ.
    """
    missing = np.zeros(max(steps, len(trace)), dtype=bool)
    missing[: len(trace)] = [record is None for record in trace]
    return missing


def step_errors(
    got: dict, want: dict, scales: dict, quantities: list[str], steps: int
) -> np.ndarray:
    """Per step, the largest relative error of `got` against `want` over `quantities`."""
    worst = np.zeros(steps)
    for quantity in quantities:
        a, b = got.get(quantity), want.get(quantity)
        if a is None or b is None or a.shape[1] != b.shape[1]:
            return np.full(steps, np.inf)
        a, b = a[:steps], b[:steps]
        with np.errstate(invalid="ignore", over="ignore"):
            both_finite = np.isfinite(a) & np.isfinite(b)
            same_special = ~both_finite & ((a == b) | (np.isnan(a) & np.isnan(b)))
            error = np.abs(a - b) / (np.abs(b) + scales[quantity])
        error = np.where(both_finite, error, np.where(same_special, 0.0, np.inf))
        worst = np.maximum(worst, error.max(axis=1) if error.shape[1] else 0.0)
    return worst


def _scales(reference: dict, quantities: list[str], atol: float) -> dict[str, float]:
    scales = {}
    for quantity in quantities:
        values = reference.get(quantity)
        finite = values[np.isfinite(values)] if values is not None else np.array([])
        size = float(np.abs(finite).max()) if finite.size else 0.0
        scales[quantity] = SCALE_FLOOR * size + atol + 1e-300
    return scales


def _diverging(got: dict, want: dict, quantities: list[str], steps: int, rtol, atol):
    """Per step: does it leave the reference beyond the exercise's tolerance; and where."""
    leaving = np.zeros(steps, dtype=bool)
    where: list[set] = [set() for _ in range(steps)]
    for quantity in quantities:
        a, b = got.get(quantity), want.get(quantity)
        if a is None or b is None or a.shape[1] != b.shape[1]:
            leaving[:] = True
            for item in where:
                item.add(quantity)
            continue
        a, b = a[:steps], b[:steps]
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.abs(a - b) <= atol + rtol * np.abs(b)
            close |= (a == b) | (np.isnan(a) & np.isnan(b))
        off = ~close.all(axis=1) if close.shape[1] else np.zeros(steps, dtype=bool)
        leaving |= off
        for step in np.flatnonzero(off):
            where[step].add(quantity)
    return leaving, where


# -- per case -----------------------------------------------------------------------
@dataclass
class _Case:
    position: int
    index: int
    name: str
    hidden: bool
    steps: int
    quantities: list[str]
    got: dict
    reference: dict
    scales: dict
    to_reference: np.ndarray  # per step relative error against the reference
    leaving: np.ndarray
    where: list
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def relative_error(self) -> float:
        return float(self.to_reference.max()) if self.steps else math.inf

    @property
    def first_step(self) -> int | None:
        hits = np.flatnonzero(self.leaving)
        return int(hits[0]) + 1 if hits.size else None


def _case_view(position, index, case, trace, reference, quantities, rtol, atol):
    """The program's trace on one case, ready to compare; None when nothing can be."""
    if trace is None or reference is None:
        return None
    steps = len(reference)
    usable = [q for q in quantities if trace and all(record.get(q) for record in trace if record)]
    if not usable:
        return None
    got = _arrays(trace, usable)
    want = _arrays(reference, usable)
    if len(trace) < steps:  # ended early (non-finite values): the missing steps left
        got = {q: None if a is None else _pad(a, steps) for q, a in got.items()}
    scales = _scales(want, usable, atol)
    to_reference = step_errors(got, want, scales, usable, steps)
    leaving, where = _diverging(got, want, usable, steps, rtol, atol)
    return _Case(
        position, index, case["name"], bool(case.get("hidden")), steps, usable,
        got, want, scales, to_reference, leaving, where,
    )  # fmt: skip


def _pad(array: np.ndarray, steps: int) -> np.ndarray:
    padded = np.full((steps, array.shape[1]), np.nan)
    padded[: len(array)] = array[:steps]
    return padded


def _explain_whole(view: _Case, candidate: Candidate, theirs: dict, missing) -> Explanation | None:
    compare = [q for q in view.quantities if candidate.compare is None or q in candidate.compare]
    if not compare:
        return None
    if candidate.compare is not None and not (
        set().union(*[view.where[s] for s in np.flatnonzero(view.leaving)]) & set(compare)
    ):
        return None
    distance_steps = step_errors(view.got, theirs, view.scales, compare, view.steps)
    to_reference = step_errors(view.got, view.reference, view.scales, compare, view.steps)
    if missing is not None and missing.any():
        distance_steps = np.where(missing[: view.steps], 0.0, distance_steps)
        to_reference = np.where(missing[: view.steps], 0.0, to_reference)
    distance = float(distance_steps.max())
    reference_distance = float(to_reference.max())
    if not _close_enough(distance, reference_distance):
        return None
    leaving = np.flatnonzero(view.leaving)
    return Explanation(
        atoms=frozenset(candidate.atoms),
        kind=candidate.kind,
        steps=(int(leaving[0]) + 1, int(leaving[-1]) + 1),
        quantities=tuple(sorted(set().union(*[view.where[s] for s in leaving]))),
        distance=distance,
        confidence=_confidence(distance, reference_distance),
        compared=len(compare),
        exact=distance <= MATCH,
    )


def _close_enough(distance: float, reference_distance: float) -> bool:
    if not math.isfinite(distance) or reference_distance <= 0:
        return False
    return distance <= MATCH or (distance <= RATIO * reference_distance and distance <= LOOSE)


def _confidence(distance: float, reference_distance: float) -> float:
    if distance <= MATCH:
        return 1.0
    if not math.isfinite(reference_distance):
        return 0.99
    return round(max(0.0, 1.0 - distance / reference_distance), 4)


def _explain_by_steps(view: _Case, candidates: list, theirs_by_key: dict) -> Explanation | None:
    """Every step that left the reference explained by some candidate, fewest mistakes first."""
    leaving = [int(s) for s in np.flatnonzero(view.leaving)]
    explains: dict[str, set[int]] = {}
    closeness: dict[str, float] = {}
    exactly: dict[str, bool] = {}
    for candidate in candidates:
        if candidate.compare is not None:
            continue  # a convention is a whole-program statement, not one step's
        theirs, missing = theirs_by_key[candidate.key]
        errors = step_errors(view.got, theirs, view.scales, view.quantities, view.steps)
        hit = {
            s
            for s in leaving
            if not (missing is not None and missing[s])
            and (errors[s] <= MATCH or errors[s] <= RATIO * view.to_reference[s])
            and errors[s] <= LOOSE
        }
        if hit:
            explains[candidate.key] = hit
            exactly[candidate.key] = all(errors[s] <= MATCH for s in hit)
            closeness[candidate.key] = max(
                float(errors[s] / view.to_reference[s]) if view.to_reference[s] > 0 else 0.0
                for s in hit
            )
    todo, chosen, assigned = set(leaving), [], {}
    by_key = {c.key: c for c in candidates}
    while todo:
        so_far = {atom for key in chosen for atom in by_key[key].atoms}
        best = max(
            sorted(explains),
            key=lambda key: (
                len(explains[key] & todo),
                -len(set(by_key[key].atoms) - so_far),
                -len(by_key[key].atoms),
            ),
            default=None,
        )
        if best is None or not explains[best] & todo:
            return None
        chosen.append(best)
        assigned[best] = explains[best] & todo
        todo -= explains[best]
    if len(chosen) < 2:
        return None  # one candidate for every step, but not for the whole case: no match
    atoms = frozenset(a for key in chosen for a in by_key[key].atoms)
    ratio = max(closeness[key] for key in chosen)
    spans = {}
    for key in chosen:
        steps = sorted(assigned[key])
        where = sorted(set().union(*[view.where[s] for s in steps]))
        for atom in by_key[key].atoms:
            spans[atom] = ((steps[0] + 1, steps[-1] + 1), tuple(where))
    return Explanation(
        atoms=atoms,
        kind="mistake",
        steps=(leaving[0] + 1, leaving[-1] + 1),
        quantities=tuple(sorted(set().union(*[view.where[s] for s in leaving]))),
        distance=ratio,
        confidence=round(max(0.0, 1.0 - ratio), 4),
        compared=len(view.quantities),
        spans=spans,
        exact=all(exactly[key] for key in chosen),
    )


# -- across cases -------------------------------------------------------------------
def attribute(
    *,
    cases: list[dict],
    indexes: list[int],
    traces: list,
    errors: list,
    reference: list,
    candidates: list[Candidate],
    quantities: list[str],
    rtol: float,
    atol: float,
    pairs=None,
    memo: dict | None = None,
) -> Attribution:
    """Explain a failing run. `pairs()` gives the pair candidates when they are needed.

    `memo` keeps the candidates' traces as arrays between runs of the same prepared
    cases: they are the same for every program graded.
    """
    views: list[_Case] = []
    passing: list[_Case] = []
    raw: list[dict] = []  # cases with nothing to compare
    for position, index in enumerate(indexes):
        view = _case_view(
            position, index, cases[index], traces[position], reference[index], quantities,
            rtol, atol,
        )  # fmt: skip
        if view is None:
            raw.append(cases[index])
            continue
        if view.leaving.any() or errors[position]:
            views.append(view)
        else:
            passing.append(view)
    cache: dict = memo if memo is not None else {}
    consistent = _consistent(candidates, passing, cache, rtol, atol)
    usable = [c for c in candidates if consistent(c)]
    _explain(views, usable, cache)
    # Two mistakes in one program: asked for when one mistake does not explain a case
    # exactly (what is left over may be a second mistake, not a harmless difference), or
    # when several are named (a pair may name fewer, or the right ones).
    inexact = [v for v in views if v.leaving.any() and not any(e.exact for e in v.explanations)]
    several = len({atom for v in views for e in v.explanations[:1] for atom in e.atoms}) > 1
    if pairs is not None and (inexact or several):
        _explain(views, [c for c in pairs() if consistent(c)], cache)
    chosen = _choose(views)
    named = {atom for explanation in chosen.values() for atom in explanation.atoms}
    absorbed = (
        _special_cases(named, candidates, reference, indexes, quantities) if len(named) > 1 else {}
    )
    attribution = _assemble(views, raw, chosen, absorbed)
    attribution.relative_errors = [None] * len(indexes)
    for view in views + passing:
        attribution.relative_errors[view.position] = _finite_or_none(view.relative_error)
    return attribution


def _theirs(candidate: Candidate, view: _Case, cache: dict):
    key = (candidate.key, view.index, tuple(view.quantities))
    if key not in cache:
        trace = candidate.traces[view.index] if candidate.traces else None
        if not trace:
            cache[key] = None
        else:
            arrays = _arrays(trace, view.quantities)
            if len(trace) < view.steps:
                arrays = {q: None if a is None else _pad(a, view.steps) for q, a in arrays.items()}
            cache[key] = (arrays, _missing(trace, view.steps))
    return cache[key]


def _consistent(candidates, passing: list[_Case], cache, rtol, atol):
    """A candidate is out when a case the program passes would have shown its mistake."""

    def check(candidate: Candidate) -> bool:
        for view in passing:
            theirs = _theirs(candidate, view, cache)
            if theirs is None:
                return False
            arrays, missing = theirs
            compare = [
                q for q in view.quantities if candidate.compare is None or q in candidate.compare
            ]
            leaving, _ = _diverging(arrays, view.reference, compare, view.steps, rtol, atol)
            if (leaving & ~missing[: view.steps]).any():
                return False
        return True

    return check


def _explain(views: list[_Case], candidates: list[Candidate], cache: dict) -> None:
    for view in views:
        if not view.leaving.any():
            continue  # raised without leaving the reference: nothing to attribute
        theirs_by_key = {}
        for candidate in candidates:
            theirs = _theirs(candidate, view, cache)
            if theirs is None:
                continue
            theirs_by_key[candidate.key] = theirs
            found = _explain_whole(view, candidate, *theirs)
            if found is not None:
                view.explanations.append(found)
        # Also beside an exact explanation: two mistakes may fit where one convention does.
        stepwise = _explain_by_steps(
            view, [c for c in candidates if c.key in theirs_by_key], theirs_by_key
        )
        if stepwise is not None:
            view.explanations.append(stepwise)


SEARCH_BUDGET = 20_000  # choices tried before the best found so far is kept


def _options(view: _Case) -> list[Explanation]:
    """A case's ways to be explained: exact ones when there are any, one per set of mistakes."""
    exact = [e for e in view.explanations if e.exact]
    best: dict[frozenset, Explanation] = {}
    for explanation in exact or view.explanations:
        kept = best.get(explanation.atoms)
        if kept is None or (-explanation.compared, explanation.distance) < (
            -kept.compared,
            kept.distance,
        ):
            best[explanation.atoms] = explanation
    return sorted(best.values(), key=lambda e: (len(e.atoms), -e.compared, e.distance))


def _choose(views: list[_Case]) -> dict[int, Explanation]:
    """One explanation per case, naming as few mistakes as possible over all cases together.

    Fewest names first, then fewest conventions (a convention is a weaker statement
    than a mistake that matches every quantity), then the closest fit.
    """
    explained = [v for v in views if v.explanations]
    options = {v.position: _options(v) for v in explained}
    order = sorted(explained, key=lambda v: len(options[v.position]))
    best: dict = {"cost": None, "choice": {}}
    budget = [SEARCH_BUDGET]

    def cost(named: frozenset, choice: dict) -> tuple:
        conventions = {a for e in choice.values() if e.kind == "convention" for a in e.atoms}
        return (len(named), len(conventions), sum(e.distance for e in choice.values()))

    def search(depth: int, named: frozenset, choice: dict) -> None:
        budget[0] -= 1
        if best["cost"] is not None and len(named) > best["cost"][0]:
            return
        if depth == len(order):
            found = cost(named, choice)
            if best["cost"] is None or found < best["cost"]:
                best["cost"], best["choice"] = found, dict(choice)
            return
        view = order[depth]
        for explanation in options[view.position]:
            if budget[0] <= 0 and best["cost"] is not None:
                return
            choice[view.position] = explanation
            search(depth + 1, named | explanation.atoms, choice)
            del choice[view.position]

    search(0, frozenset(), {})
    return best["choice"]


def _special_cases(named, candidates, reference, indexes, quantities) -> dict[str, str]:
    """Named mistakes that are special cases of another named one: {special: general}.

    B is a special case of A when, on every case graded, wherever B's trace leaves
    the reference A's trace is B's (counting every dtype as 4 bytes includes counting
    bfloat16 as 4 bytes): naming both would name one fault twice.
    """
    singles = {c.atoms[0]: c for c in candidates if len(c.atoms) == 1 and c.atoms[0] in named}
    absorbed: dict[str, str] = {}
    for special, narrow in singles.items():
        for general, wide in singles.items():
            if general == special or general in absorbed or narrow.kind != wide.kind:
                continue
            if _covers(wide, narrow, reference, indexes, quantities):
                absorbed[special] = general
                break
    return absorbed


def _covers(wide: Candidate, narrow: Candidate, reference, indexes, quantities) -> bool:
    """Wherever `narrow` leaves the reference, `wide` does the same thing."""

    def same(u: float, v: float) -> bool:
        if not (math.isfinite(u) and math.isfinite(v)):
            return u == v or (math.isnan(u) and math.isnan(v))
        return abs(u - v) <= MATCH * (abs(v) + 1e-12)

    for index in indexes:
        a, b, r = wide.traces[index], narrow.traces[index], reference[index]
        if not a or not b or len(a) != len(b) or len(b) > len(r):
            return False
        for first, second, want in zip(a, b, r, strict=False):
            if first is None or second is None:
                return False
            for quantity in quantities:
                x, y, z = first.get(quantity), second.get(quantity), want.get(quantity)
                if x is None or y is None or z is None or not len(x) == len(y) == len(z):
                    return False
                for u, v, w in zip(x, y, z, strict=True):
                    if not same(v, w) and not same(u, v):
                        return False
    return True


def _assemble(views: list[_Case], raw: list, chosen: dict, absorbed: dict) -> Attribution:
    by_atom: dict[str, dict] = {}
    for view in views:
        explanation = chosen.get(view.position)
        if explanation is None:
            continue
        atoms = {absorbed.get(atom, atom) for atom in explanation.atoms}
        for atom in sorted(atoms):
            entry = by_atom.setdefault(
                atom, {"kind": explanation.kind, "confidence": 1.0, "explains": []}
            )
            entry["confidence"] = min(entry["confidence"], explanation.confidence)
            if explanation.kind == "convention":
                entry["kind"] = "convention"
            original = next(
                (
                    a
                    for a in explanation.atoms
                    if absorbed.get(a, a) == atom and a in explanation.spans
                ),
                atom,
            )
            steps, quantities = explanation.spans.get(
                original, (explanation.steps, explanation.quantities)
            )
            entry["explains"].append(
                {
                    "case": view.name,
                    "hidden": view.hidden,
                    "steps": list(steps),
                    "quantities": list(quantities),
                    "with": sorted(atoms - {atom}),
                }
            )
    unexplained = [
        {
            "case": view.name,
            "hidden": view.hidden,
            "step": view.first_step,
            "quantity": _first_quantity(view),
            "relative_error": _finite_or_none(view.relative_error),
        }
        for view in views
        if view.position not in chosen and view.leaving.any()
    ]
    # Cases with nothing to compare (the program raised before its first record).
    unexplained += [
        {
            "case": case["name"],
            "hidden": bool(case.get("hidden")),
            "step": None,
            "quantity": None,
            "relative_error": None,
        }
        for case in raw
    ]
    diagnoses = [{"mistake": atom, **entry} for atom, entry in by_atom.items()]
    return Attribution(diagnoses, unexplained, signature(unexplained))


def _first_quantity(view: _Case) -> str | None:
    step = view.first_step
    if step is None:
        return None
    return sorted(view.where[step - 1])[0] if view.where[step - 1] else None


def _finite_or_none(value: float) -> float | None:
    return float(f"{value:.3g}") if math.isfinite(value) else None


def signature(unexplained: list[dict]) -> str | None:
    """The shape of what is left unexplained: which cases, quantities, when and how much.

    Steps fall in doubling buckets (1, 2, 3-4, 5-8, ...) and errors in decades, so
    programs with the same fault share a signature although their values differ.
    """
    if not unexplained:
        return None
    shape = sorted(
        (
            item["case"],
            item["quantity"] or "",
            (item["step"] or 0).bit_length() if item["step"] else -1,
            None
            if item["hidden"] or item["relative_error"] is None
            else math.floor(math.log10(max(item["relative_error"], 1e-300))),
        )
        for item in unexplained
    )
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]
