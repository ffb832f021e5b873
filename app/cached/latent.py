"""Cached models and results for the Latent spirals page.

The two trained models come from `st.cache_resource` (shared, read-only, in eval mode); everything else is
plain numpy from `st.cache_data`, computed under `torch.inference_mode()`. Every decode takes the data's grid
spacing as its rk4 step, finer than the training step: the same learned ODE, solved more accurately and drawn
without corners. A missing or broken checkpoint comes back as a one-line message instead of models.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
import torch

from models.latent.analysis import (
    TABLE_KS,
    ExtrapolationScore,
    encode_mean,
    extrapolation_scores,
    interpolation_family,
    latent_extrapolation,
    pca_basis,
    prior_samples,
    project,
    rnn_extrapolation,
)
from models.latent.checkpoints import load_latent_checkpoint
from models.latent.model import LatentODE
from models.latent.rnn import RNNBaseline
from models.latent.spirals import SpiralConfig, Spirals, make_spirals, random_spiral
from models.nn.checkpoints import CheckpointError

#: Tests point the page at other checkpoints (missing, corrupt) through this variable.
DIR_VARIABLE = "LATENT_CHECKPOINT_DIR"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "checkpoints" / "latent"
#: Interpolation endpoints are encoded from this many first points (the most the model saw in training).
INTERP_OBSERVED = 100
PCA_OBSERVED = 100
#: Alphas decoded at once for an interpolation pair: every position of the page's slider (steps of 0.01).
ALPHA_STEPS = 101
TTL = 3600


@dataclass(frozen=True)
class Models:
    """The trained pair, the data configuration they were trained on, and the script's metadata."""

    latent: LatentODE
    rnn: RNNBaseline
    data: SpiralConfig
    latent_meta: dict[str, Any]
    rnn_meta: dict[str, Any]


def checkpoint_dir() -> str:
    return os.environ.get(DIR_VARIABLE) or str(DEFAULT_DIR)


@st.cache_resource(max_entries=4, ttl=24 * TTL, show_spinner=False)
def load_models(directory: str) -> Models | CheckpointError:
    """Both checkpoints of `directory`, or why they cannot be used."""
    try:
        latent = load_latent_checkpoint(Path(directory) / "latent_ode.pt", "latent_ode")
        rnn = load_latent_checkpoint(Path(directory) / "rnn.pt", "rnn")
        data = SpiralConfig(**latent.meta["data"])
    except CheckpointError as err:
        return err.detached()
    except (KeyError, TypeError, ValueError) as err:
        return CheckpointError(f"checkpoint latent_ode.pt has no usable data configuration ({err})")
    assert isinstance(latent.model, LatentODE) and isinstance(rnn.model, RNNBaseline)
    return Models(latent.model, rnn.model, data, latent.meta, rnn.meta)


def models() -> Models | CheckpointError:
    return load_models(checkpoint_dir())


def _models(directory: str) -> Models:
    loaded = load_models(directory)
    if isinstance(loaded, CheckpointError):
        raise CheckpointError(loaded.message)  # a fresh one: the cached one stays traceback-free
    return loaded


@st.cache_data(max_entries=4, ttl=TTL, show_spinner=False)
def held_out(data: SpiralConfig) -> dict[str, np.ndarray]:
    """The held-out spirals as numpy: t (T,), obs and true (n, T, 2), clockwise (n,)."""
    part = make_spirals(data).held_out
    return {
        "t": part.t.numpy(),
        "obs": part.obs.numpy(),
        "true": part.true.numpy(),
        "clockwise": part.clockwise.numpy(),
    }


def _spiral(data: SpiralConfig, source: str, index: int, seed: int) -> Spirals:
    if source == "random":
        return random_spiral(seed, data)
    h = held_out(data)
    return Spirals(
        t=torch.from_numpy(h["t"]),
        obs=torch.from_numpy(h["obs"][index : index + 1]),
        true=torch.from_numpy(h["true"][index : index + 1]),
        W=torch.zeros(1, 2, 2),
        z0=torch.from_numpy(h["true"][index : index + 1, 0]),
        clockwise=torch.from_numpy(h["clockwise"][index : index + 1]),
    )


@dataclass(frozen=True)
class Extrapolation:
    """One spiral seen for its first k points, and what each model makes of it.

    Attributes:
        t: (T,); obs, true: (T, 2); clockwise: its direction.
        latent: (T, 2) latent ODE decode (reconstruction for t < t_k, extrapolation after).
        rnn: (T - k, 2) RNN extrapolation at t[k:].
        latent_rmse, rnn_rmse: extrapolation RMSE against the true curve at t[k:].
        path: (T, 3) the latent path in the page's fixed PCA projection.
    """

    t: np.ndarray
    obs: np.ndarray
    true: np.ndarray
    clockwise: bool
    latent: np.ndarray
    rnn: np.ndarray
    latent_rmse: float
    rnn_rmse: float
    path: np.ndarray


