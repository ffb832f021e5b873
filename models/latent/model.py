"""The latent ODE (ODE-VAE): a GRU reads (x, dt) backwards to q(z0), a Neural ODE evolves z0, a decoder maps
each z(t) to x; trained by the ELBO (SCIENCE.md §6).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor, nn

from models.latent.spirals import SpiralConfig
from models.nn.odefunc import ODEFunc, seeded_linear
from models.ode.methods import BY_TORCHDIFFEQ_NAME
from models.ode.solve import UNTIMED, Tolerances, solve, step_control

#: The spiral time grid, on which training queries fall exactly (so rk4 steps land on them).
_GRID_STEP = SpiralConfig().dt


@dataclass(frozen=True)
class LatentODEConfig:
    """Sizes, solver and likelihood of the latent ODE.

    Attributes:
        latent_dim: size of z (the blog uses 6: two for the position, four for the spiral's W).
        hidden: width of the ODE's MLP (two hidden layers, ELU).
        rnn_hidden: width of the GRU encoder.
        dec_hidden: width of the decoder's hidden layer.
        method: "rk4" (fixed steps of `step_size`; queries between steps are interpolated linearly) or
            "dopri5" (adaptive, at `rtol` / `atol`, with its own dense interpolation).
        step_size: rk4 step.
        rtol, atol: dopri5 tolerances.
        obs_sigma: fixed std of the Gaussian likelihood p(x | z).
    """

    latent_dim: int = 6
    hidden: int = 64
    rnn_hidden: int = 32
    dec_hidden: int = 32
    method: Literal["rk4", "dopri5"] = "rk4"
    step_size: float = _GRID_STEP
    rtol: float = 1e-3
    atol: float = 1e-4
    obs_sigma: float = 0.1

    def __post_init__(self) -> None:
        if min(self.latent_dim, self.hidden, self.rnn_hidden, self.dec_hidden) < 1:
            raise ValueError("every size must be >= 1")
        if self.method not in ("rk4", "dopri5"):
            raise ValueError(f"method must be rk4 or dopri5, got {self.method!r}")
        if not all(0 < v < math.inf for v in (self.step_size, self.rtol, self.atol, self.obs_sigma)):
            raise ValueError("step_size, rtol, atol and obs_sigma must be positive and finite")

    def to_dict(self) -> dict[str, int | float]:
        return dataclasses.asdict(self)


def seeded_gru(input_size: int, hidden: int, generator: torch.Generator) -> nn.GRU:
    """A one-layer batch-first `nn.GRU` with PyTorch's default U(-1/sqrt(hidden), 1/sqrt(hidden)) init,
    drawn from `generator`; `fork_rng` undoes the draws construction makes from the global RNG."""
    with torch.random.fork_rng(devices=[]):
        gru = nn.GRU(input_size, hidden, batch_first=True)
    bound = 1.0 / math.sqrt(hidden)
    with torch.no_grad():
        for p in gru.parameters():
            p.uniform_(-bound, bound, generator=generator)
    gru.flatten_parameters()
    return gru


class Encoder(nn.Module):
    """GRU that reads the observations from last to first and outputs q(z0) at the first time."""

    def __init__(self, cfg: LatentODEConfig, generator: torch.Generator) -> None:
        super().__init__()
        self.gru = seeded_gru(3, cfg.rnn_hidden, generator)
        self.head = seeded_linear(cfg.rnn_hidden, 2 * cfg.latent_dim, generator)

    def forward(self, x: Tensor, t: Tensor) -> tuple[Tensor, Tensor]:
        """Encode.

        Args:
            x: (batch, n, 2) observations at increasing times `t: (n,)`.

        Returns:
            mean and log-variance of q(z(t[0]) | x), each (batch, latent_dim).
        """
        # Read backwards: the step reading x_i also sees the gap t_{i+1} - t_i to the point read before it.
        gaps = torch.cat([t[1:] - t[:-1], t.new_zeros(1)]).flip(0)
        inputs = torch.cat([x.flip(1), gaps.expand(x.shape[0], -1)[..., None]], dim=-1)
        _, h = self.gru(inputs)
        mean, logvar = self.head(h[0]).chunk(2, dim=-1)
        return mean, logvar


class LatentODE(nn.Module):
    """Encoder, latent ODE dz/dt = f(z) (MLP with ELU) and decoder (Linear-ReLU-Linear to 2-D)."""

    def __init__(self, cfg: LatentODEConfig = LatentODEConfig(), seed: int = 0) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.cfg = cfg
        self.encoder = Encoder(cfg, generator)
        self.func = ODEFunc(cfg.latent_dim, cfg.hidden, generator, activation="elu", layers=2)
        self.decoder = nn.Sequential(
            seeded_linear(cfg.latent_dim, cfg.dec_hidden, generator),
            nn.ReLU(),
            seeded_linear(cfg.dec_hidden, 2, generator),
        )

    def encode(self, x: Tensor, t: Tensor) -> tuple[Tensor, Tensor]:
        """q(z(t[0]) | x): mean and log-variance, each (batch, latent_dim), from x: (batch, n, 2) at t: (n,)."""
        return self.encoder(x, t)

    @staticmethod
    def sample(mean: Tensor, logvar: Tensor, generator: torch.Generator | None) -> Tensor:
        """Reparameterised z0 = mean + exp(logvar / 2) * eps; with no generator, the mean itself."""
        if generator is None:
            return mean
        eps = torch.randn(mean.shape, generator=generator, dtype=mean.dtype)
        return mean + torch.exp(0.5 * logvar) * eps

    def latent_path(
        self, z0: Tensor, t: Tensor, t0: float | Tensor | None = None, step_size: float | None = None
    ) -> Tensor:
        """Solve the latent ODE from z0 at time t0 (default t[0]) to the times t.

        Args:
            z0: (batch, latent_dim).
            t: (T,) increasing times, none before t0; any times, on the step grid or between its steps.
            step_size: an rk4 step other than the config's (a finer one solves the same learned ODE more
                accurately, for drawing).

        Returns:
            (batch, T, latent_dim).
        """
        t = t.to(z0.dtype)
        start = t[0] if t0 is None else torch.as_tensor(t0, dtype=z0.dtype)
        if len(t) > 1 and not bool((t[1:] > t[:-1]).all()):
            raise ValueError("query times must be strictly increasing")
        if bool(t[0] < start):
            raise ValueError("query times must not come before the encoding time t0")
        prepend = bool(t[0] > start)
        times = torch.cat([start.reshape(1), t]) if prepend else t
        if len(times) == 1:
            return z0[:, None]
        # rk4 steps in whole steps from t0, so that a query on the grid gets the same value in any call.
        method = BY_TORCHDIFFEQ_NAME[self.cfg.method].key
        h = self.cfg.step_size if step_size is None else step_size
        solver = dataclasses.replace(
            UNTIMED, method=method, step=step_control(method, h, Tolerances(self.cfg.rtol, self.cfg.atol))
        )
        path = solve(self.func, z0, times, solver).y
        return path[1:].transpose(0, 1) if prepend else path.transpose(0, 1)

    def decode(
        self, z0: Tensor, t: Tensor, t0: float | Tensor | None = None, step_size: float | None = None
    ) -> Tensor:
        """Decoded trajectory (batch, T, 2) at the times t: (T,) from z0: (batch, latent_dim) at t0."""
        return self.decoder(self.latent_path(z0, t, t0, step_size))

    def forward(
        self, x: Tensor, t_obs: Tensor, t_query: Tensor, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Tensor, Tensor]:
        """Encode x: (batch, n, 2) seen at t_obs: (n,) and decode at t_query: (T,) (from t_obs[0]).

        Returns:
            x_hat (batch, T, 2), mean and logvar (batch, latent_dim); z0 is sampled if a generator is given.
        """
        mean, logvar = self.encode(x, t_obs)
        z0 = self.sample(mean, logvar, generator)
        return self.decode(z0, t_query, t_obs[0]), mean, logvar


def kl_to_standard_normal(mean: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(mean, exp(logvar)) || N(0, I)) per row, in closed form: (batch, d) -> (batch,)."""
    return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=-1)


def negative_elbo(
    x: Tensor, x_hat: Tensor, mean: Tensor, logvar: Tensor, obs_sigma: float
) -> tuple[Tensor, Tensor, Tensor]:
    """The loss of SCIENCE.md §6, per point: [0.5 sum (x - x_hat)^2 / sigma^2 + KL] / points, batch-averaged.

    Args:
        x, x_hat: (batch, T, 2) targets and reconstructions.
        mean, logvar: (batch, latent_dim) of q(z0).
        obs_sigma: the likelihood's fixed std (the constant log-normaliser is left out).

    Returns:
        (loss, reconstruction term, KL term), each a scalar divided by the T points.
    """
    points = x.shape[1]
    recon = 0.5 * (x - x_hat).pow(2).sum(dim=(1, 2)) / obs_sigma**2 / points
    kl = kl_to_standard_normal(mean, logvar) / points
    return (recon + kl).mean(), recon.mean(), kl.mean()
