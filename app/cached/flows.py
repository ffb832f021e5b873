"""Cached flows and results for the Normalizing flows page.

The shipped flows come from `st.cache_resource` (shared, read-only, in eval mode); results are numpy or
figures from `st.cache_data`, computed under `torch.no_grad()` (not inference mode: the CNF's trace needs
autograd inside the solve). A missing or broken checkpoint, or a solve that cannot finish, comes back as a
`Failure` with its one-line message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from components.flow_density_figures import timelapse_figure
from models.failure import Failure
from models.flows.catalog import cnf_stem, planar_stem
from models.flows.checkpoints import Kind, LoadedFlow, load_flow_checkpoint
from models.flows.cnf import CNF
from models.flows.estimators import NFEComparison, nfe_comparison, trace_spread
from models.flows.planar import PlanarFlow
from models.flows.timelapse import (
    FrameGrid,
    density_frames,
    field_frames,
    frame_times,
    reverse_frames,
    sample_frames,
)
from models.flows.training import held_out
from models.ode.solve import Budget, SolveError

#: Tests point the page at other checkpoints (missing, corrupt) through this variable.
DIR_VARIABLE = "FLOWS_CHECKPOINT_DIR"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "checkpoints" / "flows"
#: The page's grid: 21 frames of 40 x 40 (drawn smoothed) and 11 x 11 arrows keep the animation light to
#: send (the benchmark times 41 frames of 100 x 100).
GRID = FrameGrid(frames=21, n=40, arrows=11)
#: A page's solve stops within a few seconds, and a point beyond this is a blow-up.
BUDGET = Budget(max_nfe=5000, deadline_s=4.0, max_abs_state=1e4)
SAMPLES = 600
TTL = 3600


def checkpoint_dir() -> str:
    return os.environ.get(DIR_VARIABLE) or str(DEFAULT_DIR)


@st.cache_resource(max_entries=16, ttl=24 * TTL, show_spinner=False)
def load_flow(directory: str, stem: str, kind: Kind) -> LoadedFlow | Failure:
    """One shipped flow, or why it cannot be used."""
    try:
        return load_flow_checkpoint(Path(directory) / f"{stem}.pt", kind)
    except Failure as err:
        return err.detached()


def cnf(target: str, regularised: bool = False) -> LoadedFlow | Failure:
    return load_flow(checkpoint_dir(), cnf_stem(target, regularised), "cnf")  # type: ignore[arg-type]


def planar(layers: int) -> LoadedFlow | Failure:
    return load_flow(checkpoint_dir(), planar_stem(layers), "planar")


def _model(directory: str, stem: str, kind: Kind) -> Any:
    loaded = load_flow(directory, stem, kind)
    if isinstance(loaded, Failure):
        raise Failure(loaded.message)  # a fresh one: the cached one stays traceback-free
    return loaded.model


@dataclass(frozen=True)
class TimeLapse:
    """A flow's frames: axis (n,), density (F, n, n), samples (F, m, 2), arrow points (a, 2), velocity
    (F, a, 2) and times (F,), ordered as shown (from the data back to the Gaussian when reversed)."""

    axis: np.ndarray
    density: np.ndarray
    samples: np.ndarray
    arrow_points: np.ndarray
    velocity: np.ndarray
    times: np.ndarray


@st.cache_data(max_entries=24, ttl=TTL, show_spinner=False)
def timelapse(directory: str, target: str, regularised: bool, direction: str) -> TimeLapse | Failure:
    """The frames of the shipped CNF for `target`, base to data ("forward") or data to base ("reverse")."""
    try:
        model: CNF = _model(directory, cnf_stem(target, regularised), "cnf")  # type: ignore[arg-type]
        with torch.no_grad():
            density = density_frames(model, GRID, BUDGET).exp()
            points, velocity = field_frames(model, GRID)
            times = frame_times(model, GRID)
            if direction == "reverse":
                samples = reverse_frames(model, GRID, held_out(target, SAMPLES), BUDGET)  # type: ignore[arg-type]
                density, velocity, times = density.flip(0), -velocity.flip(0), times.flip(0)
            else:
                samples = sample_frames(model, GRID, SAMPLES, seed=0, budget=BUDGET)
    except (Failure, SolveError, AssertionError) as err:  # torchdiffeq: AssertionError for "underflow in dt"
        return Failure.of(err).detached()
    return TimeLapse(
        GRID.axis().numpy(), density.numpy(), samples.numpy(), points.numpy(), velocity.numpy(), times.numpy()
    )


def timelapse_view(
    directory: str, target: str, regularised: bool, direction: str, frame: int, particles: int = SAMPLES
) -> go.Figure | Failure:
    """The time-lapse figure opening on `frame` with the first `particles` of its samples (independent
    draws, so any first few are a fair cloud), or why there is none: for `figure_spec`, which keeps the
    finished spec of each distinct view (a cache here too would keep every view's frames twice)."""
    lapse = timelapse(directory, target, regularised, direction)
    if isinstance(lapse, Failure):
        return lapse
    samples = lapse.samples[:, :particles]
    return timelapse_figure(
        lapse.axis, lapse.density, samples, lapse.arrow_points, lapse.velocity, lapse.times, frame
    )


@st.cache_data(max_entries=8, ttl=TTL, show_spinner=False)
def planar_density(directory: str, layers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | Failure:
    """The shipped planar flow's density on the page's grid: axis (n,), density (n, n), samples (m, 2)."""
    try:
        model: PlanarFlow = _model(directory, planar_stem(layers), "planar")
    except Failure as err:
        return err.detached()
    with torch.no_grad():
        density = model.log_prob(GRID.points()).exp().reshape(GRID.n, GRID.n)
        samples = model.sample(SAMPLES, torch.Generator().manual_seed(0))
    return GRID.axis().numpy(), density.numpy(), samples.numpy()


@dataclass(frozen=True)
class EstimatorStudy:
    """At held-out points: the exact trace and each noise's (mean, std) of single-draw estimates; and the
    NFE of one log-density solve with the noise drawn once or redrawn at every evaluation."""

    exact: np.ndarray
    spread: dict[str, tuple[np.ndarray, np.ndarray]]
    draws: int
    nfe: NFEComparison


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def estimator_study(directory: str, target: str, noise: str) -> EstimatorStudy | Failure:
    """Hutchinson against the exact trace on the shipped CNF for `target`, at t = t1 / 2."""
    try:
        model: CNF = _model(directory, cnf_stem(target), "cnf")  # type: ignore[arg-type]
        x = held_out(target, 40)  # type: ignore[arg-type]
        t = model.cfg.t1 / 2
        spreads = {
            kind: trace_spread(model, x, t, kind, draws=200, seed=0) for kind in ("gaussian", "rademacher")
        }
        nfe = nfe_comparison(model, held_out(target, 256), noise, seed=0)  # type: ignore[arg-type]
    except (Failure, SolveError, AssertionError) as err:
        return Failure.of(err).detached()
    exact = spreads["gaussian"].exact.numpy()
    return EstimatorStudy(exact, {k: (s.mean.numpy(), s.std.numpy()) for k, s in spreads.items()}, 200, nfe)
