"""Fixed points found numerically: batched Newton from a grid of seeds with autograd Jacobians,
deduplicated, each classified from the eigenvalues of its Jacobian."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import torch

Field = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Window = tuple[tuple[float, float], ...]

SADDLE = "saddle"
KINDS: tuple[str, ...] = (
    SADDLE,
    "stable node",
    "unstable node",
    "stable spiral",
    "unstable spiral",
    "centre",
    "saddle-focus",
    "non-hyperbolic",
)


@dataclass(frozen=True)
class NewtonConfig:
    """Seeds per axis, Newton iterations, the residual that counts as a root, and how close (as a
    fraction of the window) two roots may be before they are the same point."""

    seeds_per_axis: int = 12
    iterations: int = 40
    residual: float = 1e-9
    merge: float = 1e-5
    margin: float = 0.02  # roots this fraction of the window outside it are still kept


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point with its Jacobian `(dim, dim)`, eigenvalues and eigenvectors (columns) and type."""

    point: tuple[float, ...]
    jacobian: tuple[tuple[float, ...], ...]
    eigenvalues: tuple[complex, ...]
    eigenvectors: tuple[tuple[complex, ...], ...]  # eigenvectors[k] belongs to eigenvalues[k]
    kind: str

    @property
    def trace(self) -> float:
        return float(sum(self.jacobian[i][i] for i in range(len(self.point))))

    @property
    def determinant(self) -> float:
        return float(torch.linalg.det(torch.tensor(self.jacobian, dtype=torch.float64)))

    def real_directions(self) -> list[tuple[float, tuple[float, ...]]]:
        """(eigenvalue, unit eigenvector) for each real eigenvalue: a saddle's stable (< 0) and unstable
        (> 0) directions."""
        return [
            (value.real, tuple(c.real for c in vector))
            for value, vector in zip(self.eigenvalues, self.eigenvectors, strict=True)
            if abs(value.imag) <= _tolerance(self.eigenvalues)
        ]


def jacobians(f: Field, y: torch.Tensor, t: float = 0.0) -> torch.Tensor:
    """df/dy at each row of `y: (batch, dim)` by autograd: (batch, dim, dim), J[b, i, j] = df_i/dy_j.

    f must act row by row (as every vector field here does), so one backward pass per output gives a
    whole row of every Jacobian.
    """
    dim = y.shape[-1]
    with torch.enable_grad():
        y = y.detach().clone().requires_grad_(True)
        out = f(torch.tensor(t, dtype=y.dtype), y)
        rows = []
        for i in range(dim):
            if not out.requires_grad:
                rows.append(torch.zeros_like(y))
                continue
            (grad,) = torch.autograd.grad(out[:, i].sum(), y, retain_graph=i < dim - 1, allow_unused=True)
            rows.append(torch.zeros_like(y) if grad is None else grad)
    return torch.stack(rows, dim=1).detach()


def classify(eigenvalues: torch.Tensor | tuple[complex, ...]) -> str:
    """The type of a fixed point from its Jacobian's eigenvalues (one of KINDS)."""
    values = torch.as_tensor(eigenvalues, dtype=torch.complex128)
    tol = _tolerance(tuple(complex(v) for v in values))
    real, imag = values.real, values.imag
    rotating = bool((imag.abs() > tol).any())
    if bool((real.abs() <= tol).any()):
        centre = len(values) == 2 and rotating and bool((real.abs() <= tol).all())
        return "centre" if centre else "non-hyperbolic"
    if bool((real < 0).all()):
        return "stable spiral" if rotating else "stable node"
    if bool((real > 0).all()):
        return "unstable spiral" if rotating else "unstable node"
    return "saddle-focus" if rotating else SADDLE


