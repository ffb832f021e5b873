"""The Neural ODE paper's Fig. 3, live: NFE against tolerance, forward time against NFE, the backward pass's
cost against forward NFE (backprop through the solver, the adjoint, the adjoint with a seminorm), and forward
NFE over the course of training.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import Tensor, nn

from models.nn.odefunc import ODEFunc
from models.nn.supervised import cross_entropy_loss, fit_splits
from models.nn.training import OnStep, TrainConfig, TrainResult
from models.node_anode.classifiers import Architecture, ModelConfig, ModelSolver, build_model
from models.node_anode.data import ToyDataConfig, make_dataset
from models.ode.solve import UNTIMED, Tolerances, solve

LossHead = Callable[[Tensor], Tensor]


#: The three ways of differentiating a solve that the sweep compares, in the order it runs them.
MODES = ("backprop", "adjoint", "seminorm")


@dataclass(frozen=True)
class NFEStudyConfig:
    """A tolerance sweep of dopri5, each tolerance differentiated three ways (see `MODES`).

    Attributes:
        tolerances: rtol = atol values, forward and adjoint alike.
        t1: integration over [0, t1].
        max_nfe: cap on evaluations of f per forward + backward pass.
        time_budget_s: stop starting new tolerances after this many seconds (the first always runs).
    """

    tolerances: tuple[float, ...] = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6)
    t1: float = 1.0
    max_nfe: int = 20_000
    time_budget_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.tolerances or any(not 0 < tol < 1 for tol in self.tolerances):
            raise ValueError(f"tolerances must be non-empty and lie in (0, 1), got {self.tolerances}")
        if not (math.isfinite(self.t1) and self.t1 > 0) or self.max_nfe < 1:
            raise ValueError("t1 and max_nfe must be positive")


@dataclass(frozen=True)
class BackwardCost:
    """One backward pass: evaluations of f it made, vector-Jacobian products through f it ran, seconds.

    Backprop through the solver evaluates f no more (autograd replays the forward graph, one VJP per
    recorded evaluation that reaches the loss); the adjoint evaluates f once per VJP of its backward solve.
    """

    nfe: int
    vjps: int
    seconds: float


@dataclass(frozen=True)
class NFEPoint:
    """One forward pass at tolerance `tol` and its backward pass each way: `backward[mode]` for `MODES`."""

    tol: float
    nfe_forward: int
    forward_s: float
    backward: dict[str, BackwardCost]


@dataclass(frozen=True)
class NFESweep:
    """The points measured, in tolerance order; `skipped` are tolerances the time budget left out."""

    points: tuple[NFEPoint, ...]
    skipped: tuple[float, ...] = ()

    def column(self, name: str) -> np.ndarray:
        """One attribute of every point as an array, e.g. `column("nfe_forward")`."""
        return np.array([getattr(p, name) for p in self.points], dtype=float)

    def backward_column(self, mode: str, name: str) -> np.ndarray:
        """One attribute of every point's backward pass `mode`, e.g. `backward_column("adjoint", "nfe")`."""
        return np.array([getattr(p.backward[mode], name) for p in self.points], dtype=float)


class VJPCounter(nn.Module):
    """Wraps a field to count the vector-Jacobian products autograd runs through its outputs.

    A hook on each output fires when the gradient reaching it is pulled back through f: once per replayed
    evaluation when backpropagating through the solver, once per backward evaluation of the adjoint.
    """

    def __init__(self, func: nn.Module) -> None:
        super().__init__()
        self.func = func
        self.vjps = 0

    def forward(self, t: Tensor, z: Tensor) -> Tensor:
        out = self.func(t, z)
        if out.requires_grad:
            out.register_hook(self._count)
        return out

    def _count(self, grad: Tensor) -> None:
        self.vjps += 1


