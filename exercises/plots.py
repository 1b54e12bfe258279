"""Server-side SVG plots of a graded case: the path on the loss surface, the error per
step against the reference, and learning-rate curves.

Input is the `plot` the grader attaches to each visible case: `quantities`,
`reference` and `got` (one dict per step, quantity -> list of floats), `step_error`
and `case` (the concrete inputs, with `surface` and `w0`). Hidden cases never carry one.

No JavaScript. Every piece of text that reaches the SVG goes through `escape`, and
every number is formatted by this module, so the markup is safe to inline.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 400, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 70, 14, 44
FONT_SIZE = 13
LEGEND_TOP, LEGEND_ROW = 18, 18  # the legend wraps into rows above the plotting area
CHAR_WIDTH = 7.0  # a rough average advance at FONT_SIZE, for laying out the legend
GRID = 80
MAX_POINTS = 400  # longer traces are thinned for drawing; errors keep their maximum

INK = "#1d2430"
MUTED = "#5b6577"
LINE = "#d8dde5"
REFERENCE = "#1d2430"
STUDENT = "#d9480f"
DIVERGENCE = "#b3261e"
CONTOUR_LOW = (31, 95, 191)
CONTOUR_HIGH = (184, 201, 226)

# Surfaces whose weights can be drawn as a path on the plane.
PLANAR_SURFACES = ("valley", "rosenbrock", "quadratic")


@dataclass(frozen=True)
class Plot:
    kind: str  # "path" | "error" | "lr"
    title: str
    svg: SafeString


@dataclass(frozen=True)
class CasePlots:
    index: int
    name: str
    passed: bool
    plots: list[Plot]


def result_plots(result: dict[str, Any] | None, *, prefix: str = "plot") -> list[CasePlots]:
    """Plots for every visible case of a (student-shaped) result that carries plot data.

    A case whose data cannot be drawn is skipped and logged; a broken plot never
    breaks the result page.
    """
    shown: list[CasePlots] = []
    for index, case in enumerate((result or {}).get("cases") or []):
        if not isinstance(case, dict) or case.get("hidden") or not case.get("plot"):
            continue
        try:
            plots = case_plots(case, prefix=f"{prefix}-{index}")
        except Exception:  # noqa: BLE001 - a plot is an extra, never a reason to fail the page
            logger.exception("could not draw the plots of case %s", index)
            continue
        if plots:
            shown.append(
                CasePlots(
                    index=index,
                    name=str(case.get("name") or f"case {index + 1}"),
                    passed=bool(case.get("passed")),
                    plots=plots,
                )
            )
    return shown


def case_plots(case: dict[str, Any], *, prefix: str) -> list[Plot]:
    """The plots that fit one visible case: path (2-D surfaces), error, learning rate."""
    data = case["plot"]
    quantities = [str(q) for q in data.get("quantities") or []]
    reference = _steps(data.get("reference"))
    got = _steps(data.get("got"))
    divergence = case.get("divergence") or {}
    diverged_at = divergence.get("step") if isinstance(divergence.get("step"), int) else None
    plots: list[Plot] = []
    inputs = data.get("case") or {}
    if "w" in quantities and isinstance(inputs.get("surface"), dict):
        svg = path_svg(
            surface=inputs["surface"],
            w0=inputs.get("w0"),
            reference=_series(reference, "w"),
            got=_series(got, "w"),
            diverged_at=diverged_at,
            ident=f"{prefix}-path",
        )
        if svg is not None:
            plots.append(Plot("path", "Your path and the reference on the loss surface", svg))
    if "lr" in quantities:
        plots.append(
            Plot(
                "lr",
                "Learning rate per step",
                lr_svg(
                    reference=[_first(v) for v in _series(reference, "lr")],
                    got=[_first(v) for v in _series(got, "lr")],
                    diverged_at=diverged_at,
                    ident=f"{prefix}-lr",
                ),
            )
        )
    errors = data.get("step_error")
    if isinstance(errors, list) and errors:
        plots.append(
            Plot(
                "error",
                "Distance from the reference per step",
                error_svg(errors=errors, diverged_at=diverged_at, ident=f"{prefix}-error"),
            )
        )
    return plots


# -- the three plots -------------------------------------------------------------------


def path_svg(
    *,
    surface: dict[str, Any],
    w0: Sequence[float] | None,
    reference: list[list[float] | None],
    got: list[list[float] | None],
    diverged_at: int | None,
    ident: str,
) -> SafeString | None:
    """The student's and the reference's weights over the loss contours, for 2-D weights.

    Returns None when the case is not a 2-D surface. The view is fitted to the
    reference path; a student path that runs far off is clipped at the frame.
    """
    ident = _safe_id(ident)
    if surface.get("kind") not in PLANAR_SURFACES:
        return None
    start = _point(w0)
    ref_path = [p for p in (_point(v) for v in reference) if p is not None]
    own_path = [_point(v) for v in got]
    if start is None or not ref_path:
        return None
    if surface.get("kind") == "quadratic" and int(surface.get("dim", 0)) != 2:
        return None

    from grader.harness import surfaces  # pure numpy; imported when first needed

    try:
        loss_surface = surfaces.build(surface)
    except (KeyError, TypeError, ValueError):
        return None
    optimum = _optimum(loss_surface)
    box = _Box.around([start, *ref_path])
    # The minimum is shown when it is near the paths; a short path far from it would
    # otherwise shrink to a few pixels.
    if optimum is not None and box.near(optimum):
        box = _Box.around([start, *ref_path, optimum])
    elif optimum is not None:
        optimum = None
    # Let the student's path widen the view a little, never so much that the
    # reference shrinks to a dot.
    own_finite = [p for p in own_path if p is not None]
    if own_finite:
        box = box.grown_towards(own_finite, limit=1.5)
    box = box.padded(0.08)

    legend = [("line", REFERENCE, "6 4", "reference"), ("line", STUDENT, "", "your path")]
    legend.append(("start", INK, "", "start"))
    if optimum is not None:
        legend.append(("star", INK, "", "minimum"))
    legend_svg, top = _legend(legend)
    frame = _Frame(box.x0, box.x1, box.y0, box.y1, top=top)
    parts = [_svg_open(ident, "Path on the loss surface", _path_description(surface))]
    parts.append(
        f'<clipPath id="{ident}-clip"><rect x="{frame.left}" y="{frame.top}" '
        f'width="{frame.inner_w}" height="{frame.inner_h}"/></clipPath>'
    )
    parts.append(_frame_background(frame))
    parts.append(f'<g clip-path="url(#{ident}-clip)">')
    parts.append(_contours_for(surface, frame))
    # The student's path goes underneath, wider, so the dashed reference stays visible
    # where the two agree.
    own_points = [start] + _until_gap(own_path)
    parts.append(_polyline(frame, own_points, STUDENT, width=3.5))
    parts.append(_dots(frame, own_points[1:], STUDENT, radius=2.8))
    parts.append(_polyline(frame, [start, *ref_path], REFERENCE, dash="6 4", width=1.6))
    if diverged_at is not None and 1 <= diverged_at < len(own_points):
        x, y = frame.px(own_points[diverged_at])
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="none" stroke="{DIVERGENCE}" '
            f'stroke-width="2"><title>first divergence, step {diverged_at}</title></circle>'
        )
    if optimum is not None:
        x, y = frame.px(optimum)
        parts.append(_star(x, y))
    x, y = frame.px(start)
    parts.append(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#fff" stroke="{INK}" '
        'stroke-width="2"><title>start</title></circle>'
    )
    parts.append("</g>")
    parts.append(_axes(frame, xlabel="w[0]", ylabel="w[1]", log_y=False))
    parts.append(legend_svg)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from escaped text and numbers


def error_svg(*, errors: Sequence[float | None], diverged_at: int | None, ident: str) -> SafeString:
    """The largest absolute error against the reference at every step, on a log scale.

    Exact agreement (error 0) sits on the floor of the plot; a step where the student's
    values were not finite is marked at the top.
    """
    ident = _safe_id(ident)
    values = [_finite(e) for e in errors]
    positive = [v for v in values if v is not None and v > 0]
    if positive:
        low = math.floor(math.log10(min(positive))) - 1
        high = math.ceil(math.log10(max(positive))) + 1
    else:
        low, high = -17, -1
    low = max(low, -20)
    high = max(high, low + 2)
    floor_value = 10.0**low

    steps = len(values)
    bad_steps = [step for step, value in enumerate(values, start=1) if value is None]
    legend = [("line", STUDENT, "", "largest error at the step")]
    if diverged_at is not None:
        legend.append(("line", DIVERGENCE, "3 3", f"first divergence (step {diverged_at})"))
    if bad_steps:
        legend.append(("cross", DIVERGENCE, "", "not finite"))
    legend_svg, top = _legend(legend)
    frame = _Frame(1, max(steps, 2), low, high, top=top)
    parts = [
        _svg_open(
            ident,
            "Distance from the reference per step",
            "The largest absolute difference between your values and the reference's at "
            "each step, on a logarithmic scale.",
        )
    ]
    parts.append(_frame_background(frame))
    if diverged_at is not None and 1 <= diverged_at <= steps:
        parts.append(_divergence_line(frame, diverged_at))
    points: list[tuple[float, float] | None] = []
    bad: list[int] = []
    for step, value in enumerate(values, start=1):
        if value is None:
            bad.append(step)
            points.append(None)
        else:
            points.append((step, math.log10(max(value, floor_value))))
    for run in _runs(points):
        parts.append(_polyline(frame, run, STUDENT, width=2))
        parts.append(_dots(frame, run, STUDENT, radius=2.2))
    for step in bad:
        x, y = frame.px((step, high))
        parts.append(
            f'<text x="{x:.1f}" y="{y + 12:.1f}" text-anchor="middle" fill="{DIVERGENCE}" '
            f'font-size="14" font-weight="700">×<title>step {step}: not a finite number'
            "</title></text>"
        )
    if not positive and not bad:
        parts.append(
            f'<text x="{frame.left + frame.inner_w / 2:.1f}" '
            f'y="{frame.top + frame.inner_h / 2:.1f}" text-anchor="middle" fill="{MUTED}">'
            "identical to the reference at every step</text>"
        )
    exact = any(v == 0 for v in values)
    parts.append(
        _axes(frame, xlabel="step", ylabel="|yours − reference|", log_y=True, zero_floor=exact)
    )
    parts.append(legend_svg)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from escaped text and numbers


def lr_svg(
    *,
    reference: Sequence[float | None],
    got: Sequence[float | None],
    diverged_at: int | None,
    ident: str,
) -> SafeString:
    """The student's and the reference's learning rate at every step."""
    ident = _safe_id(ident)
    ref = [_finite(v) for v in reference]
    own = [_finite(v) for v in got]
    finite = [v for v in ref if v is not None]
    own_finite = [v for v in own if v is not None]
    top = max(finite or [1.0])
    # The student's curve may stretch the view up to twice the reference's peak.
    if own_finite:
        top = max(top, min(max(own_finite), 2 * top if top > 0 else max(own_finite)))
    bottom = min(0.0, *(finite or [0.0]), *(own_finite or [0.0]))
    bottom = max(bottom, -top) if top > 0 else bottom
    if top <= bottom:
        top = bottom + 1.0
    steps = max(len(ref), len(own), 2)
    legend = [("line", REFERENCE, "6 4", "reference"), ("line", STUDENT, "", "yours")]
    if diverged_at is not None:
        legend.append(("line", DIVERGENCE, "3 3", f"first divergence (step {diverged_at})"))
    legend_svg, frame_top = _legend(legend)
    frame = _Frame(1, steps, bottom, top + 0.06 * (top - bottom), top=frame_top)
    parts = [
        _svg_open(
            ident,
            "Learning rate per step",
            "The learning rate your schedule returns at each step, against the reference.",
        )
    ]
    parts.append(
        f'<clipPath id="{ident}-clip"><rect x="{frame.left}" y="{frame.top - 4}" '
        f'width="{frame.inner_w}" height="{frame.inner_h + 8}"/></clipPath>'
    )
    parts.append(_frame_background(frame))
    if diverged_at is not None and 1 <= diverged_at <= steps:
        parts.append(_divergence_line(frame, diverged_at))
    parts.append(f'<g clip-path="url(#{ident}-clip)">')
    for run in _runs([(i, v) if v is not None else None for i, v in enumerate(own, start=1)]):
        parts.append(_polyline(frame, run, STUDENT, width=3.5))
        if len(run) <= 60:
            parts.append(_dots(frame, run, STUDENT, radius=2.8))
    for run in _runs([(i, v) if v is not None else None for i, v in enumerate(ref, start=1)]):
        parts.append(_polyline(frame, run, REFERENCE, dash="6 4", width=1.6))
    parts.append("</g>")
    parts.append(_axes(frame, xlabel="step", ylabel="learning rate", log_y=False))
    parts.append(legend_svg)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built here from escaped text and numbers


# -- geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    x0: float
    x1: float
    y0: float
    y1: float

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]]) -> _Box:
        xs, ys = zip(*points, strict=True)
        return cls(min(xs), max(xs), min(ys), max(ys))._nonzero()

    def _nonzero(self) -> _Box:
        x0, x1, y0, y1 = self.x0, self.x1, self.y0, self.y1
        span = max(x1 - x0, y1 - y0, 1e-9)
        if x1 - x0 < 0.05 * span:
            mid = (x0 + x1) / 2
            x0, x1 = mid - 0.05 * span, mid + 0.05 * span
        if y1 - y0 < 0.05 * span:
            mid = (y0 + y1) / 2
            y0, y1 = mid - 0.05 * span, mid + 0.05 * span
        return _Box(x0, x1, y0, y1)

    def grown_towards(self, points: list[tuple[float, float]], *, limit: float) -> _Box:
        w, h = self.x1 - self.x0, self.y1 - self.y0
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
        return _Box(
            max(min(self.x0, *xs), self.x0 - limit * w),
            min(max(self.x1, *xs), self.x1 + limit * w),
            max(min(self.y0, *ys), self.y0 - limit * h),
            min(max(self.y1, *ys), self.y1 + limit * h),
        )

    def near(self, point: tuple[float, float]) -> bool:
        w, h = self.x1 - self.x0, self.y1 - self.y0
        x, y = point
        return self.x0 - w <= x <= self.x1 + w and self.y0 - h <= y <= self.y1 + h

    def padded(self, fraction: float) -> _Box:
        dx, dy = fraction * (self.x1 - self.x0), fraction * (self.y1 - self.y0)
        return _Box(self.x0 - dx, self.x1 + dx, self.y0 - dy, self.y1 + dy)


class _Frame:
    """Data coordinates to SVG pixels inside the plotting area."""

    left = MARGIN_LEFT
    inner_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    def __init__(self, x0: float, x1: float, y0: float, y1: float, *, top: float) -> None:
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.top = top
        self.inner_h = HEIGHT - top - MARGIN_BOTTOM

    def px_array(self, points):
        """`px` for a numpy array whose last axis holds (x, y)."""
        fx = (points[..., 0] - self.x0) / (self.x1 - self.x0)
        fy = (points[..., 1] - self.y0) / (self.y1 - self.y0)
        out = points.copy()
        out[..., 0] = self.left + fx * self.inner_w
        out[..., 1] = self.top + (1 - fy) * self.inner_h
        return out

    def px(self, point: tuple[float, float]) -> tuple[float, float]:
        x, y = point
        fx = (x - self.x0) / (self.x1 - self.x0)
        fy = (y - self.y0) / (self.y1 - self.y0)
        # Far-off points are pulled in (the clip path hides them) so the SVG stays sane.
        fx = min(max(fx, -5.0), 6.0)
        fy = min(max(fy, -5.0), 6.0)
        return self.left + fx * self.inner_w, self.top + (1 - fy) * self.inner_h


def _optimum(surface: Any) -> tuple[float, float] | None:
    kind = type(surface).__name__
    if kind == "Valley":
        return (0.0, 0.0)
    if kind == "Rosenbrock":
        return (surface.a, surface.a * surface.a)
    if kind == "Quadratic":
        return (float(surface.target[0]), float(surface.target[1]))
    return None


def _grid_loss(surface: Any, frame: _Frame):
    import numpy as np

    xs = np.linspace(frame.x0, frame.x1, GRID)
    ys = np.linspace(frame.y0, frame.y1, GRID)
    gx, gy = np.meshgrid(xs, ys)  # rows follow y, columns follow x
    kind = type(surface).__name__
    with np.errstate(all="ignore"):  # far-off corners may overflow; they are masked below
        return xs, ys, _loss_on_grid(surface, kind, gx, gy)


def _loss_on_grid(surface: Any, kind: str, gx, gy):
    import numpy as np

    if kind == "Valley" and len(surface.c) == 2:
        z = 0.5 * (surface.c[0] * gx * gx + surface.c[1] * gy * gy)
    elif kind == "Rosenbrock":
        z = (surface.a - gx) ** 2 + surface.b * (gy - gx * gx) ** 2
    elif kind == "Quadratic":
        dx, dy = gx - surface.target[0], gy - surface.target[1]
        a = surface.a
        z = 0.5 * (a[0, 0] * dx * dx + 2 * a[0, 1] * dx * dy + a[1, 1] * dy * dy)
    else:
        z = np.vectorize(lambda x, y: surface.loss(np.array([x, y])))(gx, gy)
    return z


def _contours_for(surface: dict[str, Any], frame: _Frame) -> str:
    """The contour lines of a case's surface in a frame, drawn once per process.

    Marching squares over the grid is most of the cost of a result page, and every
    student whose path keeps to the reference's view shares the same frame.
    """
    key = json.dumps(surface, sort_keys=True, default=str)
    return _contours_cached(key, frame.x0, frame.x1, frame.y0, frame.y1, frame.top)


@functools.lru_cache(maxsize=256)
def _contours_cached(surface_json: str, x0: float, x1: float, y0: float, y1: float, top: float):
    from grader.harness import surfaces

    frame = _Frame(x0, x1, y0, y1, top=top)
    return _contours(surfaces.build(json.loads(surface_json)), frame)


def _contours(surface: Any, frame: _Frame) -> str:
    """Contour lines by marching squares, at levels spread evenly in log(loss)."""
    import numpy as np

    xs, ys, z = _grid_loss(surface, frame)
    with np.errstate(all="ignore"):
        z = np.log10(np.maximum(z, 1e-300))
    if not np.isfinite(z).all():
        return ""
    lo, hi = float(z.min()), float(z.max())
    if hi - lo < 1e-9:
        return ""
    levels = [lo + (hi - lo) * q for q in np.linspace(0.06, 0.94, 12)]
    # Quantiles keep the lines where the surface has structure (narrow valleys).
    quantiles = np.quantile(z, [0.03, 0.08, 0.15, 0.25, 0.38, 0.52, 0.68, 0.84])
    levels = sorted(set(round(v, 6) for v in [*levels[::2], *quantiles]))
    paths = []
    for n, level in enumerate(levels):
        segments = _march(xs, ys, z, level)
        if not len(segments):
            continue
        shade = n / max(len(levels) - 1, 1)
        colour = "#" + "".join(
            f"{round(low + (high - low) * shade):02x}"
            for low, high in zip(CONTOUR_LOW, CONTOUR_HIGH, strict=True)
        )
        pixels = frame.px_array(segments).round(1).tolist()
        d = [f"M{a[0]:g} {a[1]:g}L{b[0]:g} {b[1]:g}" for a, b in pixels]
        paths.append(
            f'<path d="{"".join(d)}" fill="none" stroke="{colour}" stroke-width="1" '
            'stroke-linecap="round"/>'
        )
    return f'<g class="plot-contours" aria-hidden="true">{"".join(paths)}</g>'


# For each marching-squares case: pairs of cell edges the level line crosses.
# Edges: 0 bottom (y0, x0->x1), 1 right (x1), 2 top (y1), 3 left (x0).
_CASES = {
    1: [(3, 0)],
    2: [(0, 1)],
    3: [(3, 1)],
    4: [(1, 2)],
    5: [(3, 2), (0, 1)],
    6: [(0, 2)],
    7: [(3, 2)],
    8: [(2, 3)],
    9: [(0, 2)],
    10: [(0, 3), (1, 2)],
    11: [(1, 2)],
    12: [(1, 3)],
    13: [(0, 1)],
    14: [(0, 3)],
}


def _march(xs, ys, z, level: float):
    """Marching squares, vectorised: an array of segments, shape (n, 2, 2), in data units."""
    import numpy as np

    above = z > level
    # Corner bits: bottom-left 1, bottom-right 2, top-right 4, top-left 8.
    index = (
        above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8
    ).astype(np.int8)
    z00, z01, z11, z10 = z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]
    x0, x1 = xs[:-1][None, :], xs[1:][None, :]
    y0, y1 = ys[:-1][:, None], ys[1:][:, None]
    shape = index.shape

    def t(a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            f = (level - a) / (b - a)
        return np.clip(np.where(a == b, 0.5, f), 0.0, 1.0)

    # The crossing point on each edge of every cell: bottom, right, top, left.
    edges = (
        (np.broadcast_to(x0 + (x1 - x0) * t(z00, z01), shape), np.broadcast_to(y0, shape)),
        (np.broadcast_to(x1, shape), np.broadcast_to(y0 + (y1 - y0) * t(z01, z11), shape)),
        (np.broadcast_to(x0 + (x1 - x0) * t(z10, z11), shape), np.broadcast_to(y1, shape)),
        (np.broadcast_to(x0, shape), np.broadcast_to(y0 + (y1 - y0) * t(z00, z10), shape)),
    )
    chunks = []
    for case, pairs in _CASES.items():
        mask = index == case
        if not mask.any():
            continue
        for a, b in pairs:
            chunks.append(
                np.stack(
                    [
                        np.stack([edges[a][0][mask], edges[a][1][mask]], axis=-1),
                        np.stack([edges[b][0][mask], edges[b][1][mask]], axis=-1),
                    ],
                    axis=1,
                )
            )
    return np.concatenate(chunks) if chunks else np.empty((0, 2, 2))


# -- drawing ------------------------------------------------------------------------------


def _safe_id(ident: str) -> str:
    """Element ids are built from `ident`; anything but letters, digits, - and _ goes."""
    return re.sub(r"[^A-Za-z0-9_-]", "", ident) or "plot"


def _svg_open(ident: str, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="plot-svg" role="img" aria-labelledby="{escape(ident)}-title {escape(ident)}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif" '
        f'font-size="{FONT_SIZE}">'
        f'<title id="{escape(ident)}-title">{escape(title)}</title>'
        f'<desc id="{escape(ident)}-desc">{escape(description)}</desc>'
    )


def _frame_background(frame: _Frame) -> str:
    return (
        f'<rect x="{frame.left}" y="{frame.top}" width="{frame.inner_w}" '
        f'height="{frame.inner_h}" fill="#fff" stroke="{LINE}"/>'
    )


def _polyline(
    frame: _Frame, points: list[tuple[float, float]], colour: str, *, width: float, dash: str = ""
) -> str:
    if len(points) < 2:
        return ""
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (frame.px(p) for p in _thin(points)))
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}" '
        f'stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>'
    )


def _dots(frame: _Frame, points: list[tuple[float, float]], colour: str, *, radius: float) -> str:
    if len(points) > 80:
        return ""
    return "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"/>'
        for x, y in (frame.px(p) for p in points)
    )


def _star(x: float, y: float) -> str:
    points = []
    for k in range(10):
        radius = 7 if k % 2 == 0 else 3
        angle = -math.pi / 2 + k * math.pi / 5
        points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
    return (
        f'<polygon points="{" ".join(points)}" fill="#fff" stroke="{INK}" stroke-width="1.5">'
        "<title>minimum</title></polygon>"
    )


def _divergence_line(frame: _Frame, step: int) -> str:
    x, _ = frame.px((step, frame.y0))
    return (
        f'<line x1="{x:.1f}" y1="{frame.top}" x2="{x:.1f}" y2="{frame.top + frame.inner_h}" '
        f'stroke="{DIVERGENCE}" stroke-width="1.5" stroke-dasharray="3 3"/>'
    )


def _axes(frame: _Frame, *, xlabel: str, ylabel: str, log_y: bool, zero_floor: bool = False) -> str:
    """Ticks, grid lines and labels; with `zero_floor` the bottom of a log axis reads 0."""
    parts = []
    bottom = frame.top + frame.inner_h
    for value in _ticks(frame.x0, frame.x1, integer=xlabel == "step"):
        x, _ = frame.px((value, frame.y0))
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{MUTED}"/>'
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(_number(value))}</text>"
        )
    y_values = _log_ticks(frame.y0, frame.y1) if log_y else _ticks(frame.y0, frame.y1)
    for value in y_values:
        _, y = frame.px((frame.x0, value))
        if log_y and zero_floor and value == frame.y0:
            label = "0"
        else:
            label = _power_of_ten(value) if log_y else escape(_number(value))
        parts.append(
            f'<line x1="{frame.left - 4}" y1="{y:.1f}" x2="{frame.left + frame.inner_w}" '
            f'y2="{y:.1f}" stroke="{LINE}" stroke-width="0.6"/>'
            f'<text x="{frame.left - 7}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{label}</text>"
        )
    parts.append(
        f'<text x="{frame.left + frame.inner_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'fill="{INK}">{escape(xlabel)}</text>'
        f'<text transform="translate(14 {frame.top + frame.inner_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}">{escape(ylabel)}</text>'
    )
    return f'<g class="plot-axes">{"".join(parts)}</g>'


def _legend(entries: list[tuple[str, str, str, str]]) -> tuple[str, float]:
    """The legend, wrapped into rows across the top; returns it with the y at which the
    plotting area can start below it."""
    parts = []
    x0, right = 10.0, WIDTH - 8.0
    cursor, y = x0, float(LEGEND_TOP)
    for shape, colour, dash, label in entries:
        width = (27 if shape == "line" else 16) + CHAR_WIDTH * len(label)
        if cursor > x0 and cursor + width > right:
            cursor, y = x0, y + LEGEND_ROW
        if shape == "line":
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            stroke = 3 if colour == STUDENT else 2
            parts.append(
                f'<line x1="{cursor:.1f}" y1="{y - 4.5:.1f}" x2="{cursor + 22:.1f}" '
                f'y2="{y - 4.5:.1f}" stroke="{colour}" stroke-width="{stroke}"{dash_attr}/>'
            )
            cursor += 27
        elif shape == "start":
            parts.append(
                f'<circle cx="{cursor + 5:.1f}" cy="{y - 4.5:.1f}" r="4" fill="#fff" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
            cursor += 14
        elif shape == "star":
            parts.append(_star(cursor + 6, y - 4.5).replace("<title>minimum</title>", ""))
            cursor += 16
        else:
            parts.append(
                f'<text x="{cursor + 5:.1f}" y="{y:.1f}" text-anchor="middle" fill="{colour}" '
                'font-weight="700">×</text>'
            )
            cursor += 14
        parts.append(f'<text x="{cursor:.1f}" y="{y:.1f}" fill="{INK}">{escape(label)}</text>')
        cursor += CHAR_WIDTH * len(label) + 14
    return f'<g class="plot-legend">{"".join(parts)}</g>', y + 16


# -- numbers -------------------------------------------------------------------------------


def _ticks(low: float, high: float, *, integer: bool = False, count: int = 5) -> list[float]:
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, round(step))
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * span and len(ticks) < 12:
        ticks.append(0.0 if abs(value) < 1e-12 * span else value)
        value += step
    return ticks


def _log_ticks(low: float, high: float) -> list[float]:
    decades = int(high - low)
    stride = max(1, math.ceil(decades / 6))
    start = math.ceil(low)
    return [float(v) for v in range(start, int(high) + 1) if (v - start) % stride == 0]


def _power_of_ten(exponent: float) -> str:
    n = int(round(exponent))
    if n == 0:
        return "1"
    digits = str(abs(n)).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"10{'⁻' if n < 0 else ''}{digits}"


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        text = f"{value:.2g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            return f"{mantissa}e{int(exponent)}"
        return text
    return f"{value:.4g}"


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _first(value: Any) -> float | None:
    if isinstance(value, list) and value:
        return _finite(value[0])
    return _finite(value)


def _point(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    x, y = _finite(value[0]), _finite(value[1])
    return None if x is None or y is None else (x, y)


def _steps(value: Any) -> list[dict]:
    if not isinstance(value, list):
        return []
    return [step if isinstance(step, dict) else {} for step in value]


def _series(steps: list[dict], quantity: str) -> list[Any]:
    return [step.get(quantity) for step in steps]


def _until_gap(points: list[tuple[float, float] | None]) -> list[tuple[float, float]]:
    """The points up to the first missing (non-finite) one: a path cannot jump a gap."""
    out = []
    for point in points:
        if point is None:
            break
        out.append(point)
    return out


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) <= MAX_POINTS:
        return points
    stride = math.ceil(len(points) / MAX_POINTS)
    return points[::stride] + ([points[-1]] if (len(points) - 1) % stride else [])


def _path_description(surface: dict[str, Any]) -> str:
    kind = surface.get("kind")
    if kind == "valley":
        return (
            "Contours of the valley loss with curvatures "
            f"{', '.join(_number(float(c)) for c in surface.get('curvatures', []))}; "
            "the dashed line is the reference path, the solid line yours."
        )
    if kind == "rosenbrock":
        return (
            "Contours of the Rosenbrock function; the dashed line is the reference path, "
            "the solid line yours."
        )
    return "Contours of the loss; the dashed line is the reference path, the solid line yours."
