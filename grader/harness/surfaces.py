"""Loss surfaces the optimizer exercises run on.

A surface is rebuilt from a small JSON-able spec, so the supervisor can send a
concrete case into the sandbox and draw the same surface outside it (for the
contour plots). Random surfaces are fully determined by their seed.
"""

from __future__ import annotations

import numpy as np


class Valley:
    """L(w) = 1/2 * sum(c_i * w_i^2): one learning rate for several curvatures."""

    def __init__(self, curvatures=(100.0, 1.0)):
        self.c = np.asarray(curvatures, dtype=np.float64)

    def loss(self, w):
        return float(0.5 * np.sum(self.c * w * w))

    def grad(self, w):
        return self.c * w


class Quadratic:
    """L(w) = 1/2 (w - w*)^T A (w - w*) with a random positive-definite A."""

    def __init__(self, dim: int, seed: int, condition: float = 50.0):
        rng = np.random.default_rng(seed)
        q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
        eigenvalues = np.geomspace(1.0, condition, dim)
        self.a = (q * eigenvalues) @ q.T
        self.a = 0.5 * (self.a + self.a.T)
        self.target = rng.standard_normal(dim)

    def loss(self, w):
        d = w - self.target
        return float(0.5 * d @ self.a @ d)

    def grad(self, w):
        return self.a @ (w - self.target)


class Rosenbrock:
    """L(x, y) = (a - x)^2 + b (y - x^2)^2: a curved, narrow valley."""

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a, self.b = float(a), float(b)

    def loss(self, w):
        x, y = w
        return float((self.a - x) ** 2 + self.b * (y - x * x) ** 2)

    def grad(self, w):
        x, y = w
        return np.array(
            [-2.0 * (self.a - x) - 4.0 * self.b * x * (y - x * x), 2.0 * self.b * (y - x * x)]
        )


def build(spec: dict):
    kind = spec["kind"]
    if kind == "valley":
        return Valley(spec.get("curvatures", (100.0, 1.0)))
    if kind == "quadratic":
        return Quadratic(int(spec["dim"]), int(spec["seed"]), float(spec.get("condition", 50.0)))
    if kind == "rosenbrock":
        return Rosenbrock(spec.get("a", 1.0), spec.get("b", 100.0))
    raise ValueError(f"unknown surface kind {kind!r}")
