"""The adjoint with a seminorm: the same gradients as backprop, fewer backward evaluations where the
parameter-gradient channels set the backward step, and none saved where the state sets it (the page's
shipped half-moons NODE)."""

from __future__ import annotations

from dataclasses import replace

import torch
from torch.nn import functional as F

from models.learning.nfe_study import NFEStudyConfig, seminorm_saving, tolerance_sweep
from models.nn.checkpoints import load_checkpoint
from models.nn.odefunc import ODEFunc
from models.node_anode.data import ToyDataConfig, make_dataset
from models.ode.solve import UNTIMED, SolverConfig, Tolerances, solve


def _gradients(cfg: SolverConfig, reduction: str = "sum") -> tuple[torch.Tensor, int]:
    """Parameter gradients of |z(1)|^2 (summed or averaged over a seeded batch of 64) and backward NFE."""
    gen = torch.Generator().manual_seed(0)
    func = ODEFunc(2, 64, gen).double()
    z0 = torch.randn(64, 2, generator=gen, dtype=torch.float64)
    result = solve(func, z0, torch.tensor([0.0, 1.0], dtype=torch.float64), cfg)
    squares = result.y[-1].pow(2)
    (squares.sum() if reduction == "sum" else squares.mean()).backward()
    return torch.cat([p.grad.flatten() for p in func.parameters()]), result.nfe_backward


def test_seminorm_adjoint_gradients_equal_backprop_gradients():
    base = replace(UNTIMED, method="dopri5", step=Tolerances(1e-9, 1e-9))
    direct, _ = _gradients(base)
    semi, back = _gradients(replace(base, grad="adjoint", adjoint_seminorm=True))
    torch.testing.assert_close(semi, direct, rtol=1e-6, atol=1e-9)
    assert back > 0


def test_seminorm_lowers_backward_nfe_where_the_parameter_gradients_set_the_step():
    # A summed loss makes the parameter-gradient integrals large against atol: they, not the state, bound
    # the full norm's backward step, so leaving them out lets the step grow.
    adjoint = replace(UNTIMED, method="dopri5", step=Tolerances(1e-3, 1e-3), grad="adjoint")
    full, back_full = _gradients(adjoint)
    semi, back_semi = _gradients(replace(adjoint, adjoint_seminorm=True))
    assert (back_full, back_semi) == (20, 14)  # 30% fewer
    direct, _ = _gradients(replace(adjoint, grad="backprop"))
    scale = direct.abs().max()
    assert (semi - direct).abs().max() / scale < 0.05 and (full - direct).abs().max() / scale < 0.05


def test_seminorm_saves_nothing_where_the_state_sets_the_step():
    # The same field with a batch-mean loss: the gradients are 64 times smaller, inside atol.
    adjoint = replace(UNTIMED, method="dopri5", step=Tolerances(1e-3, 1e-3), grad="adjoint")
    _, back_full = _gradients(adjoint, "mean")
    _, back_semi = _gradients(replace(adjoint, adjoint_seminorm=True), "mean")
    assert back_full == back_semi == 14


def test_shipped_node_sweep_three_ways():
    ckpt = load_checkpoint("checkpoints/node_anode/node_moons.pt")
    test = make_dataset(ToyDataConfig(**ckpt.meta["data"])).test
    head = lambda z: F.cross_entropy(ckpt.model.readout(z), test.y)  # noqa: E731
    sweep = tolerance_sweep(ckpt.model.func, test.x, head, NFEStudyConfig(tolerances=(1e-2, 1e-5)))
    forward = sweep.column("nfe_forward")
    assert (sweep.backward_column("backprop", "nfe") == 0).all()  # autograd replays, evaluates nothing
    replayed = sweep.backward_column("backprop", "vjps")
    assert (replayed > 0).all() and (replayed <= forward).all()  # rejected steps' evaluations reach no loss
    for mode in ("adjoint", "seminorm"):  # one VJP per backward evaluation
        assert (sweep.backward_column(mode, "vjps") == sweep.backward_column(mode, "nfe")).all()
    # the page's truthful note: at rtol = atol the re-integrated state sets every backward step here
    assert list(sweep.backward_column("seminorm", "nfe")) == list(sweep.backward_column("adjoint", "nfe"))
    assert seminorm_saving(sweep) == 0.0
