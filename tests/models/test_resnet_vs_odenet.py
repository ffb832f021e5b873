"""The textbook regression: data, the ResNet as Euler steps, the ODE-Net, and losses that go down."""

from __future__ import annotations

import pytest
import torch

from models.learning.resnet_vs_odenet import (
    RegressionConfig,
    build_odenet,
    build_resnet,
    extrapolation_error,
    target,
    train_regressor,
    training_data,
)


def test_training_data_is_the_textbook_cubic():
    x, y = training_data(RegressionConfig())
    assert x.shape == (10, 1) and float(x.min()) == -2.0 and float(x.max()) == 2.0
    assert torch.allclose(y, x**3 + 0.1 * x)


def test_resnet_hidden_states_are_euler_steps():
    cfg = RegressionConfig(depth=4, scaled_step=True)
    model = build_resnet(cfg)
    x = torch.linspace(-3, 3, 7).unsqueeze(1)
    states = model.hidden_states(x)
    assert states.shape == (5, 7, 1)
    with torch.no_grad():
        step = states[0] + 0.25 * model.blocks[0](states[0])
    assert torch.allclose(states[1], step.detach())
    assert torch.allclose(model(x), states[-1])


def test_same_seed_same_model_different_seed_different_model():
    a, b = build_resnet(RegressionConfig()), build_resnet(RegressionConfig())
    c = build_resnet(RegressionConfig(seed=1))
    x = torch.ones(1, 1)
    assert torch.equal(a(x), b(x)) and not torch.equal(a(x), c(x))


@pytest.mark.parametrize("builder", [build_resnet, build_odenet])
def test_losses_go_down_in_a_few_steps(builder):
    cfg = RegressionConfig(iterations=25)
    model = builder(cfg)
    fit = train_regressor(model, cfg)
    assert len(fit.losses) == 25 and fit.stopped == "completed"
    assert fit.losses[-1] < 0.7 * fit.losses[0]


def test_odenet_trajectory_starts_at_the_input_and_ends_at_the_output():
    model = build_odenet(RegressionConfig())
    x = torch.linspace(-3, 3, 5).unsqueeze(1)
    with torch.no_grad():
        path = model.trajectory(x, torch.linspace(0, 1, 11))
        assert path.shape == (11, 5, 1)
        assert torch.allclose(path[0], x) and torch.allclose(path[-1], model(x), atol=1e-5)
    assert model.func.nfe > 0


def test_a_one_dimensional_ode_flow_keeps_the_order_of_its_inputs():
    # Trajectories of a 1-D ODE cannot cross, so the ODE-Net's map is monotone, like the cubic target.
    model = build_odenet(RegressionConfig())
    x = torch.linspace(-3, 3, 50).unsqueeze(1)
    with torch.no_grad():
        out = model(x).flatten()
    assert (out[1:] > out[:-1]).all()


def test_callback_stops_and_extrapolation_error_is_measured():
    cfg = RegressionConfig(iterations=100)
    model = build_resnet(cfg)
    fit = train_regressor(model, cfg, on_step=lambda step, m: step >= 3)
    assert fit.stopped == "callback" and len(fit.losses) == 3
    assert extrapolation_error(model) > 0
    assert float(target(torch.tensor(3.0))) == pytest.approx(27.3)


def test_bad_config_is_rejected():
    with pytest.raises(ValueError):
        RegressionConfig(depth=0)
    with pytest.raises(ValueError):
        RegressionConfig(optimizer="rmsprop")  # type: ignore[arg-type]
