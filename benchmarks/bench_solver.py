"""Solver lab figures on this machine: the error-vs-step-size sweep (batched tableau against a loop of
solves), a batched solve of many initial values against a per-trajectory loop, and the page's warm rerun.

Run from the repository root: python -m benchmarks.bench_solver
"""

from __future__ import annotations

import contextlib
import statistics

import torch

from benchmarks.common import best_of, setup, time_open, time_reruns, verdict
from models.ode.convergence import SweepConfig, error_sweep, reference_solution, step_counts
from models.ode.solve import Budget, FixedStep, SolveError, SolverConfig, solve
from models.systems.spec import Problem, SystemSpec


def sweep_figures() -> None:
    problem = Problem()  # Lotka–Volterra, (1, 2), t in [0, 12]
    f, y0 = problem.field(), problem.initial()
    cfg = SweepConfig()
    ref_s, reference = best_of(lambda: reference_solution(problem), 1)
    ref = reference[1][-1]
    batched, _ = best_of(lambda: error_sweep(f, y0, problem.span, ref, cfg))

    def looped() -> None:
        for m in cfg.methods:
            for n in step_counts(cfg):
                # Euler at the largest steps blows up; the sweep records NaN there.
                with contextlib.suppress(SolveError):
                    solve(
                        f,
                        y0[None],
                        problem.span,
                        SolverConfig(method=m, step=FixedStep(12.0 / n), budget=Budget(deadline_s=60)),
                    )

    loop, _ = best_of(looped, 2)
    pairs = len(cfg.methods) * len(step_counts(cfg))
    print(
        f"error-vs-step-size sweep, {len(cfg.methods)} methods x {len(step_counts(cfg))} step sizes "
        f"({pairs} solves, {cfg.n_min}..{cfg.n_max} steps) on Lotka-Volterra:"
    )
    print(
        f"  batched tableau sweep   {batched * 1e3:8.1f} ms   (target <= 200 ms: {verdict(batched <= 0.2)})"
    )
    print(
        f"  loop of solve() calls   {loop * 1e3:8.1f} ms   (same solves, one at a time)  -> {loop / batched:.1f}x"
    )
    print(
        f"  reference end state     {ref_s * 1e3:8.1f} ms   (dopri8, rtol = atol = 1e-10, 600 points; cached per view)"
    )


def batch_figures(n: int = 400) -> None:
    problem = Problem(SystemSpec("pendulum"))
    f = problem.field()
    i = torch.linspace(-2, 2, n, dtype=torch.float64)
    y0 = torch.stack([5 * i / 2, -i], dim=1)  # a spread of initial values like the sources' portrait
    cfg = SolverConfig(method="rk4", step=FixedStep(0.1), budget=Budget(max_nfe=10**7, deadline_s=600))
    batched, _ = best_of(lambda: solve(f, y0, (0.0, 7.0), cfg), 3)
    loop, _ = best_of(lambda: [solve(f, y0[k : k + 1], (0.0, 7.0), cfg) for k in range(n)], 1)
    print(f"{n} pendulum trajectories, RK4 h = 0.1, 70 steps:")
    print(f"  one batched solve       {batched * 1e3:8.1f} ms")
    print(f"  per-trajectory loop     {loop * 1e3:8.1f} ms   -> batched is {loop / batched:.0f}x faster")


def page_figures() -> None:
    at, cold = time_open("solver_lab")
    warm = time_reruns(at, 5)
    print("Solver lab page (AppTest, default view):")
    print(f"  first run (cold caches) {cold * 1e3:8.1f} ms")
    print(f"  warm rerun, median of 5 {statistics.median(warm) * 1e3:8.1f} ms")


if __name__ == "__main__":
    setup()
    sweep_figures()
    batch_figures()
    page_figures()
