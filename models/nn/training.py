"""The one trainer: `fit(model, batches, loss, config, on_step)` knows nothing of the model.

Batches come from any iterable (see nn.samplers), the loss is `loss(model, batch) -> (loss, metrics)`,
extra per-step metrics plug in as `Metric`s (NFE, validation), and one rule decides when to stop.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import torch
from torch import Tensor, nn

Batch = tuple[Tensor, ...]
LossFn = Callable[[nn.Module, Batch], tuple[Tensor, dict[str, float]]]
OnStep = Callable[[int, dict[str, float]], bool | None]
StopReason = Literal["completed", "callback", "non_finite", "time_budget", "error"]
Optimizer = Literal["adam", "sgd"]


class Metric(Protocol):
    """A per-step measurement around the optimiser step (e.g. nn.odefunc.NFEMetric, nn.supervised.Validation).

    `begin` runs before the forward pass, `forward_done` between forward and backward, and `end` after the
    optimiser step; the keys `end` returns join the step's metrics.
    """

    def begin(self, model: nn.Module) -> None: ...

    def forward_done(self, model: nn.Module) -> None: ...

    def end(self, model: nn.Module, step: int, last: bool) -> dict[str, float]: ...


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    Attributes:
        steps: optimiser steps.
        lr: learning rate.
        optimizer: "adam" or "sgd" (plain, no momentum).
        batch_size: rows per step for the minibatch sampler (>= the training set size means full batch).
        seed: seed of the minibatch order.
        eval_every: evaluate on the validation split every this many steps (and at the last); 0: never.
        snapshots_every: keep a copy of the weights every this many steps (and at steps 0 and last); 0: never.
        max_wall_s: stop once training has run this many seconds (None: no limit).
        final_lr: anneal the learning rate from `lr` to this along a cosine over `steps` (None: constant).
    """

    steps: int = 300
    lr: float = 5e-3
    optimizer: Optimizer = "adam"
    batch_size: int = 128
    seed: int = 0
    eval_every: int = 10
    snapshots_every: int = 0
    max_wall_s: float | None = None
    final_lr: float | None = None

    def __post_init__(self) -> None:
        if self.steps < 0 or self.batch_size < 1 or self.eval_every < 0 or self.snapshots_every < 0:
            raise ValueError("steps, eval_every, snapshots_every must be >= 0 and batch_size >= 1")
        if not self.lr > 0 or (self.final_lr is not None and not 0 <= self.final_lr <= self.lr):
            raise ValueError(f"lr must be positive and final_lr in [0, lr], got {self.lr}, {self.final_lr}")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer must be adam or sgd, got {self.optimizer!r}")


@dataclass
class TrainResult:
    """What `fit` did.

    Attributes:
        history: one metrics dict per step (the same dicts `on_step` received).
        test: metrics on a held-out split after training, where the caller measured them (nn.supervised).
        steps_done: optimiser steps taken.
        stop_reason: why training ended.
        snapshots: (step, state_dict copy) pairs, if requested.
        wall_s: seconds the training took.
        error: the exception (one of `stop_on`) that ended training, if one did.
    """

    history: list[dict[str, float]] = field(default_factory=list)
    test: dict[str, float] = field(default_factory=dict)
    steps_done: int = 0
    stop_reason: StopReason = "completed"
    snapshots: list[tuple[int, dict[str, Tensor]]] = field(default_factory=list)
    wall_s: float = 0.0
    error: Exception | None = None


def snapshot_state(model: nn.Module) -> dict[str, Tensor]:
    """A detached copy of the model's state dict (later steps do not change it)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def stop_reason(stop: bool | None, loss: float, wall_s: float, max_wall_s: float | None) -> StopReason | None:
    """The one stop rule: the callback asked, the loss stopped being finite, or time ran out."""
    if stop is True:
        return "callback"
    if not math.isfinite(loss):
        return "non_finite"
    if max_wall_s is not None and wall_s >= max_wall_s:
        return "time_budget"
    return None


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """The optimiser `config` names over the model's parameters (pass it to `fit` to keep its state)."""
    if config.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config.lr)
    return torch.optim.Adam(model.parameters(), lr=config.lr)


def fit(
    model: nn.Module,
    batches: Iterable[Batch],
    loss: LossFn,
    config: TrainConfig,
    on_step: OnStep | None = None,
    *,
    metrics: Sequence[Metric] = (),
    stop_on: tuple[type[Exception], ...] = (),
    optimizer: torch.optim.Optimizer | None = None,
) -> TrainResult:
    """Train `model` for `config.steps` optimiser steps, one batch drawn from `batches` per step.

    Each step's metrics hold the loss's metrics, those of every `Metric` in order, and `wall_s` (seconds
    since fit began). Training stops early when `on_step` returns True, the loss is not finite, or
    `config.max_wall_s` has passed; an exception of a type in `stop_on` raised by a step ends training
    too (stop_reason "error", the exception in `result.error`), keeping the steps before it.

    Args:
        model: any module `loss` understands.
        batches: yields at least `config.steps` batches (nn.samplers: full batch, minibatches, time windows).
        loss: (model, batch) -> (scalar loss, metrics dict).
        config: steps, optimiser, learning rate, snapshot cadence, time budget.
        on_step: called as on_step(step, metrics) after each step (step starts at 1); returning True stops.
        metrics: per-step measurements, e.g. NFE or validation.
        stop_on: exception types that end training as a stop rather than propagate.
        optimizer: continue with this one (`make_optimizer`), its state (Adam's moments) carried over from
            earlier calls, at `config.lr`; None: a fresh one.

    Returns:
        History, steps done, why training stopped, optional weight snapshots, wall time.
    """
    if optimizer is None:
        optimizer = make_optimizer(model, config)
    for group in optimizer.param_groups:
        group["lr"] = config.lr
    schedule = None
    if config.final_lr is not None:
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, max(config.steps, 1), config.final_lr
        )
    draws = iter(batches)
    result = TrainResult()
    every = config.snapshots_every
    if every:
        result.snapshots.append((0, snapshot_state(model)))
    model.train()
    start = time.perf_counter()
    for step in range(1, config.steps + 1):
        try:
            batch = next(draws)
            optimizer.zero_grad(set_to_none=True)
            for metric in metrics:
                metric.begin(model)
            value, step_metrics = loss(model, batch)
            for metric in metrics:
                metric.forward_done(model)
            value.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
        except stop_on as err:
            result.stop_reason, result.error = "error", err
            break
        last = step == config.steps
        for metric in metrics:
            step_metrics = {**step_metrics, **metric.end(model, step, last)}
        if every and (step % every == 0 or last):
            result.snapshots.append((step, snapshot_state(model)))
        step_metrics["wall_s"] = time.perf_counter() - start
        result.history.append(step_metrics)
        result.steps_done = step
        stop = on_step(step, step_metrics) if on_step is not None else None
        reason = stop_reason(stop, value.item(), step_metrics["wall_s"], config.max_wall_s)
        if reason is not None:
            result.stop_reason = reason
            break
    if every and result.snapshots[-1][0] != result.steps_done:
        result.snapshots.append((result.steps_done, snapshot_state(model)))
    result.wall_s = time.perf_counter() - start
    return result
