"""The one solve with gradients: adjoint equals backprop, NFE forward/backward, the budget in training,
the method registry every menu filters, and that only one module of models/ calls torchdiffeq."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from models.nn.odefunc import ODEFunc
from models.node_anode.classifiers import ADAPTIVE_SOLVERS, FIXED_SOLVERS
from models.ode.methods import BY_TORCHDIFFEQ_NAME, METHODS
from models.ode.solve import (
    UNTIMED,
    BudgetExceeded,
    FixedStep,
    InvalidSolve,
    SolveError,
    SolverConfig,
    Tolerances,
    solve,
)
from models.phase.portrait import PORTRAIT_METHODS

MODELS = Path(__file__).resolve().parents[2] / "models"


def _problem() -> tuple[ODEFunc, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(3)
    func = ODEFunc(2, 16, gen, time_dependent=True).double()
    z0 = torch.randn(5, 2, generator=gen, dtype=torch.float64)
    return func, z0, torch.tensor([0.0, 0.7, 1.5], dtype=torch.float64)


def _grads(cfg: SolverConfig) -> tuple[torch.Tensor, int, int]:
    func, z0, t = _problem()
    result = solve(func, z0, t, cfg)
    assert result.nfe_backward == 0  # nothing backpropagated yet
    (result.y[1:] ** 2).sum().backward()
    return torch.cat([p.grad.flatten() for p in func.parameters()]), result.nfe, result.nfe_backward


@pytest.mark.parametrize(
    ("base", "rtol"),
    [
        (replace(UNTIMED, method="dopri5", step=Tolerances(1e-10, 1e-10)), 1e-6),
        (replace(UNTIMED, method="rk4_38", step=FixedStep(0.01)), 1e-6),
        # the backward solve's own O(h^2) error, against the exact gradient of the forward steps
        (replace(UNTIMED, method="midpoint", step=FixedStep(0.01)), 1e-3),
    ],
)
def test_adjoint_gradients_equal_backprop_gradients(base, rtol):
    direct, nfe_direct, back_direct = _grads(base)
    adjoint, nfe_adjoint, back_adjoint = _grads(replace(base, grad="adjoint"))
    torch.testing.assert_close(adjoint, direct, rtol=rtol, atol=1e-9)
    assert back_direct == 0 and back_adjoint > 0  # only the adjoint evaluates f backward
    assert nfe_direct == nfe_adjoint  # the same forward solve


def test_seminorm_adjoint_gives_the_same_gradients_with_fewer_backward_evaluations():
    base = replace(UNTIMED, method="dopri5", step=Tolerances(1e-6, 1e-6), grad="adjoint")
    full, _, back_full = _grads(base)
    semi, _, back_semi = _grads(replace(base, adjoint_seminorm=True))
    torch.testing.assert_close(semi, full, rtol=1e-3, atol=1e-6)
    assert back_semi <= back_full


def test_fixed_steps_count_exactly_at_given_times():
    func, z0, t = _problem()
    result = solve(func, z0, t, replace(UNTIMED, method="rk4_38", step=FixedStep(0.25)))
    assert result.nfe == 6 * 4 and func.nfe == result.nfe  # 1.5 / 0.25 steps of four stages
    torch.testing.assert_close(result.step_times, torch.arange(6, dtype=torch.float64) * 0.25)


def test_no_grad_mode_builds_no_graph():
    func, z0, t = _problem()
    assert not solve(
        func, z0, t, replace(UNTIMED, method="dopri5", step=Tolerances(), grad="none")
    ).y.requires_grad
    assert solve(func, z0, t, replace(UNTIMED, method="dopri5", step=Tolerances())).y.requires_grad


def test_the_budget_stops_a_training_solve_forward():
    func, z0, t = _problem()
    with pytest.raises(BudgetExceeded, match="stopped after 10 evaluations"):
        solve(
            func,
            z0,
            t,
            replace(
                UNTIMED, method="rk4_38", step=FixedStep(0.1), budget=replace(UNTIMED.budget, max_nfe=10)
            ),
        )


def test_the_budget_covers_the_adjoints_backward_solve():
    func, z0, t = _problem()
    cfg = replace(UNTIMED, method="rk4_38", step=FixedStep(0.25), grad="adjoint")
    result = solve(func, z0, t, replace(cfg, budget=replace(cfg.budget, max_nfe=30)))  # the forward needs 24
    with pytest.raises(SolveError):
        result.y.sum().backward()


def test_classic_rk4_has_no_gradient_mode_and_says_so():
    func, z0, t = _problem()
    with pytest.raises(InvalidSolve, match="RK4 \\(classic\\)"):
        solve(func, z0, t, replace(UNTIMED, method="rk4"))


def test_the_adjoint_needs_a_module():
    _, z0, t = _problem()
    with pytest.raises(InvalidSolve):
        solve(lambda t, y: -y, z0, t, replace(UNTIMED, method="dopri5", step=Tolerances(), grad="adjoint"))


def test_every_menu_filters_the_one_registry_with_one_label_per_method():
    labels = [m.label for m in METHODS.values()]
    assert len(set(labels)) == len(labels)
    assert all(METHODS[k].source == "hand" and not METHODS[k].adaptive for k in PORTRAIT_METHODS)
    assert PORTRAIT_METHODS[0] == "rk4"  # highest order first
    assert set(ADAPTIVE_SOLVERS) | set(FIXED_SOLVERS) == set(BY_TORCHDIFFEQ_NAME)
    assert all(BY_TORCHDIFFEQ_NAME[s].adaptive for s in ADAPTIVE_SOLVERS)
    assert BY_TORCHDIFFEQ_NAME["rk4"].key == "rk4_38"  # torchdiffeq's rk4 is the 3/8 rule


def test_only_the_one_solve_imports_torchdiffeqs_odeint():
    pattern = re.compile(r"^\s*(from torchdiffeq\b.*\bodeint|import torchdiffeq)", re.MULTILINE)
    importers = sorted(
        str(p.relative_to(MODELS)) for p in MODELS.rglob("*.py") if pattern.search(p.read_text())
    )
    assert importers == ["ode/solve.py"]
