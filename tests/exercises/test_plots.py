"""Server-side SVG plots of a graded case.

The two results under data/ were produced by `python -m grader check ... --json --plots`
(a wrong AdamW that adds the decay to the gradient, a cosine schedule without a clamp),
trimmed to a few steps.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exercises.plots import case_plots, error_svg, lr_svg, path_svg, result_plots
from exercises.results import result_for_student

DATA = Path(__file__).parent / "data"


@pytest.fixture
def adamw_result() -> dict:
    return json.loads((DATA / "adamw_coupled_l2_result.json").read_text())


@pytest.fixture
def schedule_result() -> dict:
    return json.loads((DATA / "warmup_cosine_no_clamp_result.json").read_text())


def parse(svg: str) -> ElementTree.Element:
    """Every plot is well-formed XML (so an unescaped label would break it)."""
    return ElementTree.fromstring(svg)


SVG = "{http://www.w3.org/2000/svg}"


def test_optimizer_cases_get_a_path_and_an_error_plot(adamw_result):
    shown = result_plots(result_for_student(adamw_result), prefix="t")

    assert [case.name for case in shown] == ["two-speed valley", "rosenbrock"]
    for case in shown:
        assert [plot.kind for plot in case.plots] == ["path", "error"]
        for plot in case.plots:
            root = parse(plot.svg)
            assert root.get("role") == "img"
            assert root.find(f"{SVG}title").text


def test_the_path_plot_draws_both_paths_over_contours(adamw_result):
    case = adamw_result["cases"][0]
    svg = case_plots(case, prefix="t")[0].svg
    root = parse(svg)

    polylines = root.findall(f".//{SVG}polyline")
    dashed = [p for p in polylines if p.get("stroke-dasharray")]
    solid = [p for p in polylines if not p.get("stroke-dasharray")]
    assert dashed and solid  # the reference (dashed) and the student's path
    # The student's path starts at w0 and has one point per traced step.
    assert len(solid[0].get("points").split()) == 1 + len(case["plot"]["got"])
    contours = root.find(f".//{SVG}g[@class='plot-contours']")
    assert contours is not None and len(contours.findall(f"{SVG}path")) >= 5
    assert "<title>start</title>" in svg
    assert "first divergence, step 1" in svg


def test_the_minimum_is_marked_when_the_path_comes_near_it():
    svg = path_svg(
        surface={"kind": "valley", "curvatures": [100.0, 1.0]},
        w0=[1.0, 1.0],
        reference=[[0.5, 0.5], [0.1, 0.1]],
        got=[[0.5, 0.5], [0.2, 0.1]],
        diverged_at=2,
        ident="m",
    )
    assert "<title>minimum</title>" in svg


def test_rosenbrock_contours_come_from_the_harness_formula(adamw_result):
    svg = case_plots(adamw_result["cases"][1], prefix="r")[0].svg
    assert "Rosenbrock" in svg
    assert len(re.findall(r"<path d=", svg)) >= 5


def test_the_error_plot_is_logarithmic_and_marks_the_first_divergence(adamw_result):
    svg = case_plots(adamw_result["cases"][0], prefix="t")[1].svg
    assert "10⁻" in svg or "10¹" in svg
    assert "first divergence (step 1)" in svg


def test_schedule_cases_get_learning_rate_curves(schedule_result):
    shown = result_plots(schedule_result, prefix="s")

    assert len(shown) == 1  # the hidden case has no plot
    assert [plot.kind for plot in shown[0].plots] == ["lr", "error"]
    lr = parse(shown[0].plots[0].svg)
    assert len(lr.findall(f".//{SVG}polyline")) == 2
    assert "first divergence (step 11)" in shown[0].plots[0].svg


def test_exact_agreement_sits_on_a_zero_floor():
    svg = error_svg(errors=[0.0, 0.0, 1e-5, 2e-4], diverged_at=3, ident="z")
    parse(svg)
    assert ">0</text>" in svg


def test_an_all_zero_error_says_identical():
    svg = error_svg(errors=[0.0] * 5, diverged_at=None, ident="z")
    assert "identical to the reference" in svg


def test_non_finite_steps_are_marked_not_plotted():
    svg = error_svg(errors=[1e-3, None, None], diverged_at=1, ident="n")
    parse(svg)
    assert "not a finite number" in svg and "not finite" in svg


def test_hidden_cases_never_get_plots_even_if_data_slipped_in(adamw_result):
    result = copy.deepcopy(adamw_result)
    result["cases"][2]["plot"] = result["cases"][0]["plot"]  # the hidden one

    assert [case.name for case in result_plots(result)] == ["two-speed valley", "rosenbrock"]


def test_labels_are_escaped(adamw_result):
    result = copy.deepcopy(adamw_result)
    case = result["cases"][0]
    case["plot"]["quantities"] = ["w", "<script>alert(1)</script>"]
    for step in case["plot"]["reference"] + case["plot"]["got"]:
        step["<script>alert(1)</script>"] = [0.0]
    evil = "<img src=x onerror=alert(1)>"

    shown = result_plots(result, prefix=evil)

    for plot in shown[0].plots:
        assert "<script" not in plot.svg and "<img" not in plot.svg
        parse(plot.svg)


def test_a_surface_spec_with_markup_is_escaped_in_the_description():
    svg = path_svg(
        surface={"kind": "valley", "curvatures": [100.0, 1.0]},
        w0=[1.0, 1.0],
        reference=[[0.5, 0.9], [0.2, 0.8]],
        got=[[0.5, 0.9], [0.3, 0.8]],
        diverged_at=2,
        ident='"><script>',
    )
    assert "<script>" not in svg
    parse(svg)


@pytest.mark.parametrize(
    "surface, w0",
    [
        ({"kind": "quadratic", "dim": 6, "seed": 1, "condition": 10.0}, [0.0] * 6),
        ({"kind": "valley", "curvatures": [1.0, 2.0, 3.0]}, [1.0, 1.0, 1.0]),
        ({"kind": "unknown"}, [1.0, 1.0]),
    ],
)
def test_no_path_plot_when_the_weights_are_not_on_a_plane(surface, w0):
    assert (
        path_svg(surface=surface, w0=w0, reference=[w0], got=[w0], diverged_at=None, ident="x")
        is None
    )


def test_a_two_dimensional_quadratic_is_drawn():
    svg = path_svg(
        surface={"kind": "quadratic", "dim": 2, "seed": 4, "condition": 10.0},
        w0=[1.0, -1.0],
        reference=[[0.8, -0.7], [0.6, -0.5]],
        got=[[0.8, -0.7], [0.5, -0.6]],
        diverged_at=2,
        ident="q",
    )
    assert svg is not None
    assert len(parse(svg).findall(f".//{SVG}polyline")) == 2


def test_a_diverging_student_path_is_clipped_not_scaled(adamw_result):
    case = copy.deepcopy(adamw_result["cases"][0])
    for n, step in enumerate(case["plot"]["got"]):
        step["w"] = [10.0**n, 1.0]
    svg = case_plots(case, prefix="far")[0].svg
    assert 'clip-path="url(#far-path-clip)"' in svg
    parse(svg)


def test_broken_plot_data_is_skipped_quietly(adamw_result):
    result = copy.deepcopy(adamw_result)
    result["cases"][0]["plot"] = {"quantities": "w", "reference": 3, "got": None, "case": 7}
    shown = result_plots(result)
    assert [case.name for case in shown] == ["rosenbrock"]


def test_learning_rate_curve_handles_a_student_curve_far_above_the_reference():
    svg = lr_svg(reference=[0.1, 0.05, 0.01], got=[0.1, 5.0, None], diverged_at=2, ident="lr")
    parse(svg)
    assert svg.count("<polyline") >= 2
