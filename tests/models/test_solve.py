"""Numerical truths of the solvers: measured orders, hand RK4 against torchdiffeq, exact NFE, budgets."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch
from torchdiffeq._impl.rk_common import rk4_step_func

from models.ode.convergence import SweepConfig, error_sweep, final_states, fit_order
from models.ode.fixed_step import FIXED_METHODS, rk4_step
from models.ode.solve import (
    METHODS,
    Budget,
    BudgetExceeded,
    Diverged,
    FixedStep,
    InvalidSolve,
    SolverConfig,
    Tolerances,
    fixed_grid,
    solve,
    step_control,
)
from models.systems.library import SYSTEMS, get_system
from models.systems.spec import Problem, SystemSpec

F64 = torch.float64
#: Tests assert numbers, not speed: a generous deadline keeps them green on a loaded machine.
SLOW_OK = Budget(deadline_s=120.0)


def _exact_end(problem: Problem) -> torch.Tensor:
    return problem.exact(torch.tensor(problem.span, dtype=F64))[-1]


@pytest.mark.parametrize("system", ["decay", "harmonic", "linear_spiral"])
def test_measured_orders_match_theory_on_exact_solutions(system):
    problem = Problem(SystemSpec(system), t1=2.0)
    sweeps = error_sweep(
        problem.field(),
        problem.initial(),
        problem.span,
        _exact_end(problem),
        SweepConfig(n_min=64, n_max=1024),
    )
    orders = {s.method: s.order for s in sweeps}
    assert orders["euler"] == pytest.approx(1.0, abs=0.1)
    assert orders["midpoint"] == pytest.approx(2.0, abs=0.15)
    assert orders["rk4"] == pytest.approx(4.0, abs=0.2)


def test_batched_sweep_rows_equal_separate_solves():
    problem = Problem(SystemSpec("lotka_volterra"))
    f, y0 = problem.field(), problem.initial()
    ends = final_states(f, y0, problem.span, ["euler", "rk4", "midpoint"], [60, 30, 45])
    for row, (method, n) in enumerate([("euler", 60), ("rk4", 30), ("midpoint", 45)]):
        alone = solve(f, y0[None], problem.span, SolverConfig(method=method, step=FixedStep(12.0 / n))).y[
            -1, 0
        ]
        torch.testing.assert_close(ends[row], alone, rtol=1e-12, atol=1e-12)


def test_hand_rk4_equals_torchdiffeq_classic_rk4_step():
    f = get_system("lotka_volterra").field()
    y = torch.tensor([[1.0, 2.0], [0.5, 1.5]], dtype=F64)
    t, h = torch.tensor(0.3, dtype=F64), torch.tensor(0.2, dtype=F64)
    ours = rk4_step(f, t, y, h)
    theirs = y + rk4_step_func(lambda tt, yy, perturb=None: f(tt, yy), t, h, t + h, y)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-12)


def test_hand_rk4_trajectory_equals_torchdiffeq_rk4_to_1e6():
    problem = Problem(SystemSpec("lotka_volterra"))
    f, y0 = problem.field(), problem.initial()[None]
    ours = solve(f, y0, problem.span, SolverConfig(method="rk4", step=FixedStep(0.01), budget=SLOW_OK)).y
    theirs = solve(f, y0, problem.span, SolverConfig(method="rk4_38", step=FixedStep(0.01), budget=SLOW_OK)).y
    assert (ours - theirs).abs().max() < 1e-6


@pytest.mark.parametrize("method", ["euler", "midpoint", "rk4", "heun3", "rk4_38"])
def test_nfe_is_exact_for_fixed_step_methods(method):
    problem = Problem(SystemSpec("lotka_volterra"))
    result = solve(
        problem.field(),
        problem.initial()[None],
        problem.span,
        SolverConfig(method=method, step=FixedStep(0.2), budget=SLOW_OK),
    )
    assert len(result.t) == 61
    assert result.nfe == 60 * METHODS[method].stages
    assert len(result.step_times) == 60


def test_adaptive_solve_records_accepted_steps_and_meets_tolerance():
    problem = Problem(SystemSpec("harmonic"))
    result = solve(
        problem.field(),
        problem.initial()[None],
        problem.span,
        SolverConfig(method="dopri5", step=Tolerances(1e-8, 1e-8), budget=SLOW_OK),
    )
    exact = problem.exact(result.t)
    assert (result.y[:, 0] - exact).abs().max() < 1e-5
    assert len(result.step_times) >= 5
    assert torch.all(result.step_sizes > 0)
    assert result.step_times[0] == 0.0
    torch.testing.assert_close(result.step_times[-1] + result.step_sizes[-1], torch.tensor(10.0, dtype=F64))
    # dopri5: 6 new evaluations per attempt, plus a couple to pick the first step
    assert result.nfe >= 6 * len(result.step_times)


def test_tighter_tolerance_costs_more_evaluations():
    problem = Problem(SystemSpec("van_der_pol"))
    nfes = [
        solve(
            problem.field(),
            problem.initial()[None],
            problem.span,
            SolverConfig(method="dopri5", step=Tolerances(tol, tol), budget=SLOW_OK),
        ).nfe
        for tol in (1e-3, 1e-6, 1e-9)
    ]
    assert nfes[0] < nfes[1] < nfes[2]


def test_budget_stops_a_blow_up_quickly():
    problem = Problem(SystemSpec("blowup"), t1=2.0)
    for method in ("dopri5", "rk4", "euler"):
        with pytest.raises(Diverged) as caught:
            solve(
                problem.field(),
                problem.initial()[None],
                problem.span,
                SolverConfig(method=method, step=step_control(method, 0.01, Tolerances()), budget=SLOW_OK),
            )
        err = caught.value
        assert "\n" not in str(err)
        assert err.partial is not None and len(err.partial.t) > 10
        assert float(err.partial.t[-1]) < 1.1  # exact blow-up at t = 1; numerical ones lag a little


def test_nfe_cap_raises_budget_exceeded_under_any_optimisation_level():
    code = (
        "import torch\n"
        "from models.ode.solve import solve, Budget, BudgetExceeded, SolverConfig, Tolerances\n"
        "from models.systems.spec import Problem, SystemSpec\n"
        "p = Problem(SystemSpec('van_der_pol', (('mu', 10.0),)))\n"
        "try:\n"
        "    solve(p.field(), p.initial()[None], p.span, SolverConfig(method='dopri5', step=Tolerances(1e-10, 1e-10), budget=Budget(max_nfe=300, deadline_s=120)))\n"
        "except BudgetExceeded as e:\n"
        "    print('stopped', e)\n"
    )
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=60)
    assert "stopped after 300 evaluations" in out.stdout, out.stderr


def test_deadline_stops_long_work():
    problem = Problem(SystemSpec("lorenz"), t1=1000.0)
    with pytest.raises(BudgetExceeded, match="time limit"):
        solve(
            problem.field(),
            problem.initial()[None],
            problem.span,
            SolverConfig(method="rk4", step=FixedStep(0.02), budget=Budget(max_nfe=10**9, deadline_s=0.2)),
        )


@pytest.mark.parametrize(
    ("span", "cfg", "message"),
    [
        ((0.0, 1.0), SolverConfig(step=FixedStep(0.0)), "positive"),
        ((0.0, 1.0), SolverConfig(step=FixedStep(-0.1)), "positive"),
        ((0.0, 1.0), SolverConfig(step=FixedStep(float("nan"))), "positive"),
        ((0.0, 1.0), SolverConfig(step=FixedStep(2.0)), "longer than the time span"),
        ((0.0, 1e9), SolverConfig(step=FixedStep(0.1)), "exceed the cap"),
        ((1.0, 1.0), SolverConfig(), "after the start"),
        ((0.0, float("inf")), SolverConfig(), "after the start"),
        ((0.0, 1.0), SolverConfig(method="nope"), "unknown method"),
        ((0.0, 1.0), SolverConfig(method="dopri5", step=Tolerances(rtol=0.0)), "tolerances"),
    ],
)
def test_bad_requests_are_refused_with_one_line(span, cfg, message):
    problem = Problem(SystemSpec("decay"))
    with pytest.raises(InvalidSolve, match=message) as caught:
        solve(problem.field(), problem.initial()[None], span, cfg)
    assert "\n" not in str(caught.value)


def test_fixed_grid_lands_on_the_end_time():
    grid = fixed_grid(0.0, 1.0, 0.3)
    assert grid.tolist() == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.0])
    assert len(fixed_grid(0.0, 12.0, 0.2)) == 61


def test_fit_order_ignores_round_off_and_non_finite_points():
    h = np.array([0.1, 0.05, 0.025, 0.0125, 0.00625])
    err = 3.0 * h**2
    assert fit_order(h, err) == pytest.approx(2.0)
    noisy = np.concatenate([err, [1e-14, np.nan]])
    assert fit_order(np.concatenate([h, [0.003, 0.001]]), noisy) == pytest.approx(2.0)
    assert fit_order(h[:2], err[:2]) is None


def test_sources_figure_euler_spirals_out_and_rk4_stays_on_the_orbit():
    problem = Problem(SystemSpec("lotka_volterra"))
    f, y0 = problem.field(), problem.initial()[None]

    def invariant(y: torch.Tensor) -> torch.Tensor:  # conserved along exact orbits (alpha = ... = 1)
        return y[..., 0] - torch.log(y[..., 0]) + y[..., 1] - torch.log(y[..., 1])

    v0 = invariant(y0[0])
    euler = solve(f, y0, problem.span, SolverConfig(method="euler", step=FixedStep(0.2))).y[:, 0]
    rk4 = solve(f, y0, problem.span, SolverConfig(method="rk4", step=FixedStep(0.2))).y[:, 0]
    assert (invariant(euler) - v0).abs().max() > 0.5
    assert (invariant(rk4) - v0).abs().max() < 1e-3


@pytest.mark.parametrize("key", sorted(SYSTEMS))
def test_every_system_is_batched_and_shaped(key):
    system = SYSTEMS[key]
    y = torch.randn(7, system.dim, dtype=F64, generator=torch.Generator().manual_seed(0))
    out = system.field()(torch.tensor(0.5, dtype=F64), y)
    assert out.shape == (7, system.dim)
    rows = torch.stack([system.field()(torch.tensor(0.5, dtype=F64), y[i : i + 1])[0] for i in range(7)])
    torch.testing.assert_close(out, rows)
    assert len(system.window) == system.dim and len(system.y0) == system.dim


@pytest.mark.parametrize("key", [k for k, s in SYSTEMS.items() if s.exact is not None and k != "blowup"])
def test_exact_solutions_satisfy_their_equations(key):
    # Finite differences need steps short against the fastest time scale: 1/1000 for the stiff one.
    t1 = 0.01 if SYSTEMS[key].stiff else 1.0
    problem = Problem(SystemSpec(key), t1=t1)
    t = torch.linspace(0.0, t1, 401 if SYSTEMS[key].stiff else 201, dtype=F64)
    y = problem.exact(t)
    torch.testing.assert_close(y[0], problem.initial())
    dydt = torch.gradient(y, spacing=(t,), dim=0)[0]
    torch.testing.assert_close(dydt[1:-1], problem.field()(t[1:-1], y[1:-1]), rtol=1e-3, atol=1e-3)


def test_pendulum_uses_minus_sine():
    f = get_system("pendulum").field()
    out = f(torch.tensor(0.0), torch.tensor([[math.pi / 2, 0.0]]))
    assert out[0, 1] == pytest.approx(-1.0)


def test_stage_counts_match_method_table():
    for key, method in FIXED_METHODS.items():
        assert METHODS[key].stages == method.stages and METHODS[key].order == method.order


def test_import_models_pulls_in_no_streamlit_or_plotting():
    code = (
        "import sys, models, models.systems.library, models.ode.solve, models.ode.convergence, models.systems.expressions\n"
        "bad = [m for m in ('streamlit', 'plotly', 'altair') if m in sys.modules]\n"
        "print(','.join(bad) or 'clean')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "clean", out.stderr


def test_a_config_takes_only_the_step_control_its_method_uses():
    with pytest.raises(ValueError, match="Tolerances"):
        SolverConfig(method="dopri5", step=FixedStep(0.1))
    with pytest.raises(ValueError, match="FixedStep"):
        SolverConfig(method="rk4", step=Tolerances())
    with pytest.raises(ValueError, match="adjoint"):
        SolverConfig(method="dopri5", step=Tolerances(), adjoint_seminorm=True)
    tolerances = Tolerances(1e-4, 1e-5)
    assert step_control("dopri5", 0.1, tolerances) is tolerances
    assert step_control("rk4_38", 0.1, tolerances) == FixedStep(0.1)
