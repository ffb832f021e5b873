"""Cached measurements and views of "How Neural ODEs learn": memory points, the NFE sweep, the shipped
regression models and fitted fields. Everything returned is plain numbers / numpy / str.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import streamlit as st
import torch
from torch.nn import functional as F

from models.failure import Failure
from models.learning.adjoint_memory import MemoryStudyConfig, compare
from models.learning.checkpoints import load_dynamics, load_regression
from models.learning.dynamics_fit import (
    DynamicsDataConfig,
    Observations,
    build_field,
    field_grid,
    observe,
    rollout,
    true_field,
)
from models.learning.nfe_study import NFEStudyConfig, NFESweep, tolerance_sweep
from models.learning.resnet_vs_odenet import (
    RegressionConfig,
    build_odenet,
    build_resnet,
    target,
    training_data,
)
from models.nn.checkpoints import CheckpointError, load_checkpoint
from models.node_anode.data import ToyDataConfig, make_dataset
from models.ode.solve import BudgetExceeded

ROOT = Path(__file__).resolve().parents[2]
DYNAMICS_DIR = ROOT / "checkpoints" / "dynamics"
NODE_MOONS = ROOT / "checkpoints" / "node_anode" / "node_moons.pt"
GRID_N = 15


@dataclass(frozen=True)
class MemoryPoint:
    """One setting of the memory study, both methods (see models.learning.adjoint_memory.Measurement)."""

    steps: int
    tol: float | None
    direct_saved: int
    adjoint_saved: int
    direct_peak: int
    adjoint_peak: int
    param_bytes: int
    peak_rss: int | None
    nfe: dict[str, tuple[int, int]]  # method -> (forward, backward)
    seconds: dict[str, tuple[float, float]]  # method -> (forward, backward), medians of the timed runs
    runs: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]  # method -> (forward, backward) of each run
    max_abs_diff: float
    rel_diff: float


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def memory_point(cfg: MemoryStudyConfig, solver: str, setting: float) -> MemoryPoint:
    """Both methods at one step count (rk4) or tolerance (dopri5)."""
    c = compare(cfg, solver, setting)
    return MemoryPoint(
        steps=c.direct.steps,
        tol=c.direct.tol,
        direct_saved=c.direct.saved_bytes,
        adjoint_saved=c.adjoint.saved_bytes,
        direct_peak=c.direct.peak_saved_bytes,
        adjoint_peak=c.adjoint.peak_saved_bytes,
        param_bytes=c.direct.param_bytes,
        peak_rss=c.adjoint.peak_rss_bytes,
        nfe={m.method: (m.nfe_forward, m.nfe_backward) for m in (c.direct, c.adjoint)},
        seconds={m.method: (m.forward_s, m.backward_s) for m in (c.direct, c.adjoint)},
        runs={m.method: (m.forward_times, m.backward_times) for m in (c.direct, c.adjoint)},
        max_abs_diff=c.max_abs_diff,
        rel_diff=c.rel_diff,
    )


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def nfe_sweep() -> NFESweep | Failure:
    """The tolerance sweep on the shipped half-moons NODE (the tutorial's model), differentiated the three
    ways at each tolerance, or why not."""
    try:
        ckpt = load_checkpoint(NODE_MOONS)
    except CheckpointError as err:
        return err.detached()
    test = make_dataset(ToyDataConfig(**ckpt.meta["data"])).test
    model = ckpt.model
    try:
        sweep = tolerance_sweep(
            model.func,
            test.x,
            lambda z: F.cross_entropy(model.readout(z), test.y),
            NFEStudyConfig(time_budget_s=10.0),
        )
    except BudgetExceeded as err:
        return type(err)(err.message)  # without the partial solve's tensors
    return sweep


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def shipped_nfe_history() -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Forward NFE and loss per step of the shipped half-moons NODE's training: (steps, nfe, loss)."""
    try:
        meta = load_checkpoint(NODE_MOONS).meta
        nfe = np.asarray(meta["history"]["nfe_forward"], dtype=float)
        loss = np.asarray(meta["history"]["loss"], dtype=float)
    except (CheckpointError, KeyError):
        return None
    return np.arange(1, len(nfe) + 1), nfe, loss


@dataclass(frozen=True)
class RegressionArrays:
    """What the ResNet-to-ODE-Net tab draws of two trained regressors: data, predictions on [-3, 3] and
    hidden-state paths through depth."""

    x_data: np.ndarray
    y_data: np.ndarray
    x_grid: np.ndarray
    y_true: np.ndarray
    resnet_pred: np.ndarray
    odenet_pred: np.ndarray
    resnet_t: np.ndarray  # (L + 1,)
    resnet_states: np.ndarray  # (L + 1, n_paths)
    ode_t: np.ndarray
    ode_states: np.ndarray  # (T, n_paths)


@dataclass(frozen=True)
class RegressionView:
    """Two trained regressors (shipped or the visitor's own) as drawn, with their training losses."""

    arrays: RegressionArrays
    resnet_losses: np.ndarray
    odenet_losses: np.ndarray


PATH_INPUTS = np.linspace(-2.5, 2.5, 9)


def regression_arrays(
    resnet: torch.nn.Module, odenet: torch.nn.Module, cfg: RegressionConfig
) -> RegressionArrays:
    """Predictions on [-3, 3] and hidden-state paths of two trained regressors, as numpy."""
    x_data, y_data = training_data(cfg)
    grid = torch.linspace(-3.0, 3.0, 121).unsqueeze(1)
    paths = torch.tensor(PATH_INPUTS, dtype=torch.float32).unsqueeze(1)
    ode_t = torch.linspace(0.0, 1.0, 41)
    with torch.no_grad():
        states = resnet.hidden_states(paths)[:, :, 0].numpy()
        return RegressionArrays(
            x_data=x_data[:, 0].numpy(),
            y_data=y_data[:, 0].numpy(),
            x_grid=grid[:, 0].numpy(),
            y_true=target(grid)[:, 0].numpy(),
            resnet_pred=resnet(grid)[:, 0].numpy(),
            odenet_pred=odenet(grid)[:, 0].numpy(),
            resnet_t=np.arange(states.shape[0]) * resnet.step,
            resnet_states=states,
            ode_t=ode_t.numpy(),
            ode_states=odenet.trajectory(paths, ode_t)[:, :, 0].numpy(),
        )


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def shipped_regression(depth: int) -> RegressionView | Failure:
    """The shipped ResNet of `depth` and the shipped ODE-Net, or why not."""
    try:
        ckpt = load_regression(DYNAMICS_DIR / "regression.pt")
    except CheckpointError as err:
        return err.detached()
    if depth not in ckpt.resnets:
        return CheckpointError(f"no shipped ResNet of depth {depth}")
    cfg = replace(ckpt.cfg, depth=depth)
    resnet, odenet = build_resnet(cfg), build_odenet(cfg)
    resnet.load_state_dict(ckpt.resnets[depth])
    odenet.load_state_dict(ckpt.odenet)
    return RegressionView(
        regression_arrays(resnet, odenet, cfg),
        resnet_losses=np.asarray(ckpt.resnet_losses[depth]),
        odenet_losses=np.asarray(ckpt.odenet_losses),
    )


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def depth_sweep() -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float] | None:
    """For each shipped depth: (depths, final train loss, RMSE on [-3, 3]), and the ODE-Net's two."""
    try:
        ckpt = load_regression(DYNAMICS_DIR / "regression.pt")
    except CheckpointError:
        return None
    depths = np.array(sorted(ckpt.resnets))
    rmse = []
    grid = torch.linspace(-3.0, 3.0, 121).unsqueeze(1)
    for d in depths:
        model = build_resnet(replace(ckpt.cfg, depth=int(d)))
        model.load_state_dict(ckpt.resnets[int(d)])
        with torch.no_grad():
            rmse.append(float(torch.sqrt(torch.mean((model(grid) - target(grid)) ** 2))))
    odenet = build_odenet(ckpt.cfg)
    odenet.load_state_dict(ckpt.odenet)
    with torch.no_grad():
        ode_rmse = float(torch.sqrt(torch.mean((odenet(grid) - target(grid)) ** 2)))
    losses = np.array([ckpt.resnet_losses[int(d)][-1] for d in depths])
    return depths, losses, np.array(rmse), float(ckpt.odenet_losses[-1]), ode_rmse


