"""What the Latent spirals page shows, computed: extrapolation from the first k points (latent ODE and RNN),
the table of extrapolation RMSE, linear interpolation between two encodings, prior samples, a fixed PCA.

Callers run these under `torch.inference_mode()`; the latent ODE always decodes from the mean of q(z0).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from models.latent.model import LatentODE
from models.latent.rnn import RNNBaseline
from models.latent.spirals import Spirals

#: Chen et al. (2018) Table 2, predictive RMSE on spirals: observed points -> (RNN, latent ODE).
PAPER_TABLE2: dict[int, tuple[float, float]] = {
    30: (0.3937, 0.1642),
    50: (0.3202, 0.1502),
    100: (0.1813, 0.1346),
}
TABLE_KS: tuple[int, ...] = (30, 50, 100)


def rmse(pred: Tensor, true: Tensor) -> float:
    """Root mean squared error over every point and coordinate."""
    return float((pred - true).pow(2).mean().sqrt())


def latent_extrapolation(
    model: LatentODE, obs: Tensor, t: Tensor, k: int, step_size: float | None = None
) -> tuple[Tensor, Tensor]:
    """Encode the first k points and decode at every time.

    Args:
        obs: (batch, T, 2) observations at t: (T,); only obs[:, :k] is read.
        step_size: rk4 step of the decode (None: the model's training step).

    Returns:
        decoded (batch, T, 2) (reconstruction for the first k, extrapolation after) and the latent path
        (batch, T, latent_dim).
    """
    mean, _ = model.encode(obs[:, :k], t[:k])
    path = model.latent_path(mean, t, step_size=step_size)
    return model.decoder(path), path


def rnn_extrapolation(model: RNNBaseline, obs: Tensor, t: Tensor, k: int) -> Tensor:
    """The RNN's predictions at t[k:] from obs[:, :k]: (batch, T - k, 2)."""
    return model.extrapolate(obs[:, :k], t[:k], t[k:])


@dataclass(frozen=True)
class ExtrapolationScore:
    """Extrapolation RMSE against the noise-free curve at the times after the k observed points, and that of
    predicting the origin (where every spiral ends), the floor any model must beat."""

    k: int
    latent_rmse: float
    rnn_rmse: float
    origin_rmse: float

    @property
    def ratio(self) -> float:
        """RNN RMSE / latent ODE RMSE (the paper's is 2.4 at 30 points)."""
        return self.rnn_rmse / self.latent_rmse


def extrapolation_scores(
    latent: LatentODE,
    rnn: RNNBaseline,
    spirals: Spirals,
    ks: tuple[int, ...] = TABLE_KS,
    step_size: float | None = None,
) -> list[ExtrapolationScore]:
    """Both models, seeded with the first k noisy points of each spiral, scored on the rest of it
    (`step_size`: the latent ODE's rk4 step, None for its training step)."""
    scores = []
    for k in ks:
        future = spirals.true[:, k:]
        latent_pred, _ = latent_extrapolation(latent, spirals.obs, spirals.t, k, step_size)
        rnn_pred = rnn_extrapolation(rnn, spirals.obs, spirals.t, k)
        origin = rmse(torch.zeros_like(future), future)
        scores.append(ExtrapolationScore(k, rmse(latent_pred[:, k:], future), rmse(rnn_pred, future), origin))
    return scores


def table2_lines(scores: list[ExtrapolationScore]) -> list[str]:
    """Our extrapolation RMSE beside the paper's Table 2, as aligned text lines (scripts and benchmarks)."""
    lines = [
        f"{'k':>4} {'RNN':>8} {'latent':>8} {'ratio':>6} {'origin':>8}   paper: {'RNN':>6} {'latent':>6} {'ratio':>5}"
    ]
    for s in scores:
        p_rnn, p_latent = PAPER_TABLE2[s.k]
        lines.append(
            f"{s.k:>4} {s.rnn_rmse:8.4f} {s.latent_rmse:8.4f} {s.ratio:6.2f} {s.origin_rmse:8.4f}          "
            f"{p_rnn:6.4f} {p_latent:6.4f} {p_rnn / p_latent:5.2f}"
        )
    lines.append(
        "(origin: the RMSE of predicting (0, 0), where every spiral ends: the floor any model must beat)"
    )
    return lines


def interpolate_z0(z_a: Tensor, z_b: Tensor, alphas: Tensor) -> Tensor:
    """(1 - alpha) z_a + alpha z_b for each alpha: z_a, z_b (latent_dim,), alphas (A,) -> (A, latent_dim)."""
    return torch.lerp(z_a[None], z_b[None], alphas.to(z_a.dtype)[:, None])


def encode_mean(model: LatentODE, obs: Tensor, t: Tensor) -> Tensor:
    """The mean of q(z0) of one spiral: obs (T, 2) at t (T,) -> (latent_dim,)."""
    return model.encode(obs[None], t)[0][0]


def interpolation_family(
    model: LatentODE, z_a: Tensor, z_b: Tensor, alphas: Tensor, t: Tensor, step_size: float | None = None
) -> Tensor:
    """Decoded trajectories (A, T, 2) for z0 moved linearly from z_a (alpha 0) to z_b (alpha 1)."""
    return model.decode(interpolate_z0(z_a, z_b, alphas), t, step_size=step_size)


def prior_samples(model: LatentODE, n: int, seed: int, t: Tensor, step_size: float | None = None) -> Tensor:
    """Decode n draws z0 ~ N(0, I) from `seed`: (n, T, 2)."""
    generator = torch.Generator().manual_seed(seed)
    z0 = torch.randn(n, model.cfg.latent_dim, generator=generator)
    return model.decode(z0, t, step_size=step_size)


def pca_basis(paths: Tensor, dims: int = 3) -> tuple[Tensor, Tensor]:
    """A fixed projection of latent paths: their mean (L,) and top principal directions (dims, L).

    Args:
        paths: (batch, T, L) latent trajectories; every point counts once.
    """
    points = paths.reshape(-1, paths.shape[-1])
    center = points.mean(dim=0)
    _, _, vh = torch.linalg.svd(points - center, full_matrices=False)
    basis = vh[:dims]
    # The sign of a singular vector is arbitrary; fix it so the projection does not flip between runs.
    signs = torch.sign(basis[torch.arange(len(basis)), basis.abs().argmax(dim=1)])
    return center, basis * signs[:, None]


def project(paths: Tensor, center: Tensor, basis: Tensor) -> Tensor:
    """(..., L) latent points onto the basis: (..., dims)."""
    return (paths - center) @ basis.T
