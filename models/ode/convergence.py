"""Measured accuracy: global error against step size (with the fitted order) for the fixed-step methods,
and work–precision (error against NFE) for fixed-step and adaptive methods.

The step-size sweep advances every (method, step size) pair as one batch through a padded Butcher
tableau, so the whole sweep costs as many Python-level steps as its finest grid, not their sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models.ode.fixed_step import FIXED_METHODS, Field
from models.ode.solve import Budget, BudgetExceeded, SolveError, SolverConfig, Tolerances, solve
from models.systems.spec import Problem

#: Butcher tableaus (A, b, c) of the hand-written methods, padded to four stages below.
_TABLEAUS: dict[str, tuple[list[list[float]], list[float], list[float]]] = {
    "euler": ([[0.0]], [1.0], [0.0]),
    "midpoint": ([[0.0, 0.0], [0.5, 0.0]], [0.0, 1.0], [0.0, 0.5]),
    "rk4": (
        [[0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1.0, 0]],
        [1 / 6, 1 / 3, 1 / 3, 1 / 6],
        [0.0, 0.5, 0.5, 1.0],
    ),
}


UNSTABLE_ERROR = 1e3


@dataclass(frozen=True)
class SweepConfig:
    """Which fixed-step methods to sweep, over how many step counts between n_min and n_max."""

    methods: tuple[str, ...] = ("euler", "midpoint", "rk4")
    n_min: int = 8
    n_max: int = 256
    n_sizes: int = 12


@dataclass(frozen=True)
class MethodSweep:
    """Global error at the end time for each step size; `order` is the fitted log-log slope."""

    method: str
    h: np.ndarray
    error: np.ndarray
    nfe: np.ndarray
    order: float | None


def step_counts(cfg: SweepConfig) -> np.ndarray:
    """Distinct, roughly geometric step counts from n_min to n_max."""
    counts = np.unique(np.round(np.geomspace(cfg.n_min, cfg.n_max, cfg.n_sizes)).astype(int))
    return counts


def _padded_tableau(method: str, stages: int, dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
    a, b, c = _TABLEAUS[method]
    big_a = torch.zeros(stages, stages, dtype=dtype)
    big_a[: len(a), : len(a)] = torch.tensor(a, dtype=dtype)
    big_b = torch.zeros(stages, dtype=dtype)
    big_b[: len(b)] = torch.tensor(b, dtype=dtype)
    big_c = torch.zeros(stages, dtype=dtype)
    big_c[: len(c)] = torch.tensor(c, dtype=dtype)
    return big_a, big_b, big_c


def final_states(
    f: Field, y0: torch.Tensor, t_span: tuple[float, float], methods: list[str], counts: list[int]
) -> torch.Tensor:
    """End states of each `methods[r]` run with `counts[r]` equal steps, all rows in one batch.

    y0: (dim,). Returns (rows, dim). Rows that have taken all their steps continue with h = 0.
    """
    dtype = y0.dtype
    t0, t1 = t_span
    stages = max(len(_TABLEAUS[m][1]) for m in methods)
    tabs = [_padded_tableau(m, stages, dtype) for m in methods]
    a = torch.stack([t[0] for t in tabs])  # (rows, S, S)
    b = torch.stack([t[1] for t in tabs])  # (rows, S)
    c = torch.stack([t[2] for t in tabs])  # (rows, S)
    n_steps = torch.tensor(counts)
    h = ((t1 - t0) / n_steps.to(dtype))[:, None]  # (rows, 1)
    y = y0.expand(len(methods), -1).clone()
    for n in range(int(n_steps.max())):
        h_now = torch.where(n < n_steps[:, None], h, torch.zeros_like(h))
        t = t0 + n * h[:, 0]
        ks: list[torch.Tensor] = []
        for i in range(stages):
            yi = y if i == 0 else y + h_now * torch.einsum("rj,jrd->rd", a[:, i, :i], torch.stack(ks))
            ks.append(f(t + c[:, i] * h_now[:, 0], yi))
        y = y + h_now * torch.einsum("rs,srd->rd", b, torch.stack(ks))
    return y


def fit_order(h: np.ndarray, error: np.ndarray, floor: float = 1e-11, keep: int = 6) -> float | None:
    """Least-squares slope of log(error) against log(h) over the `keep` smallest usable step sizes.

    Errors at round-off level (< floor) or non-finite ones are not in the asymptotic regime.
    """
    ok = np.isfinite(error) & (error > floor)
    hs, es = h[ok], error[ok]
    if len(hs) < 3:
        return None
    order = np.argsort(hs)[:keep]
    slope = np.polyfit(np.log(hs[order]), np.log(es[order]), 1)[0]
    return float(slope)


def error_sweep(
    f: Field, y0: torch.Tensor, t_span: tuple[float, float], reference: torch.Tensor, cfg: SweepConfig
) -> list[MethodSweep]:
    """Global error |y_N - y(t1)| against h for each method. y0, reference: (dim,) final exact state.

    Step sizes at which a method blew up get NaN errors.
    """
    counts = step_counts(cfg)
    methods = [m for m in cfg.methods for _ in counts]
    rows = [int(n) for _ in cfg.methods for n in counts]
    with torch.inference_mode():
        ends = final_states(f, y0, t_span, methods, rows)
        errors = torch.linalg.vector_norm(ends - reference, dim=-1).numpy()
    span = t_span[1] - t_span[0]
    out = []
    # An error beyond this is a blow-up (an unstable step size), not an accuracy: it is reported as NaN.
    unstable = UNSTABLE_ERROR * max(1.0, float(reference.abs().max()))
    for i, m in enumerate(cfg.methods):
        err = errors[i * len(counts) : (i + 1) * len(counts)]
        err = np.where(np.isfinite(err) & (err < unstable), err, np.nan)
        h = span / counts
        out.append(MethodSweep(m, h, err, counts * FIXED_METHODS[m].stages, fit_order(h, err)))
    return out


#: Tolerances per adaptive method: a low-order method at a tight tolerance costs thousands of steps
#: and adds nothing to the picture, so each method is swept where it is competitive.
WORK_TOLERANCES: dict[str, tuple[float, ...]] = {
    "adaptive_heun": (1e-2, 1e-3, 1e-4),
    "fehlberg2": (1e-2, 1e-3, 1e-4),
    "bosh3": (1e-2, 1e-3, 1e-4, 1e-5, 1e-6),
    "dopri5": (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8),
    "dopri8": (1e-4, 1e-6, 1e-8, 1e-10),
    # Looser, Robertson's y₂ (about 1e-5) is below atol and LSODA blows up.
    "lsoda": (1e-4, 1e-5, 1e-6, 1e-7),
    "bdf": (1e-4, 1e-5, 1e-6, 1e-7),
}


#: LSODA at 1e-10 costs a stiff Van der Pol three times as long as at 1e-8, for no digit the page shows.
STIFF_REFERENCE_TOL = 1e-8
REFERENCE_BUDGET = Budget(max_nfe=1_000_000, deadline_s=2.0)

#: Per solve of a work–precision chart: a solve past it is left out of the chart.
WORK_BUDGET = Budget(max_nfe=5_000, deadline_s=0.5)


@dataclass(frozen=True)
class WorkPoint:
    """One solve of a work–precision chart."""

    method: str
    setting: float  # step size for fixed methods, tolerance for adaptive ones
    nfe: int
    error: float


def adaptive_work(
    f: Field,
    y0: torch.Tensor,
    t_span: tuple[float, float],
    reference: torch.Tensor,
    methods: tuple[str, ...] = ("bosh3", "dopri5", "dopri8"),
    budget: Budget = WORK_BUDGET,
    *,
    give_up: bool = False,
) -> list[WorkPoint]:
    """Error at t1 and NFE of adaptive methods over tolerances (rtol = atol = tol), loosest first.

    Solves that exceed the budget are left out rather than failing the chart; with `give_up` a method's
    tighter tolerances are not tried after one runs out of budget (on a stiff system each would spend a
    whole budget).
    """
    points = []
    for m in methods:
        for tol in WORK_TOLERANCES.get(m, (1e-3, 1e-5, 1e-7)):
            cfg = SolverConfig(method=m, step=Tolerances(tol, tol), budget=budget, n_eval=2)
            try:
                result = solve(f, y0[None], t_span, cfg)
            except SolveError as err:
                if give_up and isinstance(err, BudgetExceeded):
                    break
                continue
            err = float(torch.linalg.vector_norm(result.y[-1, 0] - reference))
            points.append(WorkPoint(m, tol, result.nfe, err))
    return points


def reference_solution(
    problem: Problem, n_points: int = 600, tol: float = 1e-10, budget: Budget = REFERENCE_BUDGET
) -> tuple[torch.Tensor, torch.Tensor, str]:
    """A reference curve `(t: (T,), y: (T, dim), how it was made)` in float64.

    The exact solution where the system has one; else dopri8 at rtol = atol = `tol`, whose last step lands
    on t1 so the end state (what errors are measured against) is good to about `tol`; for a stiff system,
    where dopri8 crawls, the implicit LSODA at STIFF_REFERENCE_TOL. Raises SolveError if that does not
    finish within `budget`.
    """
    t = torch.linspace(*problem.span, n_points, dtype=torch.float64)
    exact = problem.exact(t)
    if exact is not None:
        return t, exact, "exact solution"
    method = "dopri8"
    if problem.definition().stiff:
        method, tol = "lsoda", STIFF_REFERENCE_TOL
    cfg = SolverConfig(
        method=method,
        step=Tolerances(tol, tol),
        budget=budget,
        n_eval=n_points,
    )
    y = solve(problem.field(), problem.initial()[None], problem.span, cfg).y[:, 0]
    return t, y, f"{method}, tol {tol:.0e}"
