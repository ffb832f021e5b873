"""Read-outs of a NODE / ANODE / ResNet for plotting: paths of points through depth, decision regions over
the input plane, and the learned vector field on a plane of the state space with short streamlines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from models.nn.odefunc import ODEFunc, count_nfe, reset_nfe
from models.node_anode.classifiers import ModelConfig, ResNet, build_model

Window = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Paths:
    """Where a model takes a set of points.

    Attributes:
        t: (T,) times (for a ResNet the layer times l * h, T = depth + 1).
        states: (T, n, D) hidden states; D = d + p for an ANODE.
        nfe: evaluations of f for the whole batch (blocks applied, for a ResNet).
        discrete: True for a ResNet, whose path between layers is a jump, not a flow.
    """

    t: np.ndarray
    states: np.ndarray
    nfe: int
    discrete: bool


@dataclass(frozen=True)
class RegionGrid:
    """Class-1 probability over a grid of the input plane: prob[i, j] at (xs[j], ys[i])."""

    xs: np.ndarray
    ys: np.ndarray
    prob: np.ndarray
    nfe: int


@dataclass(frozen=True)
class FieldGrid:
    """The vector field on a plane of the state space (the other coordinates held at 0).

    Attributes:
        xs, ys: (nx,), (ny,) grid coordinates along state dimensions `dims`.
        u, v: (ny, nx) components of f along `dims`.
        speed: (ny, nx) |f| over all state dimensions.
        lines: (S, L, 2) streamlines of (u, v) through the plane, each of the same arc length.
        dims: the two state dimensions of the plane.
    """

    xs: np.ndarray
    ys: np.ndarray
    u: np.ndarray
    v: np.ndarray
    speed: np.ndarray
    lines: np.ndarray
    dims: tuple[int, int]


def rebuild(cfg: ModelConfig, in_dim: int, n_out: int, state_dict: dict[str, Tensor]) -> nn.Module:
    """A fresh model of `cfg` (any solver settings) holding the given weights, in eval mode.

    Each caller gets its own object, so NFE counters are never shared between callers.
    """
    model = build_model(cfg, in_dim, n_out, seed=0)
    model.load_state_dict(state_dict, strict=True)
    return model.eval()


def flow_paths(model: nn.Module, x: Tensor, n_times: int = 26) -> Paths:
    """States of `x: (n, d)` at `n_times` even times over [0, t1] (at every layer for a ResNet).

    Raises:
        BudgetExceeded: if the solve needs more evaluations than the model's `max_nfe`.
    """
    reset_nfe(model)
    with torch.no_grad():
        if isinstance(model, ResNet):
            t = torch.arange(model.depth + 1, dtype=x.dtype) * model.h
            states = model.layer_states(x)
        else:
            t = torch.linspace(0.0, float(model.end_time), n_times)
            states = model.trajectory(x, t)
    return Paths(t.numpy(), states.numpy(), count_nfe(model), isinstance(model, ResNet))


def padded_window(points: np.ndarray, margin: float = 0.25) -> Window:
    """A window around `points: (n, >= 2)` (first two columns), widened by `margin` of the larger span."""
    finite = points[np.isfinite(points[:, :2]).all(axis=1), :2]
    if finite.size == 0:
        return ((-1.0, 1.0), (-1.0, 1.0))
    low, high = finite.min(axis=0), finite.max(axis=0)
    pad = margin * max(float((high - low).max()), 1e-3)
    return (
        (float(low[0] - pad), float(high[0] + pad)),
        (float(low[1] - pad), float(high[1] + pad)),
    )


def _grid(window: Window, resolution: int) -> tuple[np.ndarray, np.ndarray, Tensor]:
    xs = np.linspace(*window[0], resolution)
    ys = np.linspace(*window[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1)).float()
    return xs, ys, points


def decision_regions(model: nn.Module, window: Window, resolution: int = 60) -> RegionGrid:
    """Probability of class 1 over a `resolution` x `resolution` grid of a 2-D input plane.

    Raises:
        ValueError: if the model does not take 2-D inputs to two logits.
    """
    if getattr(model, "in_dim", None) != 2:
        raise ValueError("decision regions need a model of 2-D inputs")
    xs, ys, points = _grid(window, resolution)
    reset_nfe(model)
    with torch.no_grad():
        logits = model(points)
    if logits.shape[1] != 2:
        raise ValueError("decision regions need two class logits")
    prob = torch.softmax(logits, dim=1)[:, 1].reshape(len(ys), len(xs))
    return RegionGrid(xs, ys, prob.numpy(), count_nfe(model))


def _plane_points(plane: Tensor, state_dim: int, dims: tuple[int, int]) -> Tensor:
    z = plane.new_zeros(plane.shape[0], state_dim)
    z[:, dims[0]] = plane[:, 0]
    z[:, dims[1]] = plane[:, 1]
    return z


def vector_field(
    func: ODEFunc,
    window: Window,
    resolution: int = 40,
    t: float = 0.0,
    dims: tuple[int, int] = (0, 1),
    n_lines: int = 14,
    line_steps: int = 10,
) -> FieldGrid:
    """f(t, z) on the plane spanned by state dimensions `dims` (other coordinates 0), with streamlines.

    The streamlines follow the direction of (f_dims[0], f_dims[1]) inside the plane from an
    `n_lines` x `n_lines` grid of seeds, each with the same arc length (a little under one seed
    spacing), so their colour-free shape shows direction and the heat map shows speed.

    Raises:
        ValueError: if the state has fewer than two dimensions.
    """
    if func.dim < 2:
        raise ValueError("a vector field plane needs a state of at least two dimensions")
    tt = torch.tensor(float(t))
    xs, ys, plane = _grid(window, resolution)
    with torch.no_grad():
        f = func(tt, _plane_points(plane, func.dim, dims))
        speed = f.norm(dim=1).reshape(len(ys), len(xs)).numpy()
        u = f[:, dims[0]].reshape(len(ys), len(xs)).numpy()
        v = f[:, dims[1]].reshape(len(ys), len(xs)).numpy()
        lines = _streamlines(func, tt, window, dims, n_lines, line_steps)
    return FieldGrid(xs, ys, u, v, speed, lines, dims)


def _streamlines(
    func: ODEFunc, t: Tensor, window: Window, dims: tuple[int, int], n_lines: int, steps: int
) -> np.ndarray:
    scale = torch.tensor([window[0][1] - window[0][0], window[1][1] - window[1][0]])
    inset = 0.5 / n_lines
    seeds_x = np.linspace(window[0][0], window[0][1], n_lines + 1)[:-1] + inset * float(scale[0])
    seeds_y = np.linspace(window[1][0], window[1][1], n_lines + 1)[:-1] + inset * float(scale[1])
    gx, gy = np.meshgrid(seeds_x, seeds_y)
    p = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1)).float()
    # Steps are taken in window-relative units, so a line is as long on a wide window as on a tall one.
    ds = 0.8 / (n_lines * steps)

    def direction(q: Tensor) -> Tensor:
        g = func(t, _plane_points(q, func.dim, dims))[:, list(dims)] / scale
        return g / g.norm(dim=1, keepdim=True).clamp_min(1e-9) * scale

    out = [p]
    for _ in range(steps):
        mid = p + 0.5 * ds * direction(p)
        p = p + ds * direction(mid)
        out.append(p)
    return torch.stack(out, dim=1).numpy()


def order_flips(start: np.ndarray, end: np.ndarray) -> int:
    """How many pairs of points swap order between `start: (n,)` and `end: (n,)` (1-D positions).

    A 1-D ODE flow keeps the order of its points, so for a NODE this is 0; g(x) = -x flips every pair.
    """
    a = np.sign(start[:, None] - start[None, :])
    b = np.sign(end[:, None] - end[None, :])
    return int(np.triu(a * b < 0, k=1).sum())
