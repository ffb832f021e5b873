"""From ResNets to ODE-Nets: the textbook regression y = x^3 + 0.1x on 10 points in [-2, 2].

A ResNet y_{l+1} = y_l + h f_l(y_l) (one MLP [1, hidden, 1] per layer) is Euler's method with step h;
the ODE-Net solves dy/dt = f(y, t) (an MLP [2, hidden, 1]) over [0, 1] with dopri5.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor, nn

from models.nn.odefunc import seeded_linear
from models.nn.samplers import full_batch
from models.nn.supervised import mse_loss
from models.nn.training import OnStep, Optimizer, StopReason, TrainConfig, fit
from models.ode.solve import UNTIMED, Tolerances, solve


@dataclass(frozen=True)
class RegressionConfig:
    """The textbook experiment, with its knobs.

    Attributes:
        n_points: training points, evenly spaced over [-x_max, x_max].
        x_max: half-width of the training interval (2: the textbook's [-2, 2]).
        hidden: width of each MLP.
        depth: ResNet layers.
        scaled_step: ResNet step h = 1/depth (it then spans the ODE-Net's [0, 1]); False: h = 1, the
            classic ResNet.
        iterations: full-batch optimiser steps.
        optimizer: "sgd" (the textbook's) or "adam".
        lr: learning rate.
        rtol, atol: the ODE-Net's dopri5 tolerances.
        max_nfe: cap on evaluations of f per ODE-Net solve.
        seed: seed of the initial weights.
        max_wall_s: stop training after this many seconds (None: no limit).
    """

    n_points: int = 10
    x_max: float = 2.0
    hidden: int = 25
    depth: int = 3
    scaled_step: bool = False
    iterations: int = 1000
    optimizer: Optimizer = "sgd"
    lr: float = 0.01
    rtol: float = 1e-3
    atol: float = 1e-3
    max_nfe: int = 2000
    seed: int = 0
    max_wall_s: float | None = None

    def __post_init__(self) -> None:
        if self.n_points < 2 or self.hidden < 1 or not 1 <= self.depth <= 100 or self.iterations < 0:
            raise ValueError("need n_points >= 2, hidden >= 1, 1 <= depth <= 100 and iterations >= 0")
        if self.optimizer not in ("sgd", "adam"):
            raise ValueError(f"optimizer must be sgd or adam, got {self.optimizer!r}")
        if not (self.lr > 0 and self.x_max > 0 and self.rtol > 0 and self.atol > 0):
            raise ValueError("lr, x_max, rtol and atol must be positive")

    @property
    def step(self) -> float:
        """The ResNet's step h."""
        return 1.0 / self.depth if self.scaled_step else 1.0


def target(x: Tensor) -> Tensor:
    """y = x^3 + 0.1 x."""
    return x**3 + 0.1 * x


def training_data(cfg: RegressionConfig) -> tuple[Tensor, Tensor]:
    """x: (n_points, 1) evenly spaced over [-x_max, x_max] and y = target(x): (n_points, 1)."""
    x = torch.linspace(-cfg.x_max, cfg.x_max, cfg.n_points).unsqueeze(1)
    return x, target(x)


def _mlp(in_dim: int, hidden: int, gen: torch.Generator) -> nn.Sequential:
    return nn.Sequential(seeded_linear(in_dim, hidden, gen), nn.Tanh(), seeded_linear(hidden, 1, gen))


class ResNetRegressor(nn.Module):
    """y_0 = x, y_{l+1} = y_l + h f_l(y_l), output y_L; f_l an MLP [1, hidden, 1] per layer."""

    def __init__(self, depth: int, hidden: int, step: float, generator: torch.Generator) -> None:
        super().__init__()
        self.step = step
        self.blocks = nn.ModuleList(_mlp(1, hidden, generator) for _ in range(depth))

    def hidden_states(self, x: Tensor) -> Tensor:
        """x: (n, 1) -> (depth + 1, n, 1): the input and the state after each layer (Euler steps)."""
        states = [x]
        for block in self.blocks:
            states.append(states[-1] + self.step * block(states[-1]))
        return torch.stack(states)

    def forward(self, x: Tensor) -> Tensor:
        """x: (n, 1) -> (n, 1)."""
        return self.hidden_states(x)[-1]


class TimeField(nn.Module):
    """f(t, y) = MLP[2, hidden, 1]([y, t]), counting evaluations in `nfe`."""

    def __init__(self, hidden: int, generator: torch.Generator) -> None:
        super().__init__()
        self.net = _mlp(2, hidden, generator)
        self.nfe = 0

    def forward(self, t: Tensor, y: Tensor) -> Tensor:
        self.nfe += 1
        return self.net(torch.cat([y, t.to(y).expand(y.shape[0], 1)], dim=1))


class ODENetRegressor(nn.Module):
    """y(0) = x, dy/dt = f(y, t) on [0, 1] with dopri5, output y(1)."""

    def __init__(self, hidden: int, generator: torch.Generator, rtol: float, atol: float, max_nfe: int):
        super().__init__()
        self.func = TimeField(hidden, generator)
        self.solver = replace(
            UNTIMED,
            method="dopri5",
            step=Tolerances(rtol, atol),
            budget=replace(UNTIMED.budget, max_nfe=max_nfe),
        )

    def trajectory(self, x: Tensor, t: Tensor) -> Tensor:
        """x: (n, 1), t: (T,) from 0 to 1 -> (T, n, 1) states y(t).

        Raises:
            BudgetExceeded: if the solve needs more than `max_nfe` evaluations of f.
        """
        self.func.nfe = 0
        return solve(self.func, x, t.to(x), self.solver).y

    def forward(self, x: Tensor) -> Tensor:
        """x: (n, 1) -> (n, 1)."""
        return self.trajectory(x, torch.tensor([0.0, 1.0]))[-1]


def build_resnet(cfg: RegressionConfig) -> ResNetRegressor:
    return ResNetRegressor(cfg.depth, cfg.hidden, cfg.step, torch.Generator().manual_seed(cfg.seed))


def build_odenet(cfg: RegressionConfig) -> ODENetRegressor:
    gen = torch.Generator().manual_seed(cfg.seed)
    return ODENetRegressor(cfg.hidden, gen, cfg.rtol, cfg.atol, cfg.max_nfe)


@dataclass(frozen=True)
class RegressionFit:
    """A trained regressor: its loss at every step, and whether it finished."""

    losses: tuple[float, ...]
    stopped: StopReason
    wall_s: float


def train_regressor(model: nn.Module, cfg: RegressionConfig, on_step: OnStep | None = None) -> RegressionFit:
    """Full-batch MSE training of either regressor on the textbook's points, left in eval mode.

    `on_step(step, {"loss": ...})` is called after each step (from 1); returning True stops.
    """
    train = TrainConfig(steps=cfg.iterations, lr=cfg.lr, optimizer=cfg.optimizer, max_wall_s=cfg.max_wall_s)
    result = fit(model, full_batch(training_data(cfg)), mse_loss, train, on_step)
    model.eval()
    return RegressionFit(tuple(m["loss"] for m in result.history), result.stop_reason, result.wall_s)


def predict(model: nn.Module, x: Tensor) -> Tensor:
    """Predictions (n, 1) for x: (n, 1) without gradients."""
    with torch.no_grad():
        return model(x)


def extrapolation_error(model: nn.Module, x_max: float = 3.0, n: int = 121) -> float:
    """Root-mean-square error against the target over [-x_max, x_max] (beyond the data when x_max > 2)."""
    x = torch.linspace(-x_max, x_max, n).unsqueeze(1)
    return float(torch.sqrt(torch.mean((predict(model, x) - target(x)) ** 2)))
