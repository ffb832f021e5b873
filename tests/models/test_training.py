"""The one trainer and its plug-ins: loss goes down, callbacks report and stop, NFE counts, snapshots,
seeds, samplers."""

import math
from dataclasses import replace

import pytest
import torch

from models.nn.samplers import full_batch, minibatches, time_windows
from models.nn.supervised import cross_entropy_loss, evaluate, fit_splits, loss_for_task, mse_loss
from models.nn.training import TrainConfig, fit, make_optimizer, snapshot_state
from models.node_anode.classifiers import Architecture, ModelConfig, ModelSolver, build_model
from models.node_anode.data import ToyDataConfig, make_dataset
from models.ode.solve import BudgetExceeded, FixedStep

MOONS = make_dataset(ToyDataConfig(name="moons", n=200, seed=0))
FAST = ModelConfig(Architecture(kind="node", hidden=16), ModelSolver("rk4", FixedStep(0.25)))


def test_a_few_steps_lower_the_loss_and_report_every_step():
    model = build_model(FAST, 2, 2, seed=0)
    before = evaluate(model, MOONS.train)["loss"]
    seen = []
    result = fit_splits(
        model,
        MOONS,
        cross_entropy_loss,
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
    result = fit_splits(
        model, MOONS, cross_entropy_loss, TrainConfig(steps=50), on_step=lambda step, m: step == 3
    )
    assert result.steps_done == 3 and len(result.history) == 3 and result.stop_reason == "callback"
    assert result.test  # still evaluated after an early stop


def test_nfe_counts_direct_and_adjoint():
    direct = build_model(FAST, 2, 2, seed=0)
    h = fit_splits(direct, MOONS, cross_entropy_loss, TrainConfig(steps=2, eval_every=0)).history
    assert [m["nfe_forward"] for m in h] == [16.0, 16.0]  # rk4, 4 steps of 4 stages
    assert [m["nfe_backward"] for m in h] == [0.0, 0.0]  # backprop re-evaluates nothing
    adjoint = build_model(replace(FAST, solver=replace(FAST.solver, adjoint=True)), 2, 2, 0)
    h = fit_splits(adjoint, MOONS, cross_entropy_loss, TrainConfig(steps=2, eval_every=0)).history
    assert h[0]["nfe_forward"] == 16.0
    assert h[0]["nfe_backward"] == 16.0  # the adjoint solve runs the same fixed grid backwards


def test_same_seed_same_history_and_batches_differ_by_seed():
    def losses(seed):
        model = build_model(FAST, 2, 2, seed=0)
        return [
            m["loss"]
            for m in fit_splits(
                model, MOONS, cross_entropy_loss, TrainConfig(steps=5, batch_size=32, seed=seed)
            ).history
        ]

    assert losses(1) == losses(1)
    assert losses(1) != losses(2)


def test_snapshots_capture_weights_at_the_requested_steps():
    model = build_model(FAST, 2, 2, seed=0)
    result = fit_splits(
        model, MOONS, cross_entropy_loss, TrainConfig(steps=7, snapshots_every=3, eval_every=0)
    )
    assert [step for step, _ in result.snapshots] == [0, 3, 6, 7]
    first, last = result.snapshots[0][1], result.snapshots[-1][1]
    key = "func.net.0.weight"
    assert not torch.equal(first[key], last[key])
    assert torch.equal(last[key], model.state_dict()[key])
    assert last[key] is not model.state_dict()[key]


def test_regression_with_mse_and_a_resnet():
    flip = make_dataset(ToyDataConfig(name="flip1d", n=100))
    model = build_model(ModelConfig(Architecture(kind="resnet", resnet_depth=3, hidden=16)), 1, 1, seed=1)
    assert loss_for_task("regression") is mse_loss and loss_for_task("classification") is cross_entropy_loss
    before = evaluate(model, flip.train, mse_loss)["loss"]
    result = fit_splits(model, flip, mse_loss, TrainConfig(steps=60, lr=2e-2, batch_size=1000))
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

    result = fit_splits(model, data, loss_fn, TrainConfig(steps=100, lr=5e-2, batch_size=16, eval_every=25))
    assert result.history[-1]["custom"] == 1.0 and result.history[-1]["nfe_forward"] == 0.0
    assert "val_custom" in result.history[-1]
    assert result.test["loss"] < 0.05


def test_non_finite_loss_and_time_budget_stop_training():
    model = torch.nn.Linear(2, 2)

    def nan_loss(m, batch):
        loss = m(batch[0]).sum() * float("nan")
        return loss, {"loss": loss.item()}

    result = fit_splits(model, MOONS, nan_loss, TrainConfig(steps=10, eval_every=0))
    assert result.stop_reason == "non_finite" and result.steps_done == 1 and math.isnan(result.test["loss"])
    result = fit_splits(
        build_model(FAST, 2, 2, 0), MOONS, cross_entropy_loss, TrainConfig(steps=1000, max_wall_s=0.0)
    )
    assert result.stop_reason == "time_budget" and result.steps_done == 1


@pytest.mark.parametrize(
    "kwargs", [{"steps": -1}, {"lr": 0.0}, {"batch_size": 0}, {"eval_every": -1}, {"optimizer": "rmsprop"}]
)
def test_invalid_train_configs_are_rejected(kwargs):
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)


