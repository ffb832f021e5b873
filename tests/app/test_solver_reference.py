"""The Solver lab's reference solve is bounded by work, not wall time: a loaded server draws the same
reference (and so the same axes, errors and notes) as an idle one."""

from __future__ import annotations

import itertools
import types
from dataclasses import replace

import pytest

from cached.solver import REFERENCE_BUDGET, REFERENCE_POINTS, reference
from models.ode import budget as budget_module
from models.ode.convergence import reference_solution
from models.systems.library import SYSTEMS
from models.systems.spec import Problem, SystemSpec

#: The view of tests/app/test_solver_lab_page.py's blow-up test, whose reference once missed the deadline.
BLOW_UP = Problem(SystemSpec("lotka_volterra", params=(("alpha", 1.05),)), y0=(2.5, 2.0), t1=30.0)


def test_a_slow_clock_does_not_take_the_reference_away(monkeypatch):
    """Each evaluation of f appears to take 2 ms (a machine ~25 times slower than an idle core): the
    reference still comes from dopri8, as on an idle machine."""
    ticks = itertools.count()
    monkeypatch.setattr(
        budget_module,
        "time",
        types.SimpleNamespace(perf_counter=(c := lambda: next(ticks) * 2e-3), thread_time=c),
    )
    reference.clear()
    try:
        t, y, how = reference(BLOW_UP)
    finally:
        reference.clear()
    assert how == "dopri8, tol 1e-10"
    assert y.shape == (REFERENCE_POINTS, 2) and 2.9 < y.max() < 3.2


@pytest.mark.parametrize(
    "problem",
    [Problem(SystemSpec(key)) for key, system in SYSTEMS.items() if system.exact is None] + [BLOW_UP],
    ids=lambda p: p.system.key + ("" if p.t1 is None else "-blow-up"),
)
def test_every_preset_reference_fits_a_quarter_of_the_work_budget(problem):
    """So the NFE cap only stops what the old 1.5 s deadline stopped on an idle core (typed systems)."""
    work_only = replace(REFERENCE_BUDGET, max_nfe=REFERENCE_BUDGET.max_nfe // 4, deadline_s=None)
    _, y, how = reference_solution(problem, 50, budget=work_only)
    assert how != "exact solution" and y.isfinite().all()


def test_a_slow_clock_does_not_stop_the_tours_adaptive_solve(monkeypatch):
    """Tour step 5's dopri5 solve (1,682 evaluations) with each evaluation appearing to take 1 ms, as on a
    loaded server: bounded by work, it still finishes instead of stopping at the 1.5 s deadline."""
    from cached.solver import ADAPTIVE_BUDGET, page_budget, trajectory
    from models.ode.solve import SolveError, SolverConfig, Tolerances

    ticks = itertools.count()
    monkeypatch.setattr(
        budget_module,
        "time",
        types.SimpleNamespace(perf_counter=(c := lambda: next(ticks) * 1e-3), thread_time=c),
    )
    problem = Problem(SystemSpec("van_der_pol", params=(("mu", 5.0),)), y0=(0.5, 0.0), t1=20.0)
    trajectory.clear()
    try:
        run = trajectory(problem, SolverConfig(method="dopri5", step=Tolerances(1e-6, 1e-6)))
    finally:
        trajectory.clear()
    assert not isinstance(run, SolveError), run
    assert len(run.step_times) > 200 and run.nfe < ADAPTIVE_BUDGET.max_nfe
    assert page_budget("lsoda").deadline_s == 1.5  # implicit: evaluations too unequal to count


def test_a_slow_clock_does_not_stop_a_fixed_step_solve_either(monkeypatch):
    """Under 50 simultaneous new views, RK4 solves of a few hundred evaluations stopped at the 1.5 s deadline
    (benchmarks/bench_sessions.py). Each evaluation appearing to take 2 ms, the default view's 240 RK4 steps
    (960 evaluations, 1.9 s) still finish; a request beyond the work budget still stops, by work."""
    from cached.solver import FIXED_BUDGET, trajectory
    from models.ode.solve import BudgetExceeded, FixedStep, SolveError, SolverConfig

    ticks = itertools.count()
    monkeypatch.setattr(
        budget_module,
        "time",
        types.SimpleNamespace(perf_counter=(c := lambda: next(ticks) * 2e-3), thread_time=c),
    )
    trajectory.clear()
    try:
        run = trajectory(Problem(), SolverConfig(method="rk4", step=FixedStep(0.05)))
        monkeypatch.undo()  # the real clock: 120,000 evaluations asked for, stopped by work (about 1.5 s)
        too_much = trajectory(Problem(t1=30.0), SolverConfig(method="rk4", step=FixedStep(0.001)))
    finally:
        trajectory.clear()
    assert not isinstance(run, SolveError), run
    assert run.nfe >= 960
    assert isinstance(too_much, BudgetExceeded)
    assert FIXED_BUDGET.max_nfe <= too_much.partial.nfe <= FIXED_BUDGET.max_nfe + 4
