"""Cached solves for the Solver lab: trajectories, the reference, the step-size sweep, work–precision, and
the Stiffness tab's stiffness ratio along an implicit solve.

Everything returned is plain numpy / str so the cache never hands out a mutable tensor; a solve that
stops returns its `SolveError`, whose `partial` is the `Trajectory` computed before it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
import torch

from kit.cache_keys import digest
from kit.solve_slots import solve_slot
from models.ode.convergence import SweepConfig, adaptive_work, error_sweep, reference_solution
from models.ode.solve import METHODS, Budget, SolveError, SolverConfig, SolveResult, Tolerances, solve
from models.ode.stiffness import stiffness_along
from models.systems.spec import Problem

REFERENCE_POINTS = 600
#: The configs these caches are keyed on, each as one digest of its fields (see kit/cache_keys.py).
_KEYS = {Problem: digest, SolverConfig: digest, Budget: digest, SweepConfig: digest}
#: The page promises an answer in about two seconds, whatever was asked.
PAGE_BUDGET = Budget(max_nfe=100_000, deadline_s=1.5)
#: torchdiffeq's adaptive steps cost about 0.17 ms per evaluation of f on an idle core, 0.7 ms on a loaded
#: one: the tour's dopri5 solve of van der Pol (1,682 evaluations, 0.3 s idle) took 1.3 s of the 1.5 s
#: deadline under load. Like the reference these solves are bounded by work, so that a loaded server draws
#: what an idle one does: 8,000 evaluations are about the 1.5 s an idle core reaches; the deadline only
#: guards against a machine four times slower than that.
ADAPTIVE_BUDGET = Budget(max_nfe=8_000, deadline_s=6.0)
#: Fixed steps cost about 0.033 ms per evaluation of a preset's f on an idle core (Euler and RK4, h = 0.001 over
#: 12 time units), so 45,000 evaluations are the 1.5 s that PAGE_BUDGET's deadline allowed there. Bounded by
#: that work instead, a loaded server draws what an idle one does: with 50 sessions asking for 50 new views
#: at once, 28 Solver lab sessions showed "stopped at the 1.5 s time limit" after 300-700 evaluations
#: (benchmarks/bench_sessions.py). The deadline only guards against a machine four times slower.
FIXED_BUDGET = Budget(max_nfe=45_000, deadline_s=6.0)
#: The reference is bounded by work, not wall time, so that a loaded server draws the same reference as an
#: idle one: 20,000 evaluations of f take about 1.5 s on an idle core, and every preset needs under 5,000.
#: The deadline only guards against a machine ten times slower than that.
REFERENCE_BUDGET = Budget(max_nfe=20_000, deadline_s=15.0)
#: The Stiffness tab runs several explicit solves that a stiff system would keep busy for millions of steps:
#: each is stopped within 0.4 s, so the tab answers in about two.
STIFF_BUDGET = Budget(max_nfe=20_000, deadline_s=0.4)
STIFF_POINTS = 100


@dataclass(frozen=True)
class Trajectory:
    """A solve's outcome for a page: the curve (possibly empty, when a failure's partial), and its cost."""

    method: str
    t: np.ndarray
    y: np.ndarray  # (T, dim)
    nfe: int
    wall_ms: float
    step_times: np.ndarray
    step_sizes: np.ndarray
    step_states: np.ndarray  # (steps, dim): state at the start of each accepted step


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def reference(problem: Problem) -> tuple[np.ndarray, np.ndarray, str]:
    """The reference curve (t, y (T, dim), how it was made); non-finite values (a blow-up) become NaN."""
    try:
        with solve_slot():
            t, y, how = reference_solution(problem, REFERENCE_POINTS, budget=REFERENCE_BUDGET)
    except SolveError as err:
        t = torch.linspace(*problem.span, REFERENCE_POINTS, dtype=torch.float64)
        return t.numpy(), np.full((REFERENCE_POINTS, problem.definition().dim), np.nan), f"unavailable: {err}"
    y = y.numpy().copy()
    y[~np.isfinite(y) | (np.abs(y) > 1e6)] = np.nan
    return t.numpy(), y, how


def end_reference(problem: Problem) -> np.ndarray | None:
    """The reference end state y(t1), or None where there is no trustworthy one."""
    end = reference(problem)[1][-1]
    return end if np.isfinite(end).all() else None


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def trajectory(problem: Problem, cfg: SolverConfig, budget: Budget | None = None) -> Trajectory | SolveError:
    """One method's solve within `budget` (None: `page_budget(cfg.method)`), or its failure, which always
    carries the `Trajectory` computed before it (empty when nothing was)."""
    budget = page_budget(cfg.method) if budget is None else budget
    try:
        with solve_slot():
            result = solve(
                problem.field(), problem.initial()[None], problem.span, replace(cfg, budget=budget)
            )
    except SolveError as err:
        # A fresh failure: the cache keeps neither the traceback nor the partial's tensors.
        return type(err)(err.message, partial=_trajectory(problem, cfg, err.partial))
    return _trajectory(problem, cfg, result)


def page_budget(method: str) -> Budget:
    """The budget of a page's solve by `method`: FIXED_BUDGET for fixed steps, ADAPTIVE_BUDGET for
    torchdiffeq's explicit adaptive methods, both bounded by work; PAGE_BUDGET, bounded by time, for the
    implicit methods, whose evaluations vary too much in cost to be counted."""
    info = METHODS[method]
    if info.implicit:
        return PAGE_BUDGET
    if not info.adaptive:
        return FIXED_BUDGET
    return ADAPTIVE_BUDGET if info.source == "torchdiffeq" else PAGE_BUDGET


def _trajectory(problem: Problem, cfg: SolverConfig, result: SolveResult | None) -> Trajectory:
    if result is None:
        empty = np.zeros((0, problem.definition().dim))
        return Trajectory(cfg.method, np.zeros(0), empty, 0, 0.0, np.zeros(0), np.zeros(0), empty)
    steps = _step_states(result.y, result.step_times, result.t)
    return Trajectory(
        method=cfg.method,
        t=result.t.numpy(),
        y=result.y[:, 0].numpy(),
        nfe=result.nfe,
        wall_ms=result.wall_s * 1e3,
        step_times=result.step_times.numpy(),
        step_sizes=result.step_sizes.numpy(),
        step_states=steps,
    )


def _step_states(y: torch.Tensor, step_times: torch.Tensor, t: torch.Tensor) -> np.ndarray:
    """States at accepted step starts, read off the output curve by interpolation (for markers)."""
    if len(step_times) == 0 or len(t) < 2:
        return np.zeros((0, y.shape[-1]))
    curve = y[:, 0].numpy()
    ts = t.numpy()
    return np.stack([np.interp(step_times.numpy(), ts, curve[:, d]) for d in range(curve.shape[1])], axis=1)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def step_size_sweep(problem: Problem, sweep: SweepConfig) -> list | None:
    """Global error against h for the hand-written methods, or None without a reference."""
    ref = end_reference(problem)
    if ref is None:
        return None
    with torch.inference_mode():
        return error_sweep(problem.field(), problem.initial(), problem.span, torch.from_numpy(ref), sweep)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def adaptive_work_points(
    problem: Problem, methods: tuple[str, ...], budget: Budget | None = None, give_up: bool = False
) -> list | None:
    """Work–precision points of adaptive methods (`budget` None: the chart's own), or None without a
    reference; with `give_up`, a method's tighter tolerances are skipped after one fails (stiff systems)."""
    ref = end_reference(problem)
    if ref is None:
        return None
    extra = {} if budget is None else {"budget": budget}
    return adaptive_work(
        problem.field(),
        problem.initial(),
        problem.span,
        torch.from_numpy(ref),
        methods,
        give_up=give_up,
        **extra,
    )


@dataclass(frozen=True)
class StiffPath:
    """An implicit solve at STIFF_POINTS times (geometric ones on a log time axis), `y: (T, dim)`, and
    the stiffness ratio of f's Jacobian at each: `ratio: (T,)`."""

    t: np.ndarray
    y: np.ndarray
    ratio: np.ndarray


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False, hash_funcs=_KEYS)
def stiff_path(problem: Problem, method: str, tol: float) -> StiffPath | SolveError:
    """The implicit `method`'s solution within the page budget and the stiffness ratio along it."""
    t0, t1 = problem.span
    if problem.definition().log_time:
        # Ten decades below t1, so that Robertson's fast transient (around t = 1e-4) is on the axis.
        times = torch.cat([torch.tensor([t0]), torch.logspace(-10, 0, STIFF_POINTS - 1) * (t1 - t0) + t0])
    else:
        times = torch.linspace(t0, t1, STIFF_POINTS)
    cfg = SolverConfig(method=method, step=Tolerances(tol, tol), budget=PAGE_BUDGET)
    try:
        result = solve(problem.field(), problem.initial()[None], times.double(), cfg)
    except SolveError as err:
        return type(err)(err.message)
    along = stiffness_along(problem.field(), result.t, result.y[:, 0])
    return StiffPath(result.t.numpy(), result.y[:, 0].numpy(), along.ratio.numpy())
