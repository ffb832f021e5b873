"""Losses that plug the latent ODE and the RNN baseline into the trainer (`models.nn.supervised.fit_splits`).

Both models train on the same task: from the first m points of a random window, reproduce the whole
window (the seen points and the extrapolation beyond them). The latent ODE is scored by its ELBO, the
RNN by the mean squared error of its one-step predictions on the seen points and its free-running
predictions after them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from models.latent.model import LatentODE, negative_elbo
from models.latent.rnn import RNNBaseline
from models.nn.training import Batch


@dataclass(frozen=True)
class WindowConfig:
    """How the latent ODE's training batches are cut from the spirals.

    Attributes:
        window: consecutive points per training window, starting at a random point (the whole trajectory,
            starting at t = 0, if it is at least as long).
        observed: the encoder sees the first m points of the window, m drawn from these (capped at the window).
        stride: the window is scored on every stride-th point (all points are still read by the encoder);
            with an rk4 step of stride grid spacings the scored times fall on the solver's steps.
        eval_observed: in eval mode, the encoder sees this many first points and the whole trajectory is scored.
        seed: seed of the window, m and reparameterisation draws.
    """

    window: int = 100
    observed: tuple[int, ...] = (30, 50, 100)
    stride: int = 1
    eval_observed: int = 50
    seed: int = 0

    def __post_init__(self) -> None:
        if self.window < 2 or not self.observed or min(self.observed) < 1 or self.eval_observed < 1:
            raise ValueError("window must be >= 2 and observed counts >= 1")
        if self.stride < 1:
            raise ValueError(f"stride must be >= 1, got {self.stride}")


class _WindowedLoss:
    """Draws the window and the number of seen points (random in training, fixed in eval mode)."""

    def __init__(self, t: Tensor, cfg: WindowConfig = WindowConfig()) -> None:
        self.t = t
        self.cfg = cfg
        self.generator = torch.Generator().manual_seed(cfg.seed)

    def _draw(self, high: int) -> int:
        return int(torch.randint(high, (1,), generator=self.generator).item())

    def window(self, x: Tensor, training: bool) -> tuple[Tensor, Tensor, int]:
        """(x_window (batch, W, 2), t_window (W,), m seen points) cut from x: (batch, T, 2)."""
        n_points = x.shape[1]
        if training:
            size = min(self.cfg.window, n_points)
            start = self._draw(n_points - size + 1)
            m = min(self.cfg.observed[self._draw(len(self.cfg.observed))], size)
        else:
            size, start, m = n_points, 0, min(self.cfg.eval_observed, n_points)
        return x[:, start : start + size], self.t[start : start + size], m


class ELBOLoss(_WindowedLoss):
    """`loss_fn(model, batch)` for `fit`: the negative ELBO of a `LatentODE` on batch[0]: (batch, T, 2).

    Holds its own generator, so a training run is reproducible from `WindowConfig.seed`.
    """

    def __call__(self, model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
        assert isinstance(model, LatentODE)
        xw, tw, m = self.window(batch[0], model.training)
        generator = self.generator if model.training else None
        scored = slice(None, None, self.cfg.stride)
        x_hat, mean, logvar = model(xw[:, :m], tw[:m], tw[scored], generator)
        loss, recon, kl = negative_elbo(xw[:, scored], x_hat, mean, logvar, model.cfg.obs_sigma)
        rmse = (x_hat - xw[:, scored]).pow(2).mean().sqrt()
        return loss, {"loss": loss.item(), "recon": recon.item(), "kl": kl.item(), "rmse": rmse.item()}


class ExtrapolationLoss(_WindowedLoss):
    """`loss_fn(model, batch)` for `fit`: MSE of an `RNNBaseline` over a window of batch[0]: (batch, T, 2),
    teacher-forced on the m seen points and free-running after them."""

    def __call__(self, model: nn.Module, batch: Batch) -> tuple[Tensor, dict[str, float]]:
        assert isinstance(model, RNNBaseline)
        xw, tw, m = self.window(batch[0], model.training)
        preds = [model(xw[:, :m], tw[:m])]
        if m < xw.shape[1]:
            preds.append(model.extrapolate(xw[:, :m], tw[:m], tw[m:]))
        loss = F.mse_loss(torch.cat(preds, dim=1), xw[:, 1:])
        return loss, {"loss": loss.item(), "rmse": loss.sqrt().item()}
