"""The model-agnostic trainer: loss goes down, callbacks report and stop, NFE counts, snapshots, seeds."""

import math

import pytest
import torch

from models.nn.training import TrainConfig, cross_entropy_loss, evaluate, fit, loss_for_task, mse_loss
from models.node_anode.classifiers import ModelConfig, build_model
from models.node_anode.data import ToyDataConfig, make_dataset

MOONS = make_dataset(ToyDataConfig(name="moons", n=200, seed=0))
FAST = ModelConfig(kind="node", hidden=16, solver="rk4", step_size=0.25)


def test_a_few_steps_lower_the_loss_and_report_every_step():
    model = build_model(FAST, 2, 2, seed=0)
    before = evaluate(model, MOONS.train)["loss"]
    seen = []
    result = fit(
        model,
        MOONS,
        TrainConfig(steps=30, lr=2e-2, batch_size=1000, eval_every=10),
        on_step=lambda s, m: seen.append(s),
    )
    assert seen == list(range(1, 31)) and result.steps_done == 30 and result.stop_reason == "completed"
    assert evaluate(model, MOONS.train)["loss"] < 0.7 * before
    first, last = result.history[0], result.history[-1]
    assert {"loss", "accuracy", "nfe_forward", "nfe_backward", "wall_s"} <= set(first)
    assert "val_accuracy" not in first and "val_accuracy" in result.history[9] and "val_loss" in last
    assert last["wall_s"] >= first["wall_s"] > 0
    assert {"loss", "accuracy", "nfe_forward"} <= set(result.test)


def test_on_step_returning_true_stops_training():
    model = build_model(FAST, 2, 2, seed=0)
    result = fit(model, MOONS, TrainConfig(steps=50), on_step=lambda step, m: step == 3)
    assert result.steps_done == 3 and len(result.history) == 3 and result.stop_reason == "callback"
    assert result.test  # still evaluated after an early stop


def test_nfe_counts_direct_and_adjoint():
    direct = build_model(FAST, 2, 2, seed=0)
    h = fit(direct, MOONS, TrainConfig(steps=2, eval_every=0)).history
    assert [m["nfe_forward"] for m in h] == [16.0, 16.0]  # rk4, 4 steps of 4 stages
    assert [m["nfe_backward"] for m in h] == [0.0, 0.0]  # backprop re-evaluates nothing
    adjoint = build_model(
        ModelConfig(kind="node", hidden=16, solver="rk4", step_size=0.25, adjoint=True), 2, 2, 0
    )
    h = fit(adjoint, MOONS, TrainConfig(steps=2, eval_every=0)).history
    assert h[0]["nfe_forward"] == 16.0
    assert h[0]["nfe_backward"] == 16.0  # the adjoint solve runs the same fixed grid backwards


def test_same_seed_same_history_and_batches_differ_by_seed():
    def losses(seed):
        model = build_model(FAST, 2, 2, seed=0)
        return [m["loss"] for m in fit(model, MOONS, TrainConfig(steps=5, batch_size=32, seed=seed)).history]

    assert losses(1) == losses(1)
    assert losses(1) != losses(2)


def test_snapshots_capture_weights_at_the_requested_steps():
    model = build_model(FAST, 2, 2, seed=0)
    result = fit(model, MOONS, TrainConfig(steps=7, snapshots_every=3, eval_every=0))
    assert [step for step, _ in result.snapshots] == [0, 3, 6, 7]
    first, last = result.snapshots[0][1], result.snapshots[-1][1]
    key = "func.net.0.weight"
    assert not torch.equal(first[key], last[key])
    assert torch.equal(last[key], model.state_dict()[key])
    assert last[key] is not model.state_dict()[key]


def test_regression_with_mse_and_a_resnet():
    flip = make_dataset(ToyDataConfig(name="flip1d", n=100))
    model = build_model(ModelConfig(kind="resnet", resnet_depth=3, hidden=16), 1, 1, seed=1)
    assert loss_for_task("regression") is mse_loss and loss_for_task("classification") is cross_entropy_loss
    before = evaluate(model, flip.train, mse_loss)["loss"]
    result = fit(model, flip, TrainConfig(steps=60, lr=2e-2, batch_size=1000), loss_fn=mse_loss)
    assert result.test["loss"] < 0.2 * before
    assert "accuracy" not in result.history[-1]


def test_trainer_knows_nothing_of_the_model():
    x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    data = type(
        "Data", (), {"train": (x[:48], y[:48]), "val": (x[48:56], y[48:56]), "test": (x[56:], y[56:])}
    )
    model = torch.nn.Linear(3, 1)

    def loss_fn(m, batch):
        loss = ((m(batch[0]) - batch[1]) ** 2).mean()
        return loss, {"loss": loss.item(), "custom": 1.0}

    result = fit(model, data, TrainConfig(steps=100, lr=5e-2, batch_size=16, eval_every=25), loss_fn=loss_fn)
    assert result.history[-1]["custom"] == 1.0 and result.history[-1]["nfe_forward"] == 0.0
    assert "val_custom" in result.history[-1]
    assert result.test["loss"] < 0.05


def test_non_finite_loss_and_time_budget_stop_training():
    model = torch.nn.Linear(2, 2)

    def nan_loss(m, batch):
        loss = m(batch[0]).sum() * float("nan")
        return loss, {"loss": loss.item()}

    result = fit(model, MOONS, TrainConfig(steps=10, eval_every=0), loss_fn=nan_loss)
    assert result.stop_reason == "non_finite" and result.steps_done == 1 and math.isnan(result.test["loss"])
    result = fit(build_model(FAST, 2, 2, 0), MOONS, TrainConfig(steps=1000, max_wall_s=0.0))
    assert result.stop_reason == "time_budget" and result.steps_done == 1


@pytest.mark.parametrize("kwargs", [{"steps": -1}, {"lr": 0.0}, {"batch_size": 0}, {"eval_every": -1}])
def test_invalid_train_configs_are_rejected(kwargs):
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)
