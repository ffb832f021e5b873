"""The RNN baseline of the latent-ODE experiment: a GRU reading (x_i, t_{i+1} - t_i) predicts x_{i+1};
it extrapolates by feeding its own predictions back in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from models.latent.model import seeded_gru
from models.nn.odefunc import seeded_linear


@dataclass(frozen=True)
class RNNConfig:
    """Size of the baseline.

    Attributes:
        hidden: width of the GRU.
    """

    hidden: int = 64

    def __post_init__(self) -> None:
        if self.hidden < 1:
            raise ValueError(f"hidden must be >= 1, got {self.hidden}")

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


class RNNBaseline(nn.Module):
    """GRU over (x_i, gap to the next time) with a linear head predicting the step x_{i+1} - x_i."""

    def __init__(self, cfg: RNNConfig = RNNConfig(), seed: int = 0) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.cfg = cfg
        self.gru = seeded_gru(3, cfg.hidden, generator)
        self.head = seeded_linear(cfg.hidden, 2, generator)

    def _inputs(self, x: Tensor, gaps: Tensor) -> Tensor:
        return torch.cat([x, gaps.expand(x.shape[0], -1)[..., None]], dim=-1)

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        """Teacher-forced one-step predictions.

        Args:
            x: (batch, n, 2) observations at increasing times t: (n,).

        Returns:
            (batch, n - 1, 2): the prediction of x[:, i + 1] from x[:, : i + 1].
        """
        out, _ = self.gru(self._inputs(x[:, :-1], t[1:] - t[:-1]))
        return x[:, :-1] + self.head(out)

    def extrapolate(self, x: Tensor, t_obs: Tensor, t_future: Tensor) -> Tensor:
        """Read the observations, then predict at each future time from its own previous prediction.

        Args:
            x: (batch, k, 2) observed at t_obs: (k,).
            t_future: (F,) times after t_obs[-1], increasing.

        Returns:
            (batch, F, 2).
        """
        times = torch.cat([t_obs, t_future])
        gaps = times[1:] - times[:-1]
        out, h = self.gru(self._inputs(x, gaps[: x.shape[1]]))
        last = x[:, -1] + self.head(out[:, -1])
        preds = [last]
        for gap in gaps[x.shape[1] :]:
            out, h = self.gru(self._inputs(last[:, None], gap.reshape(1)), h)
            last = last + self.head(out[:, -1])
            preds.append(last)
        return torch.stack(preds, dim=1)
