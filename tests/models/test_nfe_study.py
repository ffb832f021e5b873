"""The NFE study reproduces the paper's Fig. 3 trends on a small model."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from models.learning.nfe_study import (
    NFEStudyConfig,
    TrainingNFEConfig,
    backward_forward_ratio,
    seconds_per_evaluation,
    tolerance_sweep,
    train_recording_nfe,
)
from models.nn.checkpoints import load_checkpoint
from models.nn.training import TrainConfig
from models.node_anode.classifiers import Architecture, ModelConfig, ModelSolver
from models.node_anode.data import ToyDataConfig, make_dataset


@pytest.fixture(scope="module")
def sweep():
    ckpt = load_checkpoint("checkpoints/node_anode/node_moons.pt")
    test = make_dataset(ToyDataConfig()).test
    head = lambda z: F.cross_entropy(ckpt.model.readout(z), test.y)  # noqa: E731
    return tolerance_sweep(ckpt.model.func, test.x, head, NFEStudyConfig(tolerances=(1e-1, 1e-3, 1e-5)))


def test_tighter_tolerance_needs_more_evaluations(sweep):
    nfe = sweep.column("nfe_forward")
    assert list(nfe) == sorted(nfe) and nfe[-1] > 2 * nfe[0]
    assert (sweep.backward_column("adjoint", "nfe") > 0).all()


def test_time_and_ratio_summaries(sweep):
    assert seconds_per_evaluation(sweep) > 0
    ratio = backward_forward_ratio(sweep)
    assert 0.2 < ratio < 5


def test_time_budget_keeps_the_first_point():
    gen = torch.Generator().manual_seed(0)
    from models.nn.odefunc import ODEFunc

    func = ODEFunc(2, 8, gen)
    cfg = NFEStudyConfig(tolerances=(1e-2, 1e-4), time_budget_s=0.0)
    out = tolerance_sweep(func, torch.randn(4, 2, generator=gen), lambda z: z.pow(2).sum(), cfg)
    assert len(out.points) == 1 and out.skipped == (1e-4,)


def test_bad_config_is_rejected():
    with pytest.raises(ValueError):
        NFEStudyConfig(tolerances=(2.0,))
    with pytest.raises(ValueError):
        NFEStudyConfig(tolerances=())


def test_training_records_forward_nfe_each_step_and_lowers_the_loss():
    cfg = TrainingNFEConfig(
        data=ToyDataConfig(name="moons", n=200),
        model=ModelConfig(Architecture(kind="node", hidden=16), ModelSolver(adjoint=True)),
        train=TrainConfig(steps=12, lr=0.02, batch_size=1000, eval_every=0),
    )
    result = train_recording_nfe(cfg)
    assert result.steps_done == 12
    nfe = [h["nfe_forward"] for h in result.history]
    assert all(
        n >= 6 and n % 6 == 2 for n in nfe
    )  # dopri5: 6 per attempted step, plus the 2 first evaluations
    assert all(h["nfe_backward"] > 0 for h in result.history)
    assert result.history[-1]["loss"] < result.history[0]["loss"]
    assert math.isfinite(result.test["loss"])
