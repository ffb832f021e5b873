"""Fixed-step Runge–Kutta methods written out plainly: the formulas the Solver lab teaches.

Each step function maps (f, t, y, h) to the next state. `y: (batch, dim)`; `t` and `h` are floats or
tensors that broadcast against the batch (`t: (batch,)`, `h: (batch, 1)`), so one call can advance
many step sizes at once (the error-vs-step-size sweep relies on it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

Field = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Step = Callable[[Field, torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


def euler_step(f: Field, t: torch.Tensor, y: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """y_{n+1} = y_n + h f(y_n, t_n): one evaluation, global error O(h)."""
    return y + h * f(t, y)


def midpoint_step(f: Field, t: torch.Tensor, y: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """Explicit midpoint: slope taken half a step ahead. Two evaluations, global error O(h^2)."""
    k1 = f(t, y)
    return y + h * f(t + h / 2, y + (h / 2) * k1)


def rk4_step(f: Field, t: torch.Tensor, y: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """Classic Runge–Kutta: four slopes weighted 1-2-2-1. Global error O(h^4)."""
    k1 = f(t, y)
    k2 = f(t + h / 2, y + (h / 2) * k1)
    k3 = f(t + h / 2, y + (h / 2) * k2)
    k4 = f(t + h, y + h * k3)
    return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)


@dataclass(frozen=True)
class FixedMethod:
    """A hand-written method: its step, evaluations per step and theoretical global order."""

    step: Step
    stages: int
    order: int


FIXED_METHODS: dict[str, FixedMethod] = {
    "euler": FixedMethod(euler_step, stages=1, order=1),
    "midpoint": FixedMethod(midpoint_step, stages=2, order=2),
    "rk4": FixedMethod(rk4_step, stages=4, order=4),
}
