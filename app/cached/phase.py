"""Cached computations of the Phase portraits page: all trajectories of a view in one batched solve, the
field, nullclines, fixed points and the flowing cloud. Everything returned is plain numpy or frozen
dataclasses, so the cache never hands out a tensor; a solve that stops returns its `SolveError`, whose
`partial` is the view computed before it stopped (or None)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from components.phase_figures import simplified
from kit.cache_keys import digest
from kit.solve_slots import solve_slot
from models.ode.solve import SolveError
from models.phase.fixed_points import FixedPoint, NewtonConfig, find_fixed_points, separatrix_seeds
from models.phase.nullclines import nullcline_lines
from models.phase.portrait import (
    FieldSample,
    PortraitConfig,
    SeedConfig,
    Window,
    grid_seeds,
    is_autonomous,
    make_seeds,
    random_seeds,
    sample_field,
    solve_portrait,
    streamlets,
    thin,
)
from models.systems.spec import SystemSpec

#: What each row of a view's batch is, for colours and legends.
PORTRAIT, UNSTABLE, STABLE, FORWARD, BACKWARD = range(5)
#: Drawn points across all curves, and samples per curve: enough for smooth lines, light for the browser.
MAX_DRAWN_POINTS = 120_000
MAX_SAMPLES = 3_000
#: Separatrices run this many times faster than the portrait: they leave a saddle slowly and need long times.
SEPARATRIX_SPEED = 3.0
#: The configs these caches are keyed on, each as one digest of its fields (see kit/cache_keys.py).
_KEYS = {SystemSpec: digest, PortraitConfig: digest, SeedConfig: digest, NewtonConfig: digest}


@dataclass(frozen=True)
class ViewTrajectories:
    """The trajectories of a view: `y: (T, batch, dim)` at times travelled `t: (T,)`, thinned for drawing;
    `role: (batch,)` says what each row is (PORTRAIT, UNSTABLE, ...). `stopped` counts stopped rows."""

    t: np.ndarray
    y: np.ndarray
    role: np.ndarray
    direction: np.ndarray  # (batch,): +1 forward, -1 backward in time
    stopped: int
    nfe: int
    wall_ms: float
    steps: int


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def autonomous(spec: SystemSpec, window: Window) -> bool:
    return is_autonomous(spec.field(), window)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def fixed_points(spec: SystemSpec, window: Window) -> tuple[FixedPoint, ...] | None:
    """Classified fixed points in the window, or None when f depends on t (no fixed points then)."""
    if not autonomous(spec, window):
        return None
    cfg = NewtonConfig(seeds_per_axis=12 if len(window) == 2 else 7)
    return tuple(find_fixed_points(spec.field(), window, cfg))


# Up to ~2 MB each: 16 entries keep the server within its memory target over 500 distinct views
# (benchmarks/bench_sessions.py --distinct 500); a miss recomputes the portrait (~20 ms for the pendulum,
# 0.16 s for the 1000-step Lotka-Volterra preset, on an idle core).
@st.cache_data(max_entries=16, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def trajectories(
    spec: SystemSpec,
    seeds: SeedConfig,
    cfg: PortraitConfig,
    window: Window,
    backward: bool,
    separatrices: bool,
    starts: tuple[tuple[float, ...], ...],
) -> ViewTrajectories | SolveError:
    """Portrait, separatrices and the visitor's starts (both ways in time) in one batched solve, or why it
    could not finish (with the trajectories computed before, when the budget ended it early)."""
    f = spec.field()
    is_autonomous_ = autonomous(spec, window)
    y0 = make_seeds(seeds, spec.key, window)
    parts = [(y0, torch.zeros(len(y0), dtype=torch.bool), PORTRAIT)]
    if backward:
        parts.append((y0, torch.ones(len(y0), dtype=torch.bool), PORTRAIT))
    if separatrices and len(window) == 2:
        points = fixed_points(spec, window) or ()
        sep, back = separatrix_seeds(list(points), window)
        parts += [(sep[~back], back[~back], UNSTABLE), (sep[back], back[back], STABLE)]
    if starts:
        clicked = torch.tensor(starts, dtype=torch.float64)
        parts.append((clicked, torch.zeros(len(clicked), dtype=torch.bool), FORWARD))
        parts.append((clicked, torch.ones(len(clicked), dtype=torch.bool), BACKWARD))
    y0 = torch.cat([p[0] for p in parts])
    role = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    speed = torch.from_numpy(np.where((role == UNSTABLE) | (role == STABLE), SEPARATRIX_SPEED, 1.0))
    try:
        with solve_slot():
            result = solve_portrait(
                f, y0, window, cfg, torch.cat([p[1] for p in parts]), is_autonomous_, speed
            )
    except SolveError as err:
        return type(err)(err.message)  # a fresh one: no traceback, no tensors for the cache to keep
    y = result.y.numpy()
    keep = thin(len(y), min(MAX_SAMPLES, max(2, MAX_DRAWN_POINTS // max(1, y.shape[1]))))
    view = ViewTrajectories(
        t=result.t.numpy()[keep],
        y=y[keep],
        role=role,
        direction=result.direction.numpy(),
        stopped=int(result.stopped.numpy()[role == PORTRAIT].sum()),
        nfe=result.nfe,
        wall_ms=result.wall_s * 1e3,
        steps=len(y) - 1,
    )
    return view if result.message is None else SolveError(result.message, partial=view)


# `t`: the time a field that changes with t is drawn at (0 for one that does not, so those share entries).
@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def arrows(spec: SystemSpec, window: Window, n: int = 21, t: float = 0.0) -> FieldSample:
    return sample_field(spec.field(), window, n, t)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def field_lines(
    spec: SystemSpec, window: Window, n: int = 22, t: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    return streamlets(spec.field(), window, n, t=t)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def nullclines(
    spec: SystemSpec, window: Window, n: int = 121, t: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Both nullclines as lines in the fewest points that draw them (`simplified`, once here rather than in
    every view's figure: they do not change with the trajectories' solver or start)."""
    lines = nullcline_lines(spec.field(), window, n, t)
    return simplified(lines[0], window), simplified(lines[1], window)


