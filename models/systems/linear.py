"""Planar linear systems dy/dt = A y: one example matrix per type of fixed point, and the system whose
four matrix entries are parameters."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from models.systems.library import Param, Params, System, by_components, linear_flow


@dataclass(frozen=True)
class LinearType:
    """An example matrix A = [[a, b], [c, d]] whose origin is a fixed point of the named type."""

    key: str
    label: str
    matrix: tuple[tuple[float, float], tuple[float, float]]
    note: str


LINEAR_TYPES: dict[str, LinearType] = {
    t.key: t
    for t in (
        LinearType("saddle", "Saddle", ((1.0, 0.0), (0.0, -1.0)), "Real eigenvalues of opposite sign."),
        LinearType(
            "stable_node", "Stable node", ((-1.0, 0.0), (0.0, -2.0)), "Two negative real eigenvalues."
        ),
        LinearType(
            "unstable_node", "Unstable node", ((1.0, 0.0), (0.0, 2.0)), "Two positive real eigenvalues."
        ),
        LinearType(
            "stable_spiral",
            "Stable spiral",
            ((-0.2, -1.0), (1.0, -0.2)),
            "Complex eigenvalues, negative real part.",
        ),
        LinearType(
            "unstable_spiral",
            "Unstable spiral",
            ((0.2, -1.0), (1.0, 0.2)),
            "Complex eigenvalues, positive real part.",
        ),
        LinearType(
            "centre", "Centre", ((0.0, -1.0), (1.0, 0.0)), "Purely imaginary eigenvalues: closed orbits."
        ),
        LinearType(
            "degenerate_node",
            "Degenerate node",
            ((-1.0, 1.0), (0.0, -1.0)),
            "A repeated eigenvalue with a single eigenvector: trajectories turn to leave along one line.",
        ),
        LinearType(
            "star",
            "Star",
            ((-1.0, 0.0), (0.0, -1.0)),
            "A repeated eigenvalue with two eigenvectors: straight rays.",
        ),
        LinearType(
            "line",
            "Line of fixed points",
            ((0.0, 0.0), (0.0, -1.0)),
            "A zero eigenvalue: every point of the x-axis is fixed, so no fixed point is isolated.",
        ),
    )
}
ENTRY_NAMES = ("a", "b", "c", "d")


def linear_params(key: str) -> tuple[tuple[str, float], ...]:
    """The matrix of the type `key` as system parameters (a, b, c, d)."""
    (a, b), (c, d) = LINEAR_TYPES[key].matrix
    return tuple(zip(ENTRY_NAMES, (a, b, c, d), strict=True))


def linear_matrix(params: Params) -> torch.Tensor:
    """A as a (2, 2) float64 tensor from parameters a, b, c, d."""
    return torch.tensor([[params["a"], params["b"]], [params["c"], params["d"]]], dtype=torch.float64)


@by_components
def _linear(t: torch.Tensor, x: torch.Tensor, v: torch.Tensor, p: Params) -> tuple[torch.Tensor, ...]:
    return p["a"] * x + p["b"] * v, p["c"] * x + p["d"] * v


def linear_system(key: str = "saddle") -> System:
    """The system dy/dt = A y with A's entries as parameters, defaulting to the example of type `key`."""
    (a, b), (c, d) = LINEAR_TYPES[key].matrix
    return System(
        key="linear",
        name="Linear system",
        equations=r"\dot x = a x + b y \\ \dot y = c x + d y",
        state_names=("x", "y"),
        rhs=_linear,
        y0=(1.0, 1.0),
        t1=6.0,
        window=((-3.0, 3.0), (-3.0, 3.0)),
        params=tuple(
            Param(name, value, -3.0, 3.0, name) for name, value in zip(ENTRY_NAMES, (a, b, c, d), strict=True)
        ),
        exact=linear_flow(linear_matrix),
        note=LINEAR_TYPES[key].note,
    )
