"""Stiff systems: the implicit methods against exact solutions, the stiffness ratio from the Jacobian,
and explicit methods stopped by the budget (or a collapsing step) with the one failure type."""

from __future__ import annotations

import pytest
import torch

from models.failure import Failure
from models.node_anode.classifiers import ADAPTIVE_SOLVERS
from models.ode.convergence import reference_solution
from models.ode.methods import BY_TORCHDIFFEQ_NAME, METHODS, method_keys
from models.ode.solve import (
    Budget,
    BudgetExceeded,
    InvalidSolve,
    SolverConfig,
    StepCollapsed,
    Tolerances,
    solve,
)
from models.ode.stiffness import stiffness_along, stiffness_ratio
from models.systems.spec import Problem, SystemSpec

F64 = torch.float64
IMPLICIT = method_keys(lambda m: m.implicit)
LINEAR = Problem(SystemSpec("stiff_linear"))


def test_registry_keeps_implicit_methods_out_of_gradient_menus():
    assert IMPLICIT == ("lsoda", "bdf")
    assert all(METHODS[k].adaptive and METHODS[k].torchdiffeq is None for k in IMPLICIT)
    assert not set(IMPLICIT) & {m.key for m in BY_TORCHDIFFEQ_NAME.values()}
    assert not set(IMPLICIT) & {BY_TORCHDIFFEQ_NAME[s].key for s in ADAPTIVE_SOLVERS}


@pytest.mark.parametrize("method", IMPLICIT)
def test_implicit_method_matches_the_exact_stiff_linear_solution(method):
    cfg = SolverConfig(method=method, step=Tolerances(1e-8, 1e-10), n_eval=50)
    result = solve(LINEAR.field(), LINEAR.initial()[None], LINEAR.span, cfg)
    exact = LINEAR.exact(result.t)
    assert result.y.shape == (50, 1, 2)
    torch.testing.assert_close(result.y[:, 0], exact, rtol=1e-5, atol=1e-7)
    # Steps set by accuracy, not by the fast rate: far fewer than an explicit method's t1 / (2/1000).
    assert 20 < len(result.step_times) < 1000
    assert result.step_sizes.max() > 0.05


def test_implicit_method_counts_every_evaluation_and_answers_at_given_times():
    calls = []

    def f(t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        calls.append(1)
        return LINEAR.field()(t, y)

    times = torch.tensor([0.0, 0.001, 0.1, 1.0, 10.0], dtype=F64)
    result = solve(
        f, LINEAR.initial()[None], times, SolverConfig(method="lsoda", step=Tolerances(1e-9, 1e-11))
    )
    assert result.nfe == len(calls) > 0  # finite-difference Jacobians included
    torch.testing.assert_close(result.y[:, 0], LINEAR.exact(times), rtol=1e-5, atol=1e-8)


def test_implicit_method_refuses_gradients():
    cfg = SolverConfig(method="bdf", step=Tolerances(), grad="backprop")
    with pytest.raises(InvalidSolve, match="without gradients"):
        solve(LINEAR.field(), LINEAR.initial()[None], LINEAR.span, cfg)


def test_stiffness_ratio_of_the_linear_system_is_1000():
    t = torch.linspace(0.0, 10.0, 7, dtype=F64)
    along = stiffness_along(LINEAR.field(), t, LINEAR.exact(t))
    torch.testing.assert_close(along.ratio, torch.full((7,), 1000.0, dtype=F64))
    torch.testing.assert_close(
        along.eigenvalues.real.sort(dim=-1).values[0], torch.tensor([-1000.0, -1.0], dtype=F64)
    )


def test_stiffness_ratio_leaves_conserved_directions_out():
    eig = torch.tensor([[-1e4, -0.5, 0.0], [0.0, 0.0, 0.0]], dtype=torch.complex128)
    ratio = stiffness_ratio(eig)
    assert float(ratio[0]) == pytest.approx(2e4) and torch.isnan(ratio[1])


def test_robertson_is_stiff_along_its_path():
    problem = Problem(SystemSpec("robertson"))
    result = solve(
        problem.field(),
        problem.initial()[None],
        problem.span,
        SolverConfig("lsoda", Tolerances(1e-6, 1e-8), n_eval=20),
    )
    assert torch.allclose(result.y[:, 0].sum(-1), torch.ones(20, dtype=F64), atol=1e-6)  # y1 + y2 + y3 = 1
    along = stiffness_along(problem.field(), result.t, result.y[:, 0])
    assert float(along.ratio[1:].min()) > 1e6


def test_explicit_dopri5_on_robertson_stops_at_the_budget_in_one_line():
    problem = Problem(SystemSpec("robertson"))
    cfg = SolverConfig(
        method="dopri5", step=Tolerances(1e-6, 1e-6), budget=Budget(max_nfe=3_000, deadline_s=None)
    )
    with pytest.raises(BudgetExceeded) as caught:
        solve(problem.field(), problem.initial()[None], problem.span, cfg)
    err = caught.value
    assert isinstance(err, Failure) and "\n" not in err.message
    assert "3,000 evaluations" in err.message and "stiff" in err.message
    assert err.partial is not None and float(err.partial.step_times[-1]) < 1.0  # nowhere near t1 = 1e5


def test_collapsing_step_is_one_failure_not_an_assertion():
    cfg = SolverConfig(
        method="dopri5", step=Tolerances(1e-6, 1e-6), budget=Budget(max_abs_state=None, deadline_s=None)
    )
    with pytest.raises(StepCollapsed, match="underflow in dt") as caught:
        solve(lambda t, y: y * y, torch.ones(1, 1, dtype=F64), (0.0, 2.0), cfg)
    assert isinstance(caught.value, Failure) and "\n" not in caught.value.message


def test_stiff_reference_is_an_implicit_solve():
    _, y, how = reference_solution(Problem(SystemSpec("robertson")), n_points=10)
    assert how.startswith("lsoda")
    torch.testing.assert_close(
        y[-1], torch.tensor([1.786592e-2, 7.274752e-8, 9.821340e-1], dtype=F64), rtol=1e-5, atol=1e-9
    )