def test_fit_runs_any_sampler_with_sgd_and_keeps_snapshots_independent():
    x = torch.linspace(-1, 1, 20).unsqueeze(1)
    model = torch.nn.Linear(1, 1)
    cfg = TrainConfig(steps=40, lr=0.1, optimizer="sgd", snapshots_every=20)
    result = fit(model, full_batch((x, 3 * x)), mse_loss, cfg)
    assert result.steps_done == 40 and result.history[-1]["loss"] < 0.1 * result.history[0]["loss"]
    assert set(result.history[0]) == {"loss", "wall_s"} and result.wall_s > 0
    assert [s for s, _ in result.snapshots] == [0, 20, 40]
    copy = snapshot_state(model)
    assert torch.equal(copy["weight"], model.weight) and copy["weight"] is not model.weight


def test_errors_named_in_stop_on_end_training_and_keep_the_steps_before():
    model = torch.nn.Linear(1, 1)
    x = torch.ones(4, 1)

    def flaky(m, batch):
        if len(calls) == 3:
            raise BudgetExceeded("too many")
        calls.append(1)
        loss = (m(batch[0]) ** 2).mean()
        return loss, {"loss": loss.item()}

    calls: list[int] = []
    result = fit(
        model, full_batch((x,)), flaky, TrainConfig(steps=9, snapshots_every=2), stop_on=(BudgetExceeded,)
    )
    assert result.stop_reason == "error" and isinstance(result.error, BudgetExceeded)
    assert result.steps_done == 3 and [s for s, _ in result.snapshots] == [0, 2, 3]
    calls.clear()
    with pytest.raises(BudgetExceeded):
        fit(model, full_batch((x,)), flaky, TrainConfig(steps=9))


def test_minibatches_are_seeded_permutations_and_time_windows_share_a_grid():
    rows = (torch.arange(10), torch.arange(10) * 2)
    a, b = minibatches(rows, 4, seed=0), minibatches(rows, 4, seed=0)
    first = [next(a) for _ in range(4)]
    assert all(torch.equal(x[0], y[0]) for x, y in zip(first, [next(b) for _ in range(4)], strict=True))
    assert all(len(x[0]) == 4 and torch.equal(x[1], 2 * x[0]) for x in first)
    assert len(set(torch.cat([first[0][0], first[1][0]]).tolist())) == 8  # one epoch: no repeats
    assert next(minibatches(rows, 99, seed=0))[0] is rows[0]
    t = torch.linspace(0, 9.9, 100)
    values = torch.stack([t, -t], dim=1)
    t_rel, target = next(time_windows(t, values, (1.0, 2.0), 8, 3, seed=0))
    assert t_rel[0] == 0 and len(t_rel) <= 8 and target.shape == (len(t_rel), 3, 2)
    assert torch.allclose(target[:, :, 0] - target[0, :, 0], t_rel[:, None].expand(-1, 3), atol=1e-5)


def test_steps_one_at_a_time_with_a_kept_optimizer_equal_one_longer_run():
    # Step in the NODE vs ANODE lab: fit(steps=1) again and again with the same optimiser (Adam's moments
    # carried over) trains exactly as one fit of that many steps does, full batch.
    config = TrainConfig(steps=3, lr=2e-2, batch_size=1000, eval_every=0)
    whole = build_model(FAST, 2, 2, seed=0)
    fit(whole, full_batch(MOONS.train), cross_entropy_loss, config)
    stepped = build_model(FAST, 2, 2, seed=0)
    optimizer = make_optimizer(stepped, config)
    losses = [
        fit(
            stepped,
            full_batch(MOONS.train),
            cross_entropy_loss,
            replace(config, steps=1),
            optimizer=optimizer,
        ).history[0]["loss"]
        for _ in range(3)
    ]
    assert losses[0] > losses[1] > losses[2]
    for a, b in zip(whole.parameters(), stepped.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    fresh = build_model(FAST, 2, 2, seed=0)
    for _ in range(3):  # a fresh optimiser each step forgets the moments: a different path
        fit(fresh, full_batch(MOONS.train), cross_entropy_loss, replace(config, steps=1))
    assert any(not torch.allclose(a, b) for a, b in zip(whole.parameters(), fresh.parameters(), strict=True))
