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
    monkeypatch.setattr(budget_module, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks) * 2e-3))
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
