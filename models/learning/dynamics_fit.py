"""Learning dynamics from trajectories (the Neural ODE blog's experiment): fit a linear or an MLP vector
field to noisy samples of the linear spiral or of a non-linear field, on random sub-windows, with MSE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

import torch
from torch import Tensor, nn

from models.nn.odefunc import NFEMetric, ODEFunc
from models.nn.samplers import draw_window, time_windows
from models.nn.training import Batch, OnStep, TrainConfig, fit
from models.ode.solve import UNTIMED, BudgetExceeded, FixedStep, Tolerances, solve
from models.systems.spec import SystemSpec

SystemName = Literal["spiral", "nonlinear"]
FieldKind = Literal["linear", "mlp"]
SYSTEM_NAMES: tuple[SystemName, ...] = ("spiral", "nonlinear")
FIELD_KINDS: tuple[FieldKind, ...] = ("linear", "mlp")

_A = torch.tensor([[-0.1, -0.5], [0.5, -0.1]], dtype=torch.float64)
_B = torch.tensor([[0.2, 1.0], [-1.0, 0.2]], dtype=torch.float64)
_X0 = torch.tensor([-1.0, 0.0], dtype=torch.float64)


def nonlinear_field(t: Tensor, x: Tensor) -> Tensor:
    """SCIENCE.md §5: sigmoid(x.x0) A (x - x0) + sigmoid(-x.x0) B (x + x0), x: (..., 2) -> (..., 2)."""
    a, b, x0 = _A.to(x), _B.to(x), _X0.to(x)
    s = torch.sigmoid((x * x0).sum(-1, keepdim=True))
    return s * ((x - x0) @ a.T) + (1 - s) * ((x + x0) @ b.T)


def true_field(system: SystemName):
    """The known field f(t, z) of a system: the linear spiral dz/dt = [[-0.1, -1], [1, -0.1]] z, or the
    non-linear field above."""
    if system == "spiral":
        return SystemSpec("linear_spiral").field()
    if system == "nonlinear":
        return nonlinear_field
    raise ValueError(f"unknown system {system!r}; expected one of {SYSTEM_NAMES}")


@dataclass(frozen=True)
class DynamicsDataConfig:
    """The observed trajectory: z0, span [0, t_max], evenly spaced points, Gaussian noise."""

    system: SystemName = "spiral"
    z0: tuple[float, float] = (0.6, 0.3)
    t_max: float = 5 * 6.29
    n_points: int = 200
    noise: float = 0.01
    seed: int = 0

    def __post_init__(self) -> None:
        if self.system not in SYSTEM_NAMES:
            raise ValueError(f"unknown system {self.system!r}; expected one of {SYSTEM_NAMES}")
        if self.n_points < 2 or not (self.t_max > 0 and math.isfinite(self.t_max)) or not self.noise >= 0:
            raise ValueError("need n_points >= 2, a finite t_max > 0 and noise >= 0")


class Observations(NamedTuple):
    """t: (T,), clean: (T, 2) the true trajectory, noisy: (T, 2) what the model sees (float32)."""

    t: Tensor
    clean: Tensor
    noisy: Tensor


def observe(cfg: DynamicsDataConfig) -> Observations:
    """Solve the true system accurately and add seeded noise of std `cfg.noise`."""
    t = torch.linspace(0.0, cfg.t_max, cfg.n_points, dtype=torch.float64)
    z0 = torch.tensor(cfg.z0, dtype=torch.float64)
    with torch.no_grad():
        accurate = replace(UNTIMED, method="dopri5", step=Tolerances(1e-8, 1e-10), grad="none")
        clean = solve(true_field(cfg.system), z0, t, accurate).y
    gen = torch.Generator().manual_seed(cfg.seed)
    noisy = clean + cfg.noise * torch.randn(clean.shape, generator=gen, dtype=torch.float64)
    return Observations(t.float(), clean.float(), noisy.float())


class LinearField(nn.Module):
    """dz/dt = W z with W: (2, 2), initialised N(0, 1)/2 as in the blog."""

    def __init__(self, generator: torch.Generator) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, 2, generator=generator) / 2.0)
        self.nfe = 0

    def forward(self, t: Tensor, z: Tensor) -> Tensor:
        self.nfe += 1
        return z @ self.weight.T


def build_field(kind: FieldKind, seed: int) -> nn.Module:
    """A linear field, or the blog's MLP: Linear(2,16)-ELU-Linear(16,16)-ELU-Linear(16,2)."""
    gen = torch.Generator().manual_seed(seed)
    if kind == "linear":
        return LinearField(gen)
    if kind == "mlp":
        return ODEFunc(2, 16, gen, activation="elu", layers=2)
    raise ValueError(f"unknown field kind {kind!r}; expected one of {FIELD_KINDS}")


