"""Supervised training on train/val/test splits: the classification and regression losses, evaluation,
and `fit_splits`, which runs `nn.training.fit` on seeded minibatches with NFE and validation metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from models.nn.odefunc import NFEMetric, count_nfe, reset_nfe
from models.nn.samplers import minibatches
from models.nn.training import Batch, LossFn, OnStep, TrainConfig, TrainResult, fit


class DataSplits(Protocol):
    """Anything with train/val/test splits, each a tuple of tensors sharing their first dimension."""

    @property
    def train(self) -> Sequence[Tensor]: ...

    @property
    def val(self) -> Sequence[Tensor]: ...

    @property
    def test(self) -> Sequence[Tensor]: ...


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


class Validation:
    """An `nn.training.Metric`: the loss's metrics on a split, prefixed `val_`, every `every` steps and at
    the last (never when `every` is 0 or the split is empty)."""

    def __init__(self, split: Sequence[Tensor], loss_fn: LossFn, every: int) -> None:
        self.split, self.loss_fn = split, loss_fn
        self.every = every if len(split) > 0 and int(split[0].shape[0]) > 0 else 0

    def begin(self, model: nn.Module) -> None:
        pass

    def forward_done(self, model: nn.Module) -> None:
        pass

    def end(self, model: nn.Module, step: int, last: bool) -> dict[str, float]:
        if not self.every or not (step % self.every == 0 or last):
            return {}
        val = evaluate(model, self.split, self.loss_fn)
        return {f"val_{k}": v for k, v in val.items() if k != "nfe_forward"}


def fit_splits(
    model: nn.Module,
    splits: DataSplits,
    loss_fn: LossFn,
    config: TrainConfig,
    on_step: OnStep | None = None,
    optimizer: torch.optim.Optimizer | None = None,
) -> TrainResult:
    """`fit` on seeded minibatches of `splits.train` (config.batch_size, config.seed), then evaluate on
    `splits.test` into `result.test`.

    Each step's metrics hold the loss's metrics of the training batch, `nfe_forward` and `nfe_backward`
    (nn.odefunc.NFEMetric), `wall_s` and, every `config.eval_every` steps, the validation metrics
    prefixed `val_`. `optimizer`: continue with this one (see `fit`).
    """
    batches = minibatches(splits.train, config.batch_size, config.seed)
    metrics = (NFEMetric(), Validation(splits.val, loss_fn, config.eval_every))
    result = fit(model, batches, loss_fn, config, on_step, metrics=metrics, optimizer=optimizer)
    result.test = evaluate(model, splits.test, loss_fn)
    return result
