"""A model-agnostic training loop (Adam, seeded minibatches) reporting through `on_step(step, metrics)`.

The loss is pluggable: `loss_fn(model, batch) -> (loss, metrics)`; batches are tuples of tensor rows.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from models.nn.odefunc import count_nfe, reset_nfe

Batch = tuple[Tensor, ...]
LossFn = Callable[[nn.Module, Batch], tuple[Tensor, dict[str, float]]]
OnStep = Callable[[int, dict[str, float]], bool | None]
StopReason = Literal["completed", "callback", "non_finite", "time_budget"]


class DataSplits(Protocol):
    """Anything with train/val/test splits, each a tuple of tensors sharing their first dimension."""

    @property
    def train(self) -> Sequence[Tensor]: ...

    @property
    def val(self) -> Sequence[Tensor]: ...

    @property
    def test(self) -> Sequence[Tensor]: ...


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    Attributes:
        steps: optimiser steps.
        lr: Adam learning rate.
        batch_size: rows per step (>= the training set size means full batch).
        seed: seed of the minibatch order.
        eval_every: evaluate on the validation split every this many steps (and at the last); 0: never.
        snapshots_every: keep a copy of the weights every this many steps (and at steps 0 and last); 0: never.
        max_wall_s: stop once training has run this many seconds (None: no limit).
    """

    steps: int = 300
    lr: float = 5e-3
    batch_size: int = 128
    seed: int = 0
    eval_every: int = 10
    snapshots_every: int = 0
    max_wall_s: float | None = None

    def __post_init__(self) -> None:
        if self.steps < 0 or self.batch_size < 1 or self.eval_every < 0 or self.snapshots_every < 0:
            raise ValueError("steps, eval_every, snapshots_every must be >= 0 and batch_size >= 1")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")


@dataclass
class TrainResult:
    """What `fit` did.

    Attributes:
        history: one metrics dict per step (the same dicts `on_step` received).
        test: metrics on the test split after training (with its forward NFE).
        steps_done: optimiser steps taken.
        stop_reason: why training ended.
        snapshots: (step, state_dict copy) pairs, if requested.
    """

    history: list[dict[str, float]] = field(default_factory=list)
    test: dict[str, float] = field(default_factory=dict)
    steps_done: int = 0
    stop_reason: StopReason = "completed"
    snapshots: list[tuple[int, dict[str, Tensor]]] = field(default_factory=list)


def cross_entropy_loss(model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
    """Classification loss: batch = (x: (n, d), y: (n,) int64); metrics loss and accuracy."""
    x, y = batch[0], batch[1]
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, {"loss": loss.item(), "accuracy": accuracy}


def mse_loss(model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
    """Regression loss: batch = (x: (n, d), y: (n, k) float); metrics loss (MSE)."""
    x, y = batch[0], batch[1]
    loss = F.mse_loss(model(x), y)
    return loss, {"loss": loss.item()}


def loss_for_task(task: Literal["classification", "regression"]) -> LossFn:
    """The loss matching a toy data set's task."""
    return cross_entropy_loss if task == "classification" else mse_loss


def evaluate(
    model: nn.Module, split: Sequence[Tensor], loss_fn: LossFn = cross_entropy_loss
) -> dict[str, float]:
    """Metrics of `loss_fn` on a whole split without gradients, plus the forward NFE `nfe_forward`."""
    was_training = model.training
    model.eval()
    reset_nfe(model)
    with torch.no_grad():
        _, metrics = loss_fn(model, tuple(split))
    model.train(was_training)
    return {**metrics, "nfe_forward": float(count_nfe(model))}


def _batches(n: int, batch_size: int, generator: torch.Generator):
    """Endless row indices: a fresh permutation each epoch, cut into batches."""
    while True:
        if batch_size >= n:
            yield None
            continue
        perm = torch.randperm(n, generator=generator)
        for start in range(0, n - batch_size + 1, batch_size):
            yield perm[start : start + batch_size]


def _snapshot(model: nn.Module) -> dict[str, Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def fit(
    model: nn.Module,
    splits: DataSplits,
    cfg: TrainConfig,
    loss_fn: LossFn = cross_entropy_loss,
    on_step: OnStep | None = None,
) -> TrainResult:
    """Train `model` with Adam on `splits.train`, report each step, then evaluate on `splits.test`.

    Each step's metrics hold the loss_fn metrics of the training batch, `nfe_forward` (evaluations
    during the forward pass), `nfe_backward` (evaluations during backward: the adjoint solve; 0 when
    backpropagating through the solver, which re-evaluates nothing), `wall_s` (seconds since fit
    began) and, on evaluation steps, the validation metrics prefixed `val_`.

    Args:
        model: any module `loss_fn` understands; NFE is read from submodules with an `nfe` counter.
        splits: train/val/test tuples of tensors sharing their first dimension.
        cfg: steps, learning rate, batch size, seed, evaluation and snapshot cadence.
        loss_fn: (model, batch) -> (scalar loss, metrics dict).
        on_step: called as on_step(step, metrics) after each step (step starts at 1); returning True stops.

    Returns:
        History, test metrics, steps done, why training stopped and optional weight snapshots.
    """
    train = tuple(splits.train)
    n_train = int(train[0].shape[0])
    has_val = len(splits.val) > 0 and int(splits.val[0].shape[0]) > 0
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    batches = _batches(n_train, cfg.batch_size, torch.Generator().manual_seed(cfg.seed))
    result = TrainResult()
    if cfg.snapshots_every:
        result.snapshots.append((0, _snapshot(model)))
    model.train()
    start = time.perf_counter()
    for step in range(1, cfg.steps + 1):
        idx = next(batches)
        batch = train if idx is None else tuple(t[idx] for t in train)
        optimizer.zero_grad(set_to_none=True)
        reset_nfe(model)
        loss, metrics = loss_fn(model, batch)
        nfe_forward = count_nfe(model)
        loss.backward()
        nfe_backward = count_nfe(model) - nfe_forward
        optimizer.step()
        metrics = {**metrics, "nfe_forward": float(nfe_forward), "nfe_backward": float(nfe_backward)}
        is_last = step == cfg.steps
        if has_val and cfg.eval_every and (step % cfg.eval_every == 0 or is_last):
            val = evaluate(model, splits.val, loss_fn)
            metrics.update({f"val_{k}": v for k, v in val.items() if k != "nfe_forward"})
        if cfg.snapshots_every and (step % cfg.snapshots_every == 0 or is_last):
            result.snapshots.append((step, _snapshot(model)))
        metrics["wall_s"] = time.perf_counter() - start
        result.history.append(metrics)
        result.steps_done = step
        stop = on_step(step, metrics) if on_step is not None else None
        if stop is True:
            result.stop_reason = "callback"
        elif not math.isfinite(loss.item()):
            result.stop_reason = "non_finite"
        elif cfg.max_wall_s is not None and metrics["wall_s"] >= cfg.max_wall_s:
            result.stop_reason = "time_budget"
        if result.stop_reason != "completed":
            break
    if cfg.snapshots_every and result.snapshots[-1][0] != result.steps_done:
        result.snapshots.append((result.steps_done, _snapshot(model)))
    result.test = evaluate(model, splits.test, loss_fn)
    return result