@dataclass(frozen=True)
class FitConfig:
    """How to fit: Adam on one random sub-window per step.

    Attributes:
        steps: optimiser steps.
        lr: Adam learning rate.
        min_window, max_window: a window spans a uniform random length in [min_window, max_window].
            The blog used [1, 5]; from a random start, windows that long often settle in a local minimum
            that decays too fast and turns too slowly (late, tiny windows reward decay), so 2 is the default.
        max_points: at most this many observations per window (a random subset, kept in time order).
        windows_per_step: windows solved together as one batch (the blog used 1; more give a steadier
            gradient for the same number of solver steps).
        step_size: rk4 step of the model's solve (fixed cost per window).
        snapshots_every: keep the weights every this many steps (and at 0 and the last); 0: never.
        seed: seed of the windows.
        max_wall_s: stop after this many seconds (None: no limit).
    """

    steps: int = 500
    lr: float = 0.01
    min_window: float = 1.0
    max_window: float = 2.0
    max_points: int = 32
    windows_per_step: int = 8
    step_size: float = 0.25
    snapshots_every: int = 0
    seed: int = 0
    max_wall_s: float | None = None

    def __post_init__(self) -> None:
        if self.steps < 0 or self.max_points < 2 or self.snapshots_every < 0 or self.windows_per_step < 1:
            raise ValueError("need steps >= 0, max_points >= 2, snapshots_every >= 0, windows_per_step >= 1")
        if not (0 < self.min_window <= self.max_window) or not (self.lr > 0 and self.step_size > 0):
            raise ValueError("need 0 < min_window <= max_window, lr > 0 and step_size > 0")


@dataclass
class DynamicsFit:
    """What `fit_dynamics` did: per-step window losses, weight snapshots, why it stopped."""

    losses: list[float]
    snapshots: list[tuple[int, dict[str, Tensor]]]
    stopped: Literal["completed", "callback", "non_finite", "time_budget", "nfe_budget"]
    wall_s: float


def sample_windows(obs: Observations, cfg: FitConfig, gen: torch.Generator) -> tuple[Tensor, Tensor]:
    """Random windows sharing one relative time grid, so they are solved as one batch (nn.samplers).

    Returns:
        starts: (windows_per_step,) first indices; offsets: (m,) sorted index offsets, offsets[0] = 0.
    """
    dt = float(obs.t[1] - obs.t[0])
    return draw_window(
        len(obs.t), dt, (cfg.min_window, cfg.max_window), cfg.max_points, cfg.windows_per_step, gen
    )


def rollout(
    field: nn.Module, z0: Tensor, t: Tensor, step_size: float, max_nfe: int = UNTIMED.budget.max_nfe
) -> Tensor:
    """z0: (2,) or (n, 2), t: (T,) -> (T, ..., 2), with rk4 (3/8 rule) at `step_size`, backprop.

    Raises:
        BudgetExceeded: after `max_nfe` evaluations of f.
    """
    budget = replace(UNTIMED.budget, max_nfe=max_nfe)
    return solve(field, z0, t, replace(UNTIMED, method="rk4_38", step=FixedStep(step_size), budget=budget)).y


def fit_dynamics(
    field: nn.Module, obs: Observations, cfg: FitConfig, on_step: OnStep | None = None, max_nfe: int = 5000
) -> DynamicsFit:
    """Fit `field` so that solving from each window's first noisy observation matches the window (MSE).

    `on_step(step, metrics)` is called after each step (from 1) with the window loss `loss` and the NFE;
    returning True stops. One step needing more than `max_nfe` evaluations of an ODEFunc stops training.
    """

    def window_loss(model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
        t_rel, target = batch
        loss = torch.mean((rollout(model, target[0], t_rel, cfg.step_size, max_nfe) - target) ** 2)
        return loss, {"loss": loss.item()}

    span = (cfg.min_window, cfg.max_window)
    windows = time_windows(obs.t, obs.noisy, span, cfg.max_points, cfg.windows_per_step, cfg.seed)
    train = TrainConfig(
        steps=cfg.steps, lr=cfg.lr, snapshots_every=cfg.snapshots_every, max_wall_s=cfg.max_wall_s
    )
    result = fit(
        field, windows, window_loss, train, on_step, metrics=(NFEMetric(),), stop_on=(BudgetExceeded,)
    )
    stopped = "nfe_budget" if result.stop_reason == "error" else result.stop_reason
    return DynamicsFit([m["loss"] for m in result.history], result.snapshots, stopped, result.wall_s)


def window_mse(
    field: nn.Module, obs: Observations, cfg: FitConfig, seed: int = 12345, batches: int = 8
) -> float:
    """The training loss without gradients on a fixed set of windows (drawn from `seed`), for comparisons."""
    gen = torch.Generator().manual_seed(seed)
    total = 0.0
    with torch.no_grad():
        for _ in range(batches):
            starts, offsets = sample_windows(obs, cfg, gen)
            target = obs.noisy[starts[None, :] + offsets[:, None]]
            pred = rollout(field, target[0], obs.t[offsets] - obs.t[0], cfg.step_size)
            total += float(torch.mean((pred - target) ** 2))
    return total / batches


def trajectory_mse(field: nn.Module, obs: Observations, step_size: float = 0.25) -> float:
    """MSE of the whole learned trajectory from the first observation against the clean trajectory."""
    with torch.no_grad():
        pred = rollout(field, obs.noisy[0], obs.t, step_size)
    return float(torch.mean((pred - obs.clean) ** 2))


def field_grid(
    f, window: tuple[tuple[float, float], tuple[float, float]], n: int = 17
) -> tuple[Tensor, Tensor, Tensor]:
    """The field on an n x n grid: xs (n,), ys (n,), values (n, n, 2) indexed [y, x] (float32)."""
    xs = torch.linspace(*window[0], n)
    ys = torch.linspace(*window[1], n)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    z = torch.stack([gx, gy], dim=-1).reshape(-1, 2)
    with torch.no_grad():
        values = f(torch.tensor(0.0), z)
    return xs, ys, values.float().reshape(n, n, 2)