def tolerance_sweep(func: ODEFunc, z0: Tensor, head: LossHead, cfg: NFEStudyConfig) -> NFESweep:
    """Solve z(t1) from z0 with dopri5 at each tolerance and backpropagate `head(z(t1))` each of the three
    ways: through the solver's steps, with the adjoint, and with the adjoint under a seminorm.

    The forward NFE is the same each way (the same forward solve); it is recorded from the adjoint's.

    Args:
        func: the field; its gradients are overwritten.
        z0: (batch, dim) initial states.
        head: z(t1): (batch, dim) -> scalar loss.
        cfg: tolerances and budget.

    Raises:
        BudgetExceeded: if one pass needs more than `cfg.max_nfe` evaluations.
    """
    t = torch.tensor([0.0, cfg.t1], dtype=z0.dtype)
    base = replace(
        UNTIMED, method="dopri5", step=Tolerances(), budget=replace(UNTIMED.budget, max_nfe=cfg.max_nfe)
    )
    modes = {
        "backprop": base,
        "adjoint": replace(base, grad="adjoint"),
        "seminorm": replace(base, grad="adjoint", adjoint_seminorm=True),
    }
    counter = VJPCounter(func)
    start = time.perf_counter()
    points: list[NFEPoint] = []
    skipped: list[float] = []
    for tol in cfg.tolerances:
        if points and time.perf_counter() - start > cfg.time_budget_s:
            skipped.append(tol)
            continue
        backward: dict[str, BackwardCost] = {}
        for mode in MODES:
            func.zero_grad(set_to_none=True)
            began = time.perf_counter()
            result = solve(counter, z0, t, replace(modes[mode], step=Tolerances(tol, tol)))
            loss = head(result.y[-1])
            forward_s = time.perf_counter() - began
            counter.vjps = 0
            began = time.perf_counter()
            loss.backward()
            backward[mode] = BackwardCost(result.nfe_backward, counter.vjps, time.perf_counter() - began)
        points.append(NFEPoint(tol, result.nfe, forward_s, backward))
    func.zero_grad(set_to_none=True)
    return NFESweep(tuple(points), tuple(skipped))


def seconds_per_evaluation(sweep: NFESweep) -> float:
    """Least-squares slope of forward time against forward NFE through the origin (paper: time ∝ NFE)."""
    nfe, secs = sweep.column("nfe_forward"), sweep.column("forward_s")
    return float((nfe @ secs) / (nfe @ nfe)) if len(nfe) else math.nan


def backward_forward_ratio(sweep: NFESweep, mode: str = "adjoint") -> float:
    """Median of backward NFE / forward NFE of the adjoint `mode` (the paper reports about one half)."""
    if not sweep.points:
        return math.nan
    return float(np.median(sweep.backward_column(mode, "nfe") / sweep.column("nfe_forward")))


def seminorm_saving(sweep: NFESweep) -> float:
    """Median fraction of the plain adjoint's backward NFE the seminorm saves (Kidger et al. 2021: 0.40)."""
    if not sweep.points:
        return math.nan
    full, semi = sweep.backward_column("adjoint", "nfe"), sweep.backward_column("seminorm", "nfe")
    return float(np.median(1.0 - semi / full))


@dataclass(frozen=True)
class TrainingNFEConfig:
    """A short training of a small NODE classifier whose forward NFE is recorded at every step.

    Defaults are the tutorial's half-moons NODE (2-64-2 tanh, dopri5, logits = final state), trained
    full batch with the adjoint at rtol = atol = 1e-3.
    """

    data: ToyDataConfig = field(default_factory=lambda: ToyDataConfig(name="moons", n=1000))
    model: ModelConfig = ModelConfig(Architecture(kind="node"), ModelSolver(adjoint=True, max_nfe=5000))
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(steps=150, lr=0.01, batch_size=100_000, eval_every=0)
    )
    model_seed: int = 0


def train_recording_nfe(cfg: TrainingNFEConfig, on_step: OnStep | None = None) -> TrainResult:
    """Train the NODE of `cfg`; each step's metrics carry `nfe_forward` and `nfe_backward`.

    The paper's observation (d): as the model learns a more complex flow, the solver needs more NFE.
    """
    splits = make_dataset(cfg.data)
    model = build_model(cfg.model, splits.in_dim, splits.n_out, seed=cfg.model_seed)
    return fit_splits(model, splits, cross_entropy_loss, cfg.train, on_step)