@st.cache_data(max_entries=8, ttl=TTL, show_spinner=False)
def latent_pca(directory: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed 3-D projection of latent space from the held-out spirals' paths (each encoded from its
    first points): center (L,), basis (3, L), and those paths projected (n, T, 3)."""
    m = _models(directory)
    part = make_spirals(m.data).held_out
    with torch.inference_mode():
        _, paths = latent_extrapolation(m.latent, part.obs, part.t, PCA_OBSERVED, m.data.dt)
        center, basis = pca_basis(paths, dims=min(3, paths.shape[-1]))
        projected = project(paths, center, basis)
    return center.numpy(), basis.numpy(), projected.numpy()


@st.cache_data(max_entries=256, ttl=TTL, show_spinner=False)
def extrapolation(directory: str, source: str, index: int, seed: int, k: int) -> Extrapolation:
    """Both models seeded with the first k points of a held-out spiral (index) or a fresh one (seed)."""
    m = _models(directory)
    spiral = _spiral(m.data, source, index, seed)
    center, basis, _ = latent_pca(directory)
    with torch.inference_mode():
        decoded, path = latent_extrapolation(m.latent, spiral.obs, spiral.t, k, m.data.dt)
        rnn = rnn_extrapolation(m.rnn, spiral.obs, spiral.t, k)
    future = spiral.true[0, k:]
    return Extrapolation(
        t=spiral.t.numpy(),
        obs=spiral.obs[0].numpy(),
        true=spiral.true[0].numpy(),
        clockwise=bool(spiral.clockwise[0]),
        latent=decoded[0].numpy(),
        rnn=rnn[0].numpy(),
        latent_rmse=float((decoded[0, k:] - future).pow(2).mean().sqrt()),
        rnn_rmse=float((rnn[0] - future).pow(2).mean().sqrt()),
        path=project(path[0], torch.from_numpy(center), torch.from_numpy(basis)).numpy(),
    )


def _endpoints(m: Models, a: int, b: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    h = held_out(m.data)
    t = torch.from_numpy(h["t"])
    obs = torch.from_numpy(h["obs"])
    z_a = encode_mean(m.latent, obs[a, :INTERP_OBSERVED], t[:INTERP_OBSERVED])
    z_b = encode_mean(m.latent, obs[b, :INTERP_OBSERVED], t[:INTERP_OBSERVED])
    return t, z_a, z_b


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def family(directory: str, a: int, b: int, steps: int = ALPHA_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """alphas (steps,) evenly over [0, 1] and the decoded family (steps, T, 2), in one batched solve."""
    m = _models(directory)
    alphas = torch.linspace(0.0, 1.0, steps)
    with torch.inference_mode():
        t, z_a, z_b = _endpoints(m, a, b)
        return alphas.numpy(), interpolation_family(m.latent, z_a, z_b, alphas, t, m.data.dt).numpy()


@st.cache_data(max_entries=512, ttl=TTL, show_spinner=False)
def interpolated(directory: str, a: int, b: int, alpha: float) -> np.ndarray:
    """The trajectory decoded from (1 - alpha) z_a + alpha z_b, (T, 2), z from held-out spirals a and b.

    Every slider position is a row of the cached family, so moving the slider only looks it up; an alpha off
    that grid (from a typed link) gets its own solve.
    """
    row = round(alpha * (ALPHA_STEPS - 1))
    if abs(row / (ALPHA_STEPS - 1) - alpha) < 1e-9:
        return family(directory, a, b)[1][row]
    m = _models(directory)
    with torch.inference_mode():
        t, z_a, z_b = _endpoints(m, a, b)
        return interpolation_family(m.latent, z_a, z_b, torch.tensor([alpha]), t, m.data.dt)[0].numpy()


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def prior(directory: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """t (T,) and n trajectories decoded from z0 ~ N(0, I) drawn from `seed`: (n, T, 2)."""
    m = _models(directory)
    t = m.data.times()
    with torch.inference_mode():
        return t.numpy(), prior_samples(m.latent, n, seed, t, m.data.dt).numpy()


@st.cache_data(max_entries=4, ttl=TTL, show_spinner=False)
def rmse_table(directory: str) -> list[ExtrapolationScore]:
    """Extrapolation RMSE of both models on every held-out spiral for 30, 50 and 100 observed points."""
    m = _models(directory)
    with torch.inference_mode():
        return extrapolation_scores(m.latent, m.rnn, make_spirals(m.data).held_out, TABLE_KS, m.data.dt)
