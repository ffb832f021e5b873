"""The planar baseline, training through the one trainer, checkpoints and the solve's bounds for flows."""

from __future__ import annotations

import pytest
import torch

from models.flows.checkpoints import load_flow_checkpoint, save_flow_checkpoint
from models.flows.cnf import CNF, CNFConfig, parameter_count
from models.flows.planar import PlanarConfig, PlanarFlow
from models.flows.training import (
    FlowData,
    base_log_likelihood,
    held_out,
    log_likelihood,
    solve_nfe,
    train_flow,
)
from models.nn.checkpoints import CheckpointError
from models.nn.training import TrainConfig
from models.ode.solve import Budget, SolveError
from tests.models.test_flows import LinearField


def test_planar_inverse_undoes_the_layers_and_its_density_integrates_to_one() -> None:
    flow = PlanarFlow(PlanarConfig(8), seed=1)
    x = torch.randn(100, 2, generator=torch.Generator().manual_seed(0))
    z = x
    for k in range(8):
        z = z + torch.tanh(z @ flow.w[k] + flow.b[k])[:, None] * flow._u_hat(k)
    assert torch.allclose(flow.inverse(z), x, atol=1e-4)
    axis = torch.linspace(-6, 6, 241)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    with torch.no_grad():
        p = flow.log_prob(torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)).exp()
    assert float(p.sum() * (12 / 240) ** 2) == pytest.approx(1.0, abs=0.02)


def test_planar_layers_are_bounded() -> None:
    with pytest.raises(ValueError, match="1..64"):
        PlanarConfig(65)


@pytest.mark.parametrize("model", [CNF(CNFConfig(rtol=1e-3, atol=1e-4)), PlanarFlow(PlanarConfig(4))])
def test_a_few_steps_raise_the_likelihood(model: CNF | PlanarFlow) -> None:
    x = held_out("moons", 512)
    before = log_likelihood(model, x)
    result = train_flow(model, FlowData(n=512), TrainConfig(steps=15, lr=2e-2, batch_size=256))
    assert result.stop_reason == "completed"
    assert log_likelihood(model, x) > before + 0.1
    assert before > base_log_likelihood(x) - 2  # the flows start near the base Gaussian


def test_hutchinson_training_and_penalties_report_their_metrics() -> None:
    model = CNF(CNFConfig(trace="hutchinson", kinetic=0.01, jacobian=0.01, rtol=1e-3, atol=1e-4))
    result = train_flow(model, FlowData(n=256), TrainConfig(steps=2, batch_size=128))
    assert {"loss", "loglik", "kinetic", "jacobian", "nfe_forward"} <= set(result.history[-1])
    assert result.history[-1]["loss"] > -result.history[-1]["loglik"]


def test_adjoint_nfe_counts_both_passes() -> None:
    forward, backward = solve_nfe(CNF(CNFConfig(rtol=1e-3, atol=1e-4)), held_out("moons", 64))
    assert forward > 0 and backward > 0


def test_a_blow_up_ends_with_the_solves_one_line_message() -> None:
    model = CNF()
    model.field = LinearField(-30 * torch.eye(2))  # solved back from the data, e^30 |x| blows up
    with pytest.raises(SolveError) as info:
        model.log_prob(held_out("moons", 8), budget=Budget())
    assert "\n" not in str(info.value)


def test_checkpoints_round_trip_and_refuse_corrupt_files(tmp_path) -> None:
    cnf, planar = CNF(seed=4), PlanarFlow(PlanarConfig(3), seed=4)
    save_flow_checkpoint(tmp_path / "c.pt", cnf, {"held_out_loglik": -2.0})
    save_flow_checkpoint(tmp_path / "p.pt", planar)
    loaded = load_flow_checkpoint(tmp_path / "c.pt", "cnf")
    assert loaded.meta == {"held_out_loglik": -2.0}
    assert parameter_count(loaded.model) == parameter_count(cnf)
    x = held_out("moons", 16)
    assert log_likelihood(loaded.model, x) == pytest.approx(log_likelihood(cnf, x))
    assert isinstance(load_flow_checkpoint(tmp_path / "p.pt", "planar").model, PlanarFlow)
    with pytest.raises(CheckpointError, match="not 'cnf'"):
        load_flow_checkpoint(tmp_path / "p.pt", "cnf")
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_flow_checkpoint(tmp_path / "bad.pt", "cnf")