def find_fixed_points(f: Field, window: Window, cfg: NewtonConfig = NewtonConfig()) -> list[FixedPoint]:
    """Roots of f(0, y) in the window, from Newton's method started at a grid of seeds all at once.

    Singular Jacobians take a pseudo-inverse step. Roots closer than `cfg.merge` window widths are
    merged; the list is sorted by position.
    """
    low = torch.tensor([w[0] for w in window], dtype=torch.float64)
    high = torch.tensor([w[1] for w in window], dtype=torch.float64)
    width = high - low
    axes = [torch.linspace(0.0, 1.0, cfg.seeds_per_axis + 2, dtype=torch.float64)[1:-1]] * len(window)
    y = low + width * torch.tensor(list(itertools.product(*[a.tolist() for a in axes])), dtype=torch.float64)
    t = torch.tensor(0.0, dtype=torch.float64)
    with torch.no_grad():
        for _ in range(cfg.iterations):
            jac = jacobians(f, y).nan_to_num_(0.0, 0.0, 0.0)
            step = (torch.linalg.pinv(jac) @ f(t, y)[..., None])[..., 0]
            y = torch.where(torch.isfinite(step), y - step, float("nan"))
            if not bool((step.abs() > 1e-14 * (1 + y.abs())).any()):  # NaN rows are given up
                break
        residual = f(t, y).abs().amax(dim=-1)
    ok = torch.isfinite(residual) & (residual <= cfg.residual * (1 + y.abs().amax(dim=-1)))
    ok &= ((y >= low - cfg.margin * width) & (y <= high + cfg.margin * width)).all(dim=-1)
    roots: list[torch.Tensor] = []
    for root in y[ok]:
        if all(bool(((root - other).abs() > cfg.merge * width).any()) for other in roots):
            roots.append(root)
    roots.sort(key=lambda r: tuple(r.tolist()))
    if not roots:
        return []
    stacked = torch.stack(roots)
    return [_describe(root, jac) for root, jac in zip(stacked, jacobians(f, stacked), strict=True)]


def _describe(root: torch.Tensor, jac: torch.Tensor) -> FixedPoint:
    values, vectors = torch.linalg.eig(jac)
    order = sorted(range(len(values)), key=lambda k: (values[k].real.item(), values[k].imag.item()))
    return FixedPoint(
        # Newton leaves roundoff such as 1e-35 or -0.0 where the root is exactly zero.
        point=tuple(0.0 if abs(float(v)) < 1e-12 else float(v) for v in root),
        jacobian=tuple(tuple(float(v) for v in row) for row in jac),
        eigenvalues=tuple(complex(values[k]) for k in order),
        eigenvectors=tuple(tuple(complex(c) for c in vectors[:, k]) for k in order),
        kind=classify(values),
    )


def _tolerance(eigenvalues: tuple[complex, ...]) -> float:
    return 1e-8 * max(1.0, *(abs(v) for v in eigenvalues))


def separatrix_seeds(
    points: list[FixedPoint], window: Window, offset: float = 1e-3
) -> tuple[torch.Tensor, torch.Tensor]:
    """Starts of a planar saddle's four separatrices: a small step (`offset` window widths) either way
    along each eigen-direction, run forward on the unstable one and backward on the stable one.

    Returns (seeds (4 * saddles, 2), backward (4 * saddles,) bool).
    """
    seeds, backward = [], []
    scale = torch.tensor([w[1] - w[0] for w in window[:2]], dtype=torch.float64) * offset
    for point in points:
        if point.kind != SADDLE or len(point.point) != 2:
            continue
        for value, vector in point.real_directions():
            v = torch.tensor(vector, dtype=torch.float64)
            v = v / (v / scale).norm()
            for sign in (1.0, -1.0):
                seeds.append(torch.tensor(point.point, dtype=torch.float64) + sign * v)
                backward.append(value < 0)
    if not seeds:
        return torch.zeros(0, 2, dtype=torch.float64), torch.zeros(0, dtype=torch.bool)
    return torch.stack(seeds), torch.tensor(backward)