@dataclass(frozen=True)
class FieldView:
    xs: np.ndarray
    ys: np.ndarray
    true_values: np.ndarray
    learned_values: np.ndarray
    observed: np.ndarray
    true_path: np.ndarray
    learned_path: np.ndarray


@st.cache_data(max_entries=8, ttl=3600, show_spinner=False)
def observations(data: DynamicsDataConfig) -> Observations:
    """`observe(data)`, kept: its tight reference solve costs most of a second, and live training redraws
    the field every few steps."""
    return observe(data)


def window_of(data: DynamicsDataConfig) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square plotting window around the observed trajectory."""
    clean = observations(data).clean.numpy()
    lo, hi = clean.min(axis=0), clean.max(axis=0)
    centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2 * 1.25 + 0.1
    return (float(centre[0] - half), float(centre[0] + half)), (
        float(centre[1] - half),
        float(centre[1] + half),
    )


def field_view(data: DynamicsDataConfig, kind: str, state: dict[str, torch.Tensor]) -> FieldView:
    """True and learned fields on a grid and both trajectories, for a field's weights."""
    obs = observations(data)
    field = build_field(kind, 0)  # type: ignore[arg-type]
    field.load_state_dict(state)
    window = window_of(data)
    xs, ys, true_values = field_grid(true_field(data.system), window, GRID_N)
    _, _, learned = field_grid(field, window, GRID_N)
    with torch.no_grad():
        path = rollout(field, obs.noisy[0], obs.t, 0.25)
    path = np.clip(path.numpy(), -1e3, 1e3)  # an untrained field may run off; keep the plot finite
    return FieldView(
        xs.numpy(),
        ys.numpy(),
        true_values.numpy(),
        learned.numpy(),
        obs.noisy.numpy(),
        obs.clean.numpy(),
        path,
    )


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def shipped_fit(system: str, kind: str) -> tuple[list[int], np.ndarray] | Failure:
    """Snapshot steps and window losses of a shipped fit, or why not."""
    try:
        ckpt = load_dynamics(DYNAMICS_DIR / f"{system}_{kind}.pt")
    except CheckpointError as err:
        return err.detached()
    return [s for s, _ in ckpt.snapshots], np.asarray(ckpt.losses)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def shipped_field_view(system: str, kind: str, index: int) -> FieldView | None:
    """The shipped fit's snapshot number `index` drawn against the truth."""
    try:
        ckpt = load_dynamics(DYNAMICS_DIR / f"{system}_{kind}.pt")
    except CheckpointError:
        return None
    index = min(max(index, 0), len(ckpt.snapshots) - 1)
    return field_view(ckpt.data, kind, ckpt.snapshots[index][1])