@dataclass(frozen=True)
class Cloud:
    """Points flowing along the field: `points: (F, N, dim)` at `times: (F,)`; `colors: (N,)` in [0, 1]."""

    times: np.ndarray
    points: np.ndarray
    colors: np.ndarray


#: Frames of the flowing cloud: each sends 400 points' x and y (4.4 kB), the bulk of the Flow tab's payload;
#: 40 keep a view's page under 300 kB (60 sent 356 kB), and the figure glides between them when playing.
FLOW_FRAMES = 40


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def cloud(
    spec: SystemSpec, window: Window, cfg: PortraitConfig, frames: int = FLOW_FRAMES
) -> Cloud | SolveError:
    """A grid of points (a random cloud in 3-D) carried by the flow over [0, cfg.t1], or why not (with the
    part computed before, when the budget ended it early)."""
    y0 = grid_seeds(window, 20) if len(window) == 2 else random_seeds(window, 300, seed=1)
    is_autonomous_ = autonomous(spec, window)  # outside the slot: a cached call that may compute
    try:
        with solve_slot():
            result = solve_portrait(spec.field(), y0, window, cfg, autonomous=is_autonomous_)
    except SolveError as err:
        return type(err)(err.message)
    index = np.unique(np.linspace(0, len(result.t) - 1, frames).round().astype(int))
    centre = np.array([sum(w) / 2 for w in window[:2]])
    spans = np.array([w[1] - w[0] for w in window[:2]])
    rel = (y0[:, :2].numpy() - centre) / spans
    colors = (np.arctan2(rel[:, 1], rel[:, 0]) + np.pi) / (2 * np.pi)
    moving = Cloud(result.t.numpy()[index], result.y.numpy()[index], colors)
    return moving if result.message is None else SolveError(result.message, partial=moving)
